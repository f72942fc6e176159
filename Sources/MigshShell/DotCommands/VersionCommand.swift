import Foundation
import ArgumentParser
import MigshCore

/// `.version`: current schema version, required version, status (spec §2.2, §4.1).
struct VersionCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".version",
        abstract: "Show the current and required schema versions and the status.")

    struct Status: Encodable {
        var database: String
        var currentVersion: Int
        var requiredVersion: Int
        var status: String
        var pending: Int
        var message: String
        var warnings: [String]
    }

    static func status(in shell: Shell) throws -> Status {
        let session = shell.session
        let folder = try session.loadFolder()
        let current = try SchemaVersionTable.currentVersion(session.db)
        let required = try session.requiredVersion(folder)
        let status: String
        let message: String
        if current == required {
            status = "up_to_date"; message = "up to date"
        } else if current > required {
            status = "database_newer"
            message = "database newer than application"
        } else {
            status = "pending"
            message = "\(required - current) pending"
        }
        return Status(database: session.configuration.databasePath, currentVersion: current, requiredVersion: required,
                      status: status, pending: max(0, required - current), message: message,
                      warnings: folder.problems.map(\.description))
    }

    func run(in shell: Shell) throws {
        let s = try VersionCommand.status(in: shell)
        try shell.emit(s) {
            var text = """
            current schema version:  \(s.currentVersion)
            required schema version: \(s.requiredVersion)
            status: \(s.message)
            """
            if s.status == "database_newer" {
                text += "\n" + DatabaseTooNew.message(current: s.currentVersion, required: s.requiredVersion)
            }
            return text
        }
        for w in s.warnings where !shell.json { shell.note("warning: \(w)") }
    }
}
