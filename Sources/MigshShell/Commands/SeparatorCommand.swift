import ArgumentParser
import FoundationEssentials

/// `.separator COL ?ROW?`: the column (and row) separators of list, csv and quote modes.
struct SeparatorCommand: DotCommand {
    static let sqlite3UsageLine: String? = "Usage: .separator COL ?ROW?"
    static let configuration = CommandConfiguration(commandName: ".separator", abstract: "Set the column separator, and optionally the row separator.",
                                                    discussion: "Example: .separator \"\\t\"")
    @Argument(help: "Between columns.", completion: .nothing) var column: String
    @Argument(help: "After each row.", completion: .nothing) var row: String?

    func run(in shell: Shell) throws {
        // Backslash escapes (\t, \n, …) were resolved with the words, as sqlite3 does.
        shell.session.output.separator = column
        if let row { shell.session.output.rowSeparator = row }
    }
}
