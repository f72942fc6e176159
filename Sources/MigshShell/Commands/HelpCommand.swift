import ArgumentParser
import Foundation
import MigshCore

/// `.help [CMD]`: every command with its argument syntax, or one command's help.
struct HelpCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".help", abstract: "Show help for all commands or one.",
                                                    discussion: "Example: .help .apply")
    static let completion: [String: CompletionSource] = ["0": .commands]

    @Argument(help: "A command.") var command: String?

    struct Entry: Encodable {
        var command: String
        var usage: String
        var abstract: String
    }

    /// One line a command (usage, then what it does) when it fits; on a narrow terminal the
    /// text goes under the usage, broken between words.
    static func list(_ entries: [Entry], width: Int?) -> String {
        let column = min(40, entries.map(\.usage.count).max() ?? 0) + 2
        var text = ""
        for e in entries {
            let room = (width ?? Int.max) - column
            if room >= 30 {
                // Beside the usage (or under it when the usage is longer than the column).
                let words = wrapText(e.abstract, width: width.map { $0 - column }).split(separator: "\n").map { $0.trimmingCharacters(in: .whitespaces) }
                let pad = String(repeating: " ", count: column)
                if e.usage.count + 2 > column { text += e.usage + "\n" + pad + words[0] + "\n" } else {
                    text += e.usage.padding(toLength: column, withPad: " ", startingAt: 0) + words[0] + "\n"
                }
                for w in words.dropFirst() { text += pad + w + "\n" }
            } else {
                text += e.usage + "\n" + wrapText("    " + e.abstract, width: width) + "\n"
            }
        }
        return text + "Anything else is SQL, run when complete (ends with ;). .help CMD shows one command.\n"
    }

    func run(in shell: Shell) throws {
        if let command {
            let name = command.hasPrefix(".") ? command : "." + command
            guard let type = DotCommands.command(named: name) else {
                throw MigshError(.usage, "no such command: \(name)" + (DotCommands.suggestion(for: name).map { "; did you mean \($0)?" } ?? ""))
            }
            try shell.emit(Entry(command: name, usage: DotCommands.usage(type), abstract: type.configuration.abstract)) {
                DotCommands.help(type, width: shell.outputWidth)
            }
            return
        }
        let entries = DotCommands.all.map {
            Entry(command: DotCommands.name(of: $0), usage: DotCommands.usage($0), abstract: $0.configuration.abstract)
        }
        try shell.emit(entries) { HelpCommand.list(entries, width: shell.outputWidth) }
    }
}
