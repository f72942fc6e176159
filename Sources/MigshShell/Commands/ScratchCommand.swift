import ArgumentParser
import FoundationEssentials
import Glibc
import MigshCore

/// `.scratch reset|keep FILE|diff`: in a scratch session (`migsh --scratch DB`, `.open
/// --scratch FILE`), start again from the original, save the copy, or show what changed
/// against the original: the schema and each table's row count.
struct ScratchCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".scratch", abstract: "In a scratch session: reset (start again from the original), keep FILE, diff.",
        discussion: "Example: .scratch diff")
    @Argument(help: Action.help("reset, keep or diff.")) var action: Action
    @Argument(help: ArgumentHelp("For keep: the file to save the copy to.", valueName: "file"), completion: .file()) var file: String?

    enum Action: String, ArgumentWords { case reset, keep, diff }

    /// What changed against the original (`diff`); `reset` and `keep` print an empty object.
    enum Output: CommandOutput {
        case done
        case difference(Difference)
        static let jsonDescription = "one JSON object: for diff, original, the schema changes and the tables whose row counts differ; else {}"
        func encode(to encoder: any Encoder) throws {
            switch self {
            case .done: try NoOutput().encode(to: encoder)
            case .difference(let difference): try difference.encode(to: encoder)
            }
        }
    }

    struct Difference: Encodable {
        var original: String
        var schema: [SchemaDiff.Change]
        var rows: [Rows]
        struct Rows: Encodable { var table: String; var before: Int?; var after: Int? }
    }

    func run(in shell: Shell) throws {
        let session = shell.session
        guard let scratch = session.configuration.scratch else {
            throw MigshError(.refused, ".scratch works in a scratch session: start one with migsh --scratch DB or .open --scratch FILE")
        }
        switch action {
        case .reset:
            try session.refuseInTransaction(".scratch reset")
            try scratch.copyOriginal(into: session.db, busyTimeoutMS: session.configuration.busyTimeoutMS)
            session.recorder.clear()
            session.renameLog.clear()
            try Self.emit(.done, in: shell) { "the copy is the original again (\(displayPath(scratch.original)))" }
        case .keep:
            guard let file else { throw MigshError(.usage, "Usage: .scratch keep FILE") }
            try session.refuseInTransaction(".scratch keep")
            try scratch.keep(session.db, to: file)
            try Self.emit(.done, in: shell) { "the copy is saved in \(file)" }
        case .diff:
            let original = try Connection(path: scratch.original, mode: .readOnly, busyTimeoutMS: session.configuration.busyTimeoutMS)
            let diff = SchemaDiff(live: try SchemaSnapshot.read(session.db), expected: try SchemaSnapshot.read(original))
            let before = try ScratchCommand.rowCounts(original)
            let after = try ScratchCommand.rowCounts(session.db)
            let rows = Set(before.keys).union(after.keys).sorted().compactMap { table -> Difference.Rows? in
                before[table] == after[table] ? nil : Difference.Rows(table: table, before: before[table], after: after[table])
            }
            try Self.emit(.difference(Difference(original: scratch.original, schema: diff.changes, rows: rows)), in: shell) {
                var text = diff.isEmpty ? "schema: as the original's\n"
                    : SchemaDiffText.render(diff, expected: "the original", live: "this scratch copy")
                text += rows.isEmpty ? "rows: every table has as many rows as in the original\n" : "rows (original → this copy):\n"
                for r in rows { text += "  \(r.table): \(r.before.map(String.init) ?? "-") → \(r.after.map(String.init) ?? "-")\n" }
                return text
            }
        }
    }

    static func rowCounts(_ db: Connection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in try db.column("SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' AND name NOT LIKE 'migsh\\_%' ESCAPE '\\'") {
            counts[table] = Int(try db.scalarInt("SELECT count(*) FROM main.\(quoteIdentifier(table))") ?? 0)
        }
        return counts
    }
}
