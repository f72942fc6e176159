import ArgumentParser
import MigshCore

/// `.eqp on|off|trigger|full`: before each statement's rows, its query plan as a tree
/// (`full`: also its bytecode), as sqlite3 prints it.
struct EqpCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".eqp", abstract: "Show the query plan of each statement first (on|off|trigger|full).",
        discussion: "Example: .eqp on")
    static let completion: [String: CompletionSource] = ["0": .words(["on", "off", "trigger", "full"])]
    @Argument(help: ArgumentHelp("on, off, trigger or full.", valueName: "on|off|trigger|full")) var value: String?

    func run(in shell: Shell) throws {
        guard let value else { throw MigshError(.usage, "Usage: .eqp off|on|trigger|full") }
        switch value {
        case "full": shell.session.eqp = .full
        case "trigger": shell.session.eqp = .trigger
        default:
            if let number = Int(value) { shell.session.eqp = EQPMode(level: number) } else {
                shell.session.eqp = try booleanValue(value, in: shell) ? .on : .off
            }
        }
    }
}

/// `.explain [on|off|auto]`: lay out EXPLAIN output as sqlite3 does — when a statement is an
/// EXPLAIN (auto, the default), or never (off).
struct ExplainCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".explain", abstract: "EXPLAIN output laid out for reading: auto (default), on, off.",
        discussion: "Example: .explain off   (EXPLAIN rows in the current mode)")
    static let completion: [String: CompletionSource] = ["0": .words(["on", "off", "auto"])]
    static let wordsRead: Int? = 1
    @Argument(help: ArgumentHelp("on, off or auto.", valueName: "on|off|auto")) var value: String?

    func run(in shell: Shell) throws {
        let word = value ?? "on"
        if word == "auto" {
            shell.session.explain = .auto
        } else {
            shell.session.explain = try booleanValue(word, in: shell) ? .on : .off
        }
    }
}
