/// The spec's start-up check (§4.1) as a value: where the database stands against the
/// migrations. `.version`, `--check`, `.pending` and the interactive start-up check all
/// read this one value, so they agree with `.apply` on the folder and on Schema_Version.
public struct VersionStatus: Sendable {
    public enum State: String, Sendable, Codable {
        case upToDate = "up_to_date"
        case pending
        case databaseNewer = "database_newer"
        /// The migrations folder has errors: `.apply` refuses it, whatever is pending.
        case folderError = "folder_error"
    }

    public var state: State
    public var currentVersion: Int
    public var requiredVersion: Int
    public var pending: Int
    public var folderErrors: [MigrationFolder.Problem]
    public var folderWarnings: [MigrationFolder.Problem]

    /// Reads the status. Throws when Schema_Version cannot be trusted (`.versionTable`) or the
    /// database is damaged (`.damaged`) — never "too new" because a damaged page held a
    /// garbage version.
    public static func evaluate(db: Connection, folder: MigrationFolder, target: Int?, appVersion: String?) throws -> VersionStatus {
        let current = try SchemaVersionTable.currentVersion(db, knownVersions: folder.highestVersion)
        let required = try MigrationPlan.requiredVersion(folder: folder, target: target, appVersion: appVersion)
        var state: State = current == required ? .upToDate : (current > required ? .databaseNewer : .pending)
        // A newer version than the application knows is rare; make sure it is not damage.
        if state == .databaseNewer { try SchemaVersionTable.requireUndamaged(db) }
        if !folder.errors.isEmpty { state = .folderError }
        return VersionStatus(state: state, currentVersion: current, requiredVersion: required, pending: max(0, required - current),
                             folderErrors: folder.errors, folderWarnings: folder.warnings)
    }
}
