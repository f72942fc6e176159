import ArgumentParser
import Foundation

/// `.separator COL ?ROW?`: the column (and row) separators of list, csv and quote modes.
struct SeparatorCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".separator", abstract: "Set the column separator, and optionally the row separator.",
                                                    discussion: "Example: .separator \"\\t\"")
    @Argument(help: "Between columns.") var column: String
    @Argument(help: "After each row.") var row: String?

    func run(in shell: Shell) throws {
        // As sqlite3: backslash escapes (\t, \n, \r, \\) are understood.
        func unescape(_ s: String) -> String {
            s.replacingOccurrences(of: "\\t", with: "\t").replacingOccurrences(of: "\\n", with: "\n")
                .replacingOccurrences(of: "\\r", with: "\r").replacingOccurrences(of: "\\\\", with: "\\")
        }
        shell.session.output.separator = unescape(column)
        if let row { shell.session.output.rowSeparator = unescape(row) }
    }
}
