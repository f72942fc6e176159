import ArgumentParser

/// `.headers on|off`: show column names in query results (as in sqlite3).
struct HeadersCommand: OnOffSetting {
    static let configuration = CommandConfiguration(commandName: ".headers", abstract: "Show column names in query results (on|off).",
        usage: ".headers <on|off>", discussion: "Example: .headers on")
    @Argument(help: ArgumentHelp("on or off.", valueName: OnOff.usage), completion: OnOff.completion) var value: String?
    static func set(_ on: Bool, in shell: Shell) { shell.session.output.setHeaders(on) }
}
