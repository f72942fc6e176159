import ArgumentParser
import Foundation
import MigshCore

/// `.diff [VERSION]`: the live schema against the schema the migrations produce at VERSION
/// (default: the recorded version), then the verdict. Exit 0 when equal, 1 when not.
struct DiffCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".diff",
        abstract: "Compare the live schema with the schema the migrations produce at VERSION; then the verdict.")

    @Argument(help: "The version to compare with (default: the one Schema_Version records).")
    var version: Int?

    struct Result: Encodable {
        var version: Int
        var equal: Bool
        var changes: [SchemaDiff.Change]
        var verdict: SchemaVerdict
    }

    /// The live schema, the expected schemas and the verdict, shared with .baseline and .check.
    /// `folder`: the caller's, when it has loaded it already (no second read of every file).
    static func investigate(_ shell: Shell, folder loaded: MigrationFolder? = nil) throws -> (live: SchemaSnapshot, expected: ExpectedSchemas, verdict: SchemaVerdict) {
        let session = shell.session
        let folder = try loaded ?? session.loadFolder()
        let expected = try ExpectedSchemas.build(folder)
        if let problem = expected.replayError { shell.note("warning: \(problem)") }
        let live = try SchemaSnapshot.read(session.db)
        let recorded = try SchemaVersionTable.currentVersion(session.db)
        return (live, expected, SchemaVerdict.judge(live: live, recordedVersion: recorded, expected: expected))
    }

    static func render(_ diff: SchemaDiff, version: Int) -> String {
        if diff.isEmpty { return "the live schema equals the schema of version \(version)\n" }
        var text = "--- expected (version \(version))\n+++ live database\n"
        for c in diff.changes {
            text += "\(c.sign.rawValue) \(c.kind) \(c.name)\n"
            for d in c.details { text += "    \(d)\n" }
        }
        return text
    }

    static func render(_ verdict: SchemaVerdict) -> String {
        var text = "verdict: \(verdict.message)\n"
        if let way = verdict.wayOut { text += "way out: \(way)\n" }
        return text
    }

    func run(in shell: Shell) throws {
        let (live, expected, verdict) = try DiffCommand.investigate(shell)
        let v = version ?? verdict.recordedVersion
        guard v >= 0, v < expected.versions.count else {
            throw MigshError(.usage, ".diff \(v): the migrations produce versions 0 to \(expected.highestVersion)")
        }
        let diff = SchemaDiff(live: live, expected: expected.versions[v])
        try shell.emit(Result(version: v, equal: diff.isEmpty, changes: diff.changes, verdict: verdict)) {
            DiffCommand.render(diff, version: v) + DiffCommand.render(verdict)
        }
        if !diff.isEmpty {
            throw MigshError(.schemaDiffers, "the live schema differs from version \(v) (\(diff.changes.count) object\(diff.changes.count == 1 ? "" : "s"))")
        }
    }
}
