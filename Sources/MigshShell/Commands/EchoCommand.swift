import ArgumentParser

/// `.echo on|off`: print each command before running it (as in sqlite3).
struct EchoCommand: OnOffSetting {
    static let configuration = CommandConfiguration(commandName: ".echo", abstract: "Print each command before running it (on|off).",
        usage: ".echo <on|off>", discussion: "Example: .echo on")
    @Argument(help: ArgumentHelp("on or off.", valueName: OnOff.usage), completion: OnOff.completion) var value: String?
    static func set(_ on: Bool, in shell: Shell) { shell.session.echo = on }
}
