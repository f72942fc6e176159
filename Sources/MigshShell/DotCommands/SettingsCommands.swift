import Foundation
import ArgumentParser
import MigshCore

/// Parses sqlite3-style booleans: on/off, yes/no, true/false, 1/0.
func parseSwitch(_ value: String, command: String) throws -> Bool {
    switch value.lowercased() {
    case "on", "yes", "true", "1": return true
    case "off", "no", "false", "0": return false
    default: throw MigshError(.usage, "\(command) takes on or off, got \"\(value)\"")
    }
}

/// `.bail on|off`: stop at the first error.
struct BailCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".bail", abstract: "Stop after hitting an error (on|off).")
    @Argument var value: String
    func run(in shell: Shell) throws { shell.session.bail = try parseSwitch(value, command: ".bail") }
}

/// `.echo on|off`: print each command before running it.
struct EchoCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".echo", abstract: "Print each command before running it (on|off).")
    @Argument var value: String
    func run(in shell: Shell) throws { shell.session.echo = try parseSwitch(value, command: ".echo") }
}

/// `.headers on|off`.
struct HeadersCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".headers", abstract: "Show column names in query results (on|off).")
    @Argument var value: String
    func run(in shell: Shell) throws { shell.session.output.setHeaders(try parseSwitch(value, command: ".headers")) }
}

/// `.timer on|off`.
struct TimerCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".timer", abstract: "Print the run time of each SQL statement (on|off).")
    @Argument var value: String
    func run(in shell: Shell) throws { shell.session.timer = try parseSwitch(value, command: ".timer") }
}

/// `.changes on|off`.
struct ChangesCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".changes", abstract: "Print the rows changed by each SQL statement (on|off).")
    @Argument var value: String
    func run(in shell: Shell) throws { shell.session.showChanges = try parseSwitch(value, command: ".changes") }
}

/// `.mode MODE`.
struct ModeCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".mode",
        abstract: "Set the output mode: " + OutputMode.allCases.map(\.rawValue).joined(separator: ", ") + ".")
    @Argument var mode: String?
    func run(in shell: Shell) throws {
        guard let mode else {
            shell.out.write("current output mode: \(shell.session.output.mode.rawValue)\n")
            return
        }
        guard let m = OutputMode(rawValue: mode.lowercased()) else {
            throw MigshError(.usage, ".mode: unknown mode \"\(mode)\"; one of " + OutputMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        shell.session.output.setMode(m)
    }
}

/// `.separator COL ?ROW?`: the column (and row) separators of list, csv and quote modes.
struct SeparatorCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".separator", abstract: "Set the column separator, and optionally the row separator.")
    @Argument var column: String
    @Argument var row: String?
    func run(in shell: Shell) throws {
        // As sqlite3: backslash escapes (\t, \n, \r, \\) are understood.
        func unescape(_ s: String) -> String {
            s.replacingOccurrences(of: "\\t", with: "\t").replacingOccurrences(of: "\\n", with: "\n")
                .replacingOccurrences(of: "\\r", with: "\r").replacingOccurrences(of: "\\\\", with: "\\")
        }
        shell.session.output.separator = unescape(column)
        if let row { shell.session.output.rowSeparator = unescape(row) }
    }
}

/// `.nullvalue STRING`: how NULL prints.
struct NullValueCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".nullvalue", abstract: "Print STRING in place of NULL values.")
    @Argument var text: String
    func run(in shell: Shell) throws { shell.session.output.nullValue = text }
}
