import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.tables [PATTERN]`: table and view names (attached databases' as `db.name`), as sqlite3
/// lists them, in columns.
struct TablesCommand: DotCommand {
    typealias Output = [String]
    static let configuration = CommandConfiguration(commandName: ".tables", abstract: "List table and view names matching a LIKE pattern.",
                                                    discussion: "Example: .tables Proj%")
    static let wordsRead: Int? = 1

    @Argument(help: "A LIKE pattern.", completion: .tables) var pattern: String?

    func run(in shell: Shell) throws {
        let names = try TablesCommand.names(in: shell.session.db, indexes: false, pattern: pattern)
        try Self.emit(names, in: shell) { TablesCommand.columns(names) }
    }

    /// sqlite3's query for `.tables` (tables and views) or `.indexes` (indexes whose table
    /// matches), over every database of the connection, sorted.
    static func names(in db: Connection, indexes: Bool, pattern: String?) throws -> [String] {
        let databases = try db.prepare("PRAGMA database_list")
        var parts: [String] = []
        while try databases.step() {
            guard !databases.isNull(1) else { continue }
            let name = databases.text(1)
            let select = name.lowercased() == "main" ? "SELECT name FROM "
                : "SELECT '\(name.replacingAll("'", with: "''"))'||'.'||name FROM "
            let filter = indexes ? " WHERE type='index'   AND tbl_name LIKE ?1"
                : " WHERE type IN ('table','view')   AND name NOT LIKE 'sqlite_%'   AND name LIKE ?1"
            parts.append(select + "\"\(name.replacingAll("\"", with: "\"\""))\".sqlite_schema " + filter)
        }
        let statement = try db.prepare(parts.joined(separator: " UNION ALL ") + " ORDER BY 1")
        try statement.bind(pattern ?? "%", at: 1)
        var names: [String] = []
        while try statement.step() { names.append(statement.text(0)) }
        return names
    }

    /// sqlite3 prints the names in columns, filled top to bottom, each padded to the longest
    /// (in bytes), two spaces apart, in 80 columns.
    static func columns(_ names: [String]) -> String {
        // Widths in bytes as written (a name with bytes that are not UTF-8 carries them).
        let widths = names.map { CarriedBytes.bytes(of: $0).count }
        guard let longest = widths.max() else { return "" }
        let columns = max(1, 80 / (longest + 2))
        let rows = (names.count + columns - 1) / columns
        var text = ""
        for r in 0..<rows {
            var j = r
            while j < names.count {
                if j >= rows { text += "  " }
                text += names[j] + String(repeating: " ", count: longest - widths[j])
                j += rows
            }
            text += "\n"
        }
        return text
    }
}

/// `.indexes [PATTERN]` (also `.indices`): index names, those of tables matching the pattern.
struct IndexesCommand: DotCommand {
    static let sqlite3UsageLine: String? = "Usage: .indexes ?LIKE-PATTERN?"
    typealias Output = [String]
    static let configuration = CommandConfiguration(commandName: ".indexes", abstract: "List index names, those on tables matching a LIKE pattern.",
                                                    discussion: "Example: .indexes Projects")
    @Argument(help: "A LIKE pattern for the table name.", completion: .tables) var pattern: String?

    func run(in shell: Shell) throws {
        let names = try TablesCommand.names(in: shell.session.db, indexes: true, pattern: pattern)
        try Self.emit(names, in: shell) { TablesCommand.columns(names) }
    }
}
