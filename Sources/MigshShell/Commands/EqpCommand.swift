import ArgumentParser
import MigshCore

/// `.eqp on|off|trigger|full`: before each statement's rows, its query plan as a tree
/// (`full`: also its bytecode), as sqlite3 prints it.
struct EqpCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".eqp", abstract: "Show the query plan of each statement first (on|off|trigger|full).",
        discussion: "Example: .eqp on")
    @Argument(help: EQPMode.help("off, on, trigger or full."), completion: EQPMode.completion) var value: String?

    func run(in shell: Shell) throws {
        guard let value else { throw MigshError(.usage, "Usage: .eqp off|on|trigger|full") }
        switch EQPMode(rawValue: value) {
        case let mode? where mode > .on: shell.session.eqp = mode
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
    static let wordsRead: Int? = 1
    @Argument(help: ExplainSetting.help("auto, on or off."), completion: ExplainSetting.completion) var value: String?

    func run(in shell: Shell) throws {
        let word = value ?? "on"
        if ExplainSetting(rawValue: word) == .auto {
            shell.session.explain = .auto
        } else {
            shell.session.explain = try booleanValue(word, in: shell) ? .on : .off
        }
    }
}

/// `.eqp`'s words: sqlite3 reads them (and numbers, and its other booleans) leniently.
extension EQPMode: ArgumentWords {}

/// `.explain`'s words.
extension ExplainSetting: ArgumentWords {
    static var allCases: [ExplainSetting] { [.auto, .on, .off] }
}
