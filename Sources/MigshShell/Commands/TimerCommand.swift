import ArgumentParser

/// `.timer on|off`: print the run time of each SQL statement (as in sqlite3).
struct TimerCommand: OnOffSetting {
    static let configuration = CommandConfiguration(commandName: ".timer", abstract: "Print the run time of each SQL statement (on|off).",
        usage: ".timer <on|off>", discussion: "Example: .timer on")
    @Argument(help: ArgumentHelp("on or off.", valueName: OnOff.usage), completion: OnOff.completion) var value: String?
    static func set(_ on: Bool, in shell: Shell) { shell.session.timer = on }
}
