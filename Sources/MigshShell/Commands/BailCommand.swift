import ArgumentParser

/// `.bail on|off`: stop after hitting an error (as in sqlite3).
struct BailCommand: OnOffSetting {
    static let configuration = CommandConfiguration(commandName: ".bail", abstract: "Stop after hitting an error (on|off).",
        usage: ".bail <on|off>", discussion: "Example: .bail on")
    @Argument(help: ArgumentHelp("on or off.", valueName: OnOff.usage), completion: OnOff.completion) var value: String?
    static func set(_ on: Bool, in shell: Shell) { shell.session.bail = on }
}
