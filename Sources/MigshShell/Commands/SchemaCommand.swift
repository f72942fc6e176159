import ArgumentParser
import MigshCore

/// `.schema [PATTERN]`: the CREATE statements.
struct SchemaCommand: DotCommand {
    typealias Output = [String]
    static let configuration = CommandConfiguration(commandName: ".schema", abstract: "Show the CREATE statements of objects matching a LIKE pattern.",
                                                    discussion: "Example: .schema Projects")
    static let completion: [String: CompletionSource] = ["0": .tables]

    @Argument(help: "A LIKE pattern.") var pattern: String?

    func run(in shell: Shell) throws {
        let stmt = try shell.session.db.prepare("""
            SELECT sql FROM main.sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite_%'
              AND (?1 IS NULL OR name LIKE ?1 OR tbl_name LIKE ?1)
            ORDER BY tbl_name, type DESC, name
            """)
        if let pattern { try stmt.bind(pattern, at: 1) } else { try stmt.bindNull(at: 1) }
        var statements: Output = []
        while try stmt.step() { statements.append(stmt.text(0) + ";") }
        try shell.emit(statements) { statements.map { $0 + "\n" }.joined() }
    }
}
