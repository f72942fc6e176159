import ArgumentParser

/// `.print STRING...`: the words, one space apart, then a newline (as sqlite3).
struct PrintCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".print", abstract: "Print the words given, separated by spaces.",
        discussion: "Example: .print \"Checked at\" 2026-12-01")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Words to print.", valueName: "string"), completion: .nothing) var words: [String] = []
    func run(in shell: Shell) throws {
        shell.out.write(words.joined(separator: " ") + "\n")
    }
}
