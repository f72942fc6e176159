import ArgumentParser
import Foundation
import MigshCore

/// `.tables [PATTERN]`: table and view names, as sqlite3 lists them.
struct TablesCommand: DotCommand {
    typealias Output = [String]
    static let configuration = CommandConfiguration(commandName: ".tables", abstract: "List table and view names matching a LIKE pattern.",
                                                    discussion: "Example: .tables Proj%")
    static let completion: [String: CompletionSource] = ["0": .tables]

    @Argument(help: "A LIKE pattern.") var pattern: String?

    func run(in shell: Shell) throws {
        let stmt = try shell.session.db.prepare("""
            SELECT name FROM main.sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%' AND name LIKE ?1 ORDER BY 1
            """)
        try stmt.bind(pattern ?? "%", at: 1)
        var names: Output = []
        while try stmt.step() { names.append(stmt.text(0)) }
        try shell.emit(names) { TablesCommand.columns(names) }
    }

    /// sqlite3 prints the names in columns, filled top to bottom, two spaces apart, in 80 columns.
    static func columns(_ names: [String]) -> String {
        guard let longest = names.map(\.count).max() else { return "" }
        let width = longest + 2
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
        return text
    }
}
