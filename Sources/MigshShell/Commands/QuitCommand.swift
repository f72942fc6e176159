import ArgumentParser
import MigshCore

/// `.quit`.
struct QuitCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".quit", abstract: "Exit migsh.",
        discussion: "Example: .quit")
    static let wordsRead: Int? = 0
    func run(in shell: Shell) throws { throw ShellExit(exitStatus: .success, endsInputOnly: true) }
}
