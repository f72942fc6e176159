import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// psql's `\x auto` for the interactive shell: a result of a table mode (`box`, `table`,
/// `markdown`, `column`) that would be wider than the terminal is shown one record per block
/// (`-[ RECORD 1 ]`, then `column | value` lines), its values wrapped between words. Only a
/// read-only statement, of up to `rowLimit` rows, is looked at first; anything else, and all
/// output that is not the interactive terminal, is printed as sqlite3 prints it.
enum ExpandedResults {
    static let rowLimit = 2000

    /// A statement calling one of these is never measured first: its rows are read once, by
    /// the usual formatter (`edit()` would open the editor twice, `writefile()` write twice).
    static let functionsWithEffects: Set<String> = ["edit", "writefile", "load_extension"]

    static func hasEffects(_ event: AuthorizerEvent) -> Bool {
        event.kind == .function && event.arg2.map { functionsWithEffects.contains($0.lowercased()) } == true
    }

    /// True when the rows were written as records; false when the statement was reset untouched
    /// for the usual formatter.
    static func write(_ statement: Statement, width: Int, settings: OutputSettings, to out: OutputBuffer) throws -> Bool {
        let n = statement.columnCount
        guard n > 0, statement.isReadOnly, settings.mode.isColumnar, settings.columnWidths.allSatisfy({ $0 == 0 }) else { return false }
        let names = (0..<n).map(statement.columnName)
        var rows: [[String]] = []
        while try statement.step() {
            rows.append((0..<n).map { statement.optionalText($0) ?? settings.nullValue })
            if rows.count > rowLimit {
                statement.reset()
                return false
            }
        }
        // The narrowest table the mode draws: each column as wide as its widest line, with a
        // box's borders (3 a column and 1) — the plain column mode needs less, so this errs
        // towards the table.
        let widths = names.indices.map { i in
            ([names[i]] + rows.map { $0[i] }).flatMap { $0.split(separator: "\n") }.map(\.count).max() ?? 0
        }
        let tableWidth = widths.reduce(0, +) + (settings.mode == .column ? 2 * (n - 1) : 3 * n + 1)
        guard tableWidth > width, !rows.isEmpty else {
            statement.reset()
            return false
        }
        let columns = names.map { TextTable.Column($0, wraps: true) }
        out.write(TextTable(columns, rows.map { $0.map { $0.replacingAll("\n", with: " ") } }).records(width: width, showsEmpty: true))
        return true
    }
}

extension Shell {
    /// The terminal's width when results may be shown one record a block: the interactive
    /// shell writing to the terminal itself.
    var expandedWidth: Int? {
        guard session.configuration.interactive, !json, session.redirection == nil, out.fileDescriptor == 1 else { return nil }
        return Terminal.width(fd: 1, interactive: true)
    }
}
