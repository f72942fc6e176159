/// The spec's "Database Version Too New" message (§4.1).
public enum DatabaseTooNew {
    public static let title = "Database Version Too New"
    public static func message(current: Int, required: Int) -> String {
        "\(title): this database (version \(current)) is newer than this application version (requires version \(required)). Please update the application to the latest version."
    }
}
