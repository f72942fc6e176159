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

    func run(in shell: Shell) throws {
        if let command {
            let name = command.hasPrefix(".") ? command : "." + command
            guard let type = DotCommands.byName[name] else {
                throw MigshError(.usage, "no such command: \(name)" + (DotCommands.suggestion(for: name).map { "; did you mean \($0)?" } ?? ""))
            }
            try shell.emit(Entry(command: name, usage: DotCommands.usage(type), abstract: type.configuration.abstract)) {
                DotCommands.help(type)
            }
            return
        }
        let entries = DotCommands.all.map {
            Entry(command: DotCommands.name(of: $0), usage: DotCommands.usage($0), abstract: $0.configuration.abstract)
        }
        try shell.emit(entries) {
            let width = min(40, entries.map(\.usage.count).max() ?? 0)
            var text = ""
            for e in entries {
                text += e.usage.count > width ? e.usage + "\n" + String(repeating: " ", count: width + 2) + e.abstract + "\n"
                    : e.usage.padding(toLength: width + 2, withPad: " ", startingAt: 0) + e.abstract + "\n"
            }
            return text + "Anything else is SQL, run when complete (ends with ;). .help CMD shows one command.\n"
        }
    }
}
