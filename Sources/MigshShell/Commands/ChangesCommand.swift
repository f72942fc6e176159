import ArgumentParser

/// `.changes on|off`: print the rows changed by each SQL statement (as in sqlite3).
struct ChangesCommand: OnOffSetting {
    static let configuration = CommandConfiguration(commandName: ".changes", abstract: "Print the rows changed by each SQL statement (on|off).",
        usage: ".changes <on|off>", discussion: "Example: .changes on")
    @Argument(help: ArgumentHelp("on or off.", valueName: OnOff.usage), completion: OnOff.completion) var value: String?
    static func set(_ on: Bool, in shell: Shell) { shell.session.showChanges = on }
}
