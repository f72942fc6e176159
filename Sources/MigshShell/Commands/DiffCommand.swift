import ArgumentParser
import Foundation
import MigshCore

/// `.diff [VERSION] [--sql]`: the live schema against the schema the migrations produce at
/// VERSION (default: the recorded version), then the verdict and the ways out. Exit 0 when
/// equal, 1 when not (like diff). `--sql` prints the SQL `.repair` would run instead.
struct DiffCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".diff",
        abstract: "Compare the live schema with the schema the migrations produce at VERSION; then the verdict and the ways out.",
        discussion: "Example: .diff 5, or .diff --sql for the SQL of .repair")

    @Argument(help: "The version to compare with (default: the one Schema_Version records).", completion: .versions(pendingOnly: false))
    var version: Int?

    @Flag(name: .customLong("sql"), help: "Print the SQL that recreates drifted indexes, views and triggers (what .repair runs).")
    var sql = false

    /// The comparison and the verdict, or with --sql the repair's statements.
    enum Output: CommandOutput {
        case comparison(Result)
        case repairSQL(RepairSQL)
        static let jsonDescription = "one JSON object: version, equal, the changes and the verdict (see README); with --sql, the statements .repair runs and what it cannot repair"
        func encode(to encoder: any Encoder) throws {
            switch self {
            case .comparison(let result): try result.encode(to: encoder)
            case .repairSQL(let sql): try sql.encode(to: encoder)
            }
        }
    }

    struct Result: Encodable {
        var version: Int
        var equal: Bool
        var changes: [SchemaDiff.Change]
        var verdict: VerdictDocument
    }

    struct RepairSQL: Encodable {
        var version: Int
        var statements: [String]
        var unrepairable: [SchemaDiff.Change]
    }

    func run(in shell: Shell) throws {
        let session = shell.session
        let investigation = try session.investigation(try session.loadFolder())
        let expected = investigation.expected
        if let problem = expected.replayError { shell.note("warning: \(problem)") }
        let (verdict, judgedSchema) = try investigation.judge()
        if verdict.state == .damaged {
            try Self.emit(.comparison(Result(version: verdict.recordedVersion, equal: false, changes: [], verdict: VerdictDocument(verdict, backupsFolder: shell.session.backupStore.directory))), in: shell) {
                VerdictText.render(verdict, backupsFolder: shell.session.backupStore.directory)
            }
            throw MigshError(.damaged, verdict.message, details: ["The ways out are above."])
        }
        let v = version ?? verdict.recordedVersion
        // A database newer than every migration here: the contract's "too new" (exit 3), with
        // the verdict that says so, not a usage error.
        if version == nil, v > investigation.folder.highestVersion {
            try Self.emit(.comparison(Result(version: v, equal: false, changes: [], verdict: VerdictDocument(verdict, backupsFolder: shell.session.backupStore.directory))), in: shell) {
                VerdictText.render(verdict, backupsFolder: shell.session.backupStore.directory)
            }
            throw MigshError(.databaseTooNew, DatabaseTooNew.message(current: v, required: try session.requiredVersion(investigation.folder)))
        }
        guard v >= 0, v < expected.versions.count else {
            throw MigshError(.usage, ".diff \(v): the migrations produce versions 0 to \(expected.highestVersion)")
        }
        let live = try judgedSchema ?? SchemaSnapshot.read(session.db)
        if sql {
            let repair = SchemaRepair(live: live, expected: expected.versions[v])
            try Self.emit(.repairSQL(RepairSQL(version: v, statements: repair.statements, unrepairable: repair.unrepairable)), in: shell) {
                var text = "-- SQL that makes the indexes, views and triggers those of version \(v)\n"
                text += repair.isEmpty ? "-- (none differ)\n" : repair.statements.joined(separator: "\n") + "\n"
                for c in repair.unrepairable {
                    text += "-- not repairable (holds data): \(c.sign.rawValue) \(c.kind) \(c.name)\n"
                }
                return text
            }
            return
        }
        let diff = SchemaDiff(live: live, expected: expected.versions[v])
        try Self.emit(.comparison(Result(version: v, equal: diff.isEmpty, changes: diff.changes, verdict: VerdictDocument(verdict, backupsFolder: shell.session.backupStore.directory))), in: shell) {
            SchemaDiffText.render(diff, version: v) + VerdictText.render(verdict, backupsFolder: shell.session.backupStore.directory)
        }
        if !diff.isEmpty {
            throw MigshError(.schemaDiffers, "the live schema differs from version \(v) (\(diff.changes.count) object\(diff.changes.count == 1 ? "" : "s"))")
        }
    }
}
