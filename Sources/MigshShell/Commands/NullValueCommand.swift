import ArgumentParser

/// `.nullvalue STRING`: how NULL prints.
struct NullValueCommand: DotCommand {
    static let sqlite3UsageLine: String? = "Usage: .nullvalue STRING"
    static let configuration = CommandConfiguration(commandName: ".nullvalue", abstract: "Print STRING in place of NULL values.",
        discussion: "Example: .nullvalue NULL")
    @Argument(help: "The text for NULL.", completion: .nothing) var text: String
    func run(in shell: Shell) throws { shell.session.output.nullValue = text }
}
