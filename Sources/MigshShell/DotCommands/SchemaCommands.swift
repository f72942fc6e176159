import Foundation
import ArgumentParser
import MigshCore

/// `.tables [PATTERN]`: table and view names, as sqlite3 lists them.
struct TablesCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".tables", abstract: "List table and view names matching a LIKE pattern.")
    @Argument var pattern: String?
    func run(in shell: Shell) throws {
        let stmt = try shell.session.db.prepare("""
            SELECT name FROM sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' AND name LIKE ?1 ORDER BY 1
            """)
        try stmt.bind(pattern ?? "%", at: 1)
        var names: [String] = []
        while try stmt.step() { names.append(stmt.text(0)) }
        guard !names.isEmpty else { return }
        // sqlite3 prints the names in columns, filled top to bottom, two spaces apart.
        let width = names.map(\.count).max()! + 2
        let columns = max(1, 80 / width)
        let rows = (names.count + columns - 1) / columns
        var text = ""
        for r in 0..<rows {
            var line = ""
            for c in 0..<columns {
                let i = c * rows + r
                guard i < names.count else { break }
                let isLast = (c + 1) * rows + r >= names.count
                line += isLast ? names[i] : names[i].padding(toLength: width, withPad: " ", startingAt: 0)
            }
            text += line + "\n"
        }
        shell.out.write(text)
    }
}

/// `.schema [PATTERN]`: the CREATE statements.
struct SchemaCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".schema", abstract: "Show the CREATE statements of objects matching a LIKE pattern.")
    @Argument var pattern: String?
    func run(in shell: Shell) throws {
        let stmt = try shell.session.db.prepare("""
            SELECT sql FROM sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
              AND (?1 IS NULL OR name LIKE ?1 OR tbl_name LIKE ?1)
            ORDER BY tbl_name, type DESC, name
            """)
        if let pattern { try stmt.bind(pattern, at: 1) } else { try stmt.bindNull(at: 1) }
        while try stmt.step() { shell.out.write(stmt.text(0) + ";\n") }
    }
}
