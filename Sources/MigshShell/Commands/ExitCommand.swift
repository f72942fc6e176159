import ArgumentParser

/// `.exit [CODE]`.
struct ExitCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".exit", abstract: "Exit migsh with CODE (default 0).",
        discussion: "Example: .exit 3")
    @Argument(help: "The exit status.") var code: Int32 = 0
    func run(in shell: Shell) throws { throw ShellExit(code: code) }
}
