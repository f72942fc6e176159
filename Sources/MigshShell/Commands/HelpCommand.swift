import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.help [PATTERN]`: every command with its argument syntax, or the commands PATTERN names
/// as sqlite3 finds them (a prefix, else a word in their help), or one command's whole help.
struct HelpCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".help", abstract: "Show help for all commands or one.",
                                                    discussion: "Example: .help .apply")

    static let wordsRead: Int? = 1
    // Captured as is: sqlite3's `.help -a` is a pattern, not an option.
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("A command, or a prefix of commands, or a word in their help.", valueName: "pattern"), completion: .commands)
    var words: [String] = []

    /// One command, or a list of them.
    enum Output: CommandOutput {
        case one(Entry)
        case list([Entry])
        static let jsonDescription = "one JSON array of commands (command, usage, abstract); for one command, that object"
        func encode(to encoder: any Encoder) throws {
            switch self {
            case .one(let entry): try entry.encode(to: encoder)
            case .list(let entries): try entries.encode(to: encoder)
            }
        }
    }

    struct Entry: Encodable {
        var command: String
        var usage: String
        var abstract: String

        init(_ type: any DotCommand.Type) {
            command = DotCommands.name(of: type)
            usage = DotCommands.usage(type)
            abstract = type.configuration.abstract
        }
    }

    /// One line a command (usage, then what it does) when it fits; on a narrow terminal the
    /// text goes under the usage, broken between words.
    static func list(_ entries: [Entry], width: Int?, footer: Bool = true) -> String {
        let column = min(40, entries.map(\.usage.count).max() ?? 0) + 2
        var text = ""
        for e in entries {
            let room = (width ?? Int.max) - column
            if room >= 30 {
                // Beside the usage (or under it when the usage is longer than the column).
                let words = wrapText(e.abstract, width: width.map { $0 - column }).split(separator: "\n").map { $0.trimming(.whitespaces) }
                let pad = String(repeating: " ", count: column)
                if e.usage.count + 2 > column { text += e.usage + "\n" + pad + words[0] + "\n" } else {
                    text += e.usage.padded(toLength: column) + words[0] + "\n"
                }
                for w in words.dropFirst() { text += pad + w + "\n" }
            } else {
                text += e.usage + "\n" + wrapText("    " + e.abstract, width: width) + "\n"
            }
        }
        guard footer else { return text }
        return text + "Anything else is SQL, run when complete (ends with ;). .help CMD shows one command.\n"
    }

    func run(in shell: Shell) throws {
        let entries = DotCommands.all.map(Entry.init)
        // As sqlite3: no pattern, -a, -all, --all or a word starting with 0 list every command.
        guard let pattern = words.first, !["-a", "-all", "--all"].contains(pattern), !pattern.hasPrefix("0") else {
            try Self.emit(.list(entries), in: shell) { HelpCommand.list(entries, width: shell.outputWidth) }
            return
        }
        // migsh's own `.help .apply`, and a full name or alias, show that command.
        let word = pattern.hasPrefix(".") ? String(pattern.dropFirst()) : pattern
        if let type = DotCommands.command(named: "." + word) {
            try showFull([type], in: shell)
            return
        }
        // sqlite3's showHelp: the commands whose usage matches the glob `.PATTERN*` (one line
        // each; the whole help when only one does), else those whose help mentions PATTERN
        // anywhere (LIKE, case-insensitive; the whole help of each).
        let named = DotCommands.all.filter { SQLitePattern.glob(".\(word)*", matches: DotCommands.usage($0)) }
        if named.count == 1 { return try showFull(named, in: shell) }
        if !named.isEmpty {
            let listed = named.map(Entry.init)
            try Self.emit(.list(listed), in: shell) { HelpCommand.list(listed, width: shell.outputWidth, footer: false) }
            return
        }
        let mentioned = DotCommands.all.filter { type in
            let text = [DotCommands.usage(type), type.configuration.abstract, type.configuration.discussion].joined(separator: "\n")
            return SQLitePattern.like("%\(word)%", matches: text)
        }
        if !mentioned.isEmpty { return try showFull(mentioned, in: shell) }
        // Not an error in sqlite3: said on standard output, and the script goes on.
        try Self.emit(.list([]), in: shell) { "Nothing matches '\(pattern)'\n" }
    }

    /// Each command's whole help, a blank line between two.
    private func showFull(_ types: [any DotCommand.Type], in shell: Shell) throws {
        let width = shell.outputWidth
        if types.count == 1 {
            try Self.emit(.one(Entry(types[0])), in: shell) { DotCommands.help(types[0], width: width) }
        } else {
            try Self.emit(.list(types.map(Entry.init)), in: shell) { types.map { DotCommands.help($0, width: width) }.joined(separator: "\n\n") }
        }
    }
}
