import ArgumentParser
import Foundation
import MigshCore

/// The registry: every dot-command, one line each. Parsing, `.help` and completion work from it.
enum DotCommands {
    static let all: [any DotCommand.Type] = [
        VersionCommand.self, HistoryCommand.self, PendingCommand.self, ApplyCommand.self,
        BackupCommand.self, BackupsCommand.self, RestoreCommand.self,
        DiffCommand.self, RepairCommand.self, BaselineCommand.self, CheckCommand.self, LintCommand.self, TestCommand.self,
        AuditCommand.self,
        ReadCommand.self, BailCommand.self, EchoCommand.self, ModeCommand.self, HeadersCommand.self,
        TimerCommand.self, ChangesCommand.self, SeparatorCommand.self, NullValueCommand.self,
        TablesCommand.self, SchemaCommand.self, OpenCommand.self,
        HelpCommand.self, QuitCommand.self, ExitCommand.self,
    ]

    /// sqlite3 accepts both spellings of `.headers`.
    static let aliases: [String: String] = [".header": ".headers"]

    static let byName: [String: any DotCommand.Type] = {
        var map: [String: any DotCommand.Type] = [:]
        for command in all { map[name(of: command)] = command }
        for (alias, name) in aliases { map[alias] = map[name] }
        return map
    }()

    static func name(of type: any DotCommand.Type) -> String { type.configuration.commandName! }

    static var names: [String] { all.map(name(of:)).sorted() }

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

    /// The closest command name to a typo (edit distance at most 2), for "did you mean".
    static func suggestion(for name: String) -> String? {
        let candidates = names.map { ($0, editDistance($0, name)) }.filter { $0.1 <= 2 }
        return candidates.min { $0.1 < $1.1 }?.0
    }

    static func editDistance(_ a: String, _ b: String) -> Int {
        let a = Array(a), b = Array(b)
        var row = Array(0...b.count)
        for i in 1...max(1, a.count) where !a.isEmpty {
            var previous = row[0]
            row[0] = i
            for j in 1...max(1, b.count) where !b.isEmpty {
                let saved = row[j]
                row[j] = min(row[j] + 1, row[j - 1] + 1, previous + (a[i - 1] == b[j - 1] ? 0 : 1))
                previous = saved
            }
        }
        return a.isEmpty ? b.count : row[b.count]
    }

    /// Parses and runs one dot-command line. `CMD --help` prints the command's help.
    static func run(line: String, in shell: Shell) throws {
        let words = tokenize(line)
        guard let name = words.first else { return }
        guard let type = byName[name] else {
            throw MigshError(.usage, "unknown command: \"\(name)\"" + (suggestion(for: name).map { "; did you mean \($0)?" } ?? "")
                             + (suggestion(for: name) == nil ? ". " : " ") + "Enter \".help\" for help")
        }
        let arguments = Array(words.dropFirst())
        if arguments.contains("--help") || arguments.contains("-h") {
            shell.out.write(help(type, width: shell.outputWidth) + "\n")
            return
        }
        let command: any ParsableCommand
        do {
            command = try type.parse(arguments)
        } catch {
            throw MigshError(.usage, "\(name): \(type.message(for: error))", details: ["Usage: " + usage(type) + "  (see .help \(name))"])
        }
        try (command as! any DotCommand).run(in: shell)
    }

    /// `.apply [--to <to>] [--dry-run] [--resume] [--yes]`.
    static func usage(_ type: any DotCommand.Type) -> String {
        type.usageString().replacingOccurrences(of: "Usage: ", with: "").trimmingCharacters(in: .whitespacesAndNewlines)
    }

    /// The command's help: usage, what it does, its arguments, what --json prints; never `-h, --help`.
    static func help(_ type: any DotCommand.Type, width: Int? = nil) -> String {
        var text = type.helpMessage(columns: width ?? 100)
        // The parser lists its own -h/--help flag; in the shell, `.help CMD` is the way in.
        var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            .filter { !$0.trimmingCharacters(in: .whitespaces).hasPrefix("-h, --help") }
        // A section left empty (OPTIONS: with only --help) goes too.
        lines = lines.enumerated().filter { i, line in
            !(line.hasSuffix(":") && !line.hasPrefix(" ") && (i + 1 == lines.count || lines[i + 1].trimmingCharacters(in: .whitespaces).isEmpty))
        }.map(\.element)
        text = lines.joined(separator: "\n")
        while text.hasSuffix("\n") { text.removeLast() }
        return type.outputName == "nothing" ? text : text + "\n\n  --json prints: \(type.outputName)"
    }
}
