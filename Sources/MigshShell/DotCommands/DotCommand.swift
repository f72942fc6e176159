import Foundation
import ArgumentParser
import MigshCore

/// A dot-command: parsed with swift-argument-parser from the rest of its line, then run
/// against the session. One file per command or family, named after it.
protocol DotCommand: ParsableCommand {
    func run(in shell: Shell) throws
}

/// Thrown by `.quit` / `.exit N`.
struct ShellExit: Error {
    var code: Int32
}

enum DotCommands {
    static let all: [any DotCommand.Type] = [
        VersionCommand.self, HistoryCommand.self, PendingCommand.self, ApplyCommand.self,
        BackupCommand.self, BackupsCommand.self, RestoreCommand.self,
        DiffCommand.self, RepairCommand.self, BaselineCommand.self, CheckCommand.self, LintCommand.self, TestCommand.self,
        AuditCommand.self,
        ReadCommand.self, BailCommand.self, EchoCommand.self, ModeCommand.self, HeadersCommand.self,
        TimerCommand.self, ChangesCommand.self, SeparatorCommand.self, NullValueCommand.self, TablesCommand.self, SchemaCommand.self, OpenCommand.self,
        HelpCommand.self, QuitCommand.self, ExitCommand.self,
    ]

    static let byName: [String: any DotCommand.Type] = {
        var map: [String: any DotCommand.Type] = [:]
        for command in all { map[command.configuration.commandName!] = command }
        map[".header"] = HeadersCommand.self  // sqlite3 accepts both spellings
        return map
    }()

    static var names: [String] { all.map { $0.configuration.commandName! }.sorted() }

    /// Splits a dot-command line on white space, with '…' and "…" quoting.
    static func tokenize(_ line: String) -> [String] {
        var words: [String] = []
        var current = ""
        var inWord = false
        var quote: Character?
        for c in line {
            if let q = quote {
                if c == q { quote = nil } else { current.append(c) }
                continue
            }
            if c == "'" || c == "\"" {
                quote = c
                inWord = true
            } else if c.isWhitespace {
                if inWord { words.append(current); current = ""; inWord = false }
            } else {
                current.append(c)
                inWord = true
            }
        }
        if inWord { words.append(current) }
        return words
    }

    /// Parses and runs one dot-command line.
    static func run(line: String, in shell: Shell) throws {
        let words = tokenize(line)
        guard let name = words.first else { return }
        guard let type = byName[name] else {
            throw MigshError(.usage, "unknown command: \"\(name)\". Enter \".help\" for help")
        }
        let command: any ParsableCommand
        do {
            command = try type.parse(Array(words.dropFirst()))
        } catch {
            let message = type.message(for: error)
            throw MigshError(.usage, "\(name): \(message)", details: ["Usage: " + type.usageString(for: []) + "  (see .help \(name))"])
        }
        try (command as! any DotCommand).run(in: shell)
    }
}

extension ParsableCommand {
    /// The usage line, e.g. `.apply [--to <to>] [--dry-run] [--yes]`.
    static func usageString(for _: [String]) -> String {
        usageString().replacingOccurrences(of: "Usage: ", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
    }
}
