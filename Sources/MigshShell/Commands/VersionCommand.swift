import FoundationEssentials
import ArgumentParser
import MigshCore

/// `.version`: current schema version, required version, status (spec §2.2, §4.1).
struct VersionCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".version",
        abstract: "Show the current and required schema versions and the status.",
        discussion: "Example: .version")
    static let wordsRead: Int? = 0

    typealias Output = Document

    struct Document: CommandOutput {
        static let jsonDescription = "one JSON object: database, current_version, required_version, status, pending, message, warnings, errors"
        var database: String
        var currentVersion: Int
        var requiredVersion: Int
        var status: String
        var pending: Int
        var message: String
        var warnings: [String]
        var errors: [String]
    }

    static func message(_ s: VersionStatus) -> String {
        switch s.state {
        case .upToDate: return "up to date"
        case .pending: return "\(s.pending) pending"
        case .databaseNewer: return "database newer than application"
        case .folderError: return "the migrations folder has errors; .apply refuses it"
        }
    }

    static func document(_ s: VersionStatus, database: String) -> Document {
        Document(database: database, currentVersion: s.currentVersion, requiredVersion: s.requiredVersion, status: s.state.rawValue,
                 pending: s.pending, message: message(s), warnings: s.folderWarnings.map(\.text), errors: s.folderErrors.map(\.text))
    }

    func run(in shell: Shell) throws {
        let session = shell.session
        let s = try session.versionStatus()
        try Self.emit(VersionCommand.document(s, database: session.configuration.databasePath), in: shell) {
            var text = """
            current schema version:  \(s.currentVersion)
            required schema version: \(s.requiredVersion)
            status: \(VersionCommand.message(s))
            """
            if s.state == .databaseNewer {
                text += "\n" + DatabaseTooNew.message(current: s.currentVersion, required: s.requiredVersion)
            }
            return text
        }
        if !shell.json {
            for w in s.folderWarnings { shell.note("warning: \(w.text)") }
            for e in s.folderErrors { shell.note("error: \(e.text)") }
        }
        if s.state == .folderError {
            throw MigshError(.migrationFolder, "the migrations folder \(session.configuration.migrationsPath) has \(s.folderErrors.count) error(s) (above); nothing can be applied until they are fixed")
        }
    }
}
