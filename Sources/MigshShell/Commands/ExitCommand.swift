import ArgumentParser
import MigshCore

/// `.exit [CODE]`.
struct ExitCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".exit", abstract: "Exit migsh with CODE (default 0).",
        discussion: "Example: .exit 3")
    static let wordsRead: Int? = 1
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The exit status.", valueName: "code"), completion: .nothing) var code: [String] = []
    /// sqlite3 reads the code as it reads numbers (`0x10`, `3x` is 3, `-1` is 255, a word is 0).
    func run(in shell: Shell) throws { throw ShellExit(exitStatus: ExitStatus(rawValue: Int32(truncatingIfNeeded: code.first.map(integerValue) ?? 0))) }
}
