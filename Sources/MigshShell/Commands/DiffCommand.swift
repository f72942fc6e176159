import ArgumentParser
import FoundationEssentials
import Glibc
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
        let backupsFolder = shell.session.backupStore.directory
        switch try Diff(shell.session.workspace).run(version: version, sql: sql, replayProblem: { shell.note("warning: \($0)") }) {
        case .damaged(let verdict):
            try Self.emit(.comparison(Result(version: verdict.recordedVersion, equal: false, changes: [], verdict: VerdictDocument(verdict, backupsFolder: backupsFolder))), in: shell) {
                VerdictText.render(verdict, backupsFolder: backupsFolder)
            }
            throw MigshError(.damaged, verdict.message, details: ["The ways out are above."])
        case let .tooNew(verdict, v, required):
            try Self.emit(.comparison(Result(version: v, equal: false, changes: [], verdict: VerdictDocument(verdict, backupsFolder: backupsFolder))), in: shell) {
                VerdictText.render(verdict, backupsFolder: backupsFolder)
            }
            throw MigshError(.databaseTooNew, DatabaseTooNew.message(current: v, required: required))
        case let .repairSQL(v, repair):
            try Self.emit(.repairSQL(RepairSQL(version: v, statements: repair.statements, unrepairable: repair.unrepairable)), in: shell) {
                var text = "-- SQL that makes the indexes, views and triggers those of version \(v)\n"
                text += repair.isEmpty ? "-- (none differ)\n" : repair.statements.joined(separator: "\n") + "\n"
                for c in repair.unrepairable {
                    text += "-- not repairable (holds data): \(c.sign.rawValue) \(c.kind) \(c.name)\n"
                }
                return text
            }
        case let .compared(v, diff, verdict):
            try Self.emit(.comparison(Result(version: v, equal: diff.isEmpty, changes: diff.changes, verdict: VerdictDocument(verdict, backupsFolder: backupsFolder))), in: shell) {
                SchemaDiffText.render(diff, version: v) + VerdictText.render(verdict, backupsFolder: backupsFolder)
            }
            if !diff.isEmpty {
                throw MigshError(.schemaDiffers, "the live schema differs from version \(v) (\(diff.changes.count) object\(diff.changes.count == 1 ? "" : "s"))")
            }
        }
    }
}
