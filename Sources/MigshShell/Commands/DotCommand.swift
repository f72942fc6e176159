import ArgumentParser
import FoundationEssentials
import Glibc
import MigshCore

/// A dot-command. Each declares itself in its own file, named after it:
/// - its name and help: `configuration` (`commandName`, `abstract`, `discussion` for an example);
/// - its arguments: the parser's `@Argument`/`@Option`/`@Flag` properties;
/// - how they complete: `completion`, by positional index ("0", "1") or option name ("--to");
/// - what `--json` prints: `Output`, the one document it emits through `Shell.emit`.
/// The registry, `.help`, completion and `--json` all follow from these declarations.
protocol DotCommand: ParsableCommand {
    associatedtype Output: Encodable = NoOutput
    static var completion: [String: CompletionSource] { get }
    /// How many words after its name sqlite3 3.40 reads, when it ignores the rest
    /// (`.tables a b`, `.quit now`): migsh ignores them too, with a warning, so that a script
    /// sqlite3 runs to the end runs to the end here. nil: every word counts.
    static var wordsRead: Int? { get }
    /// The usage line sqlite3 3.40 prints when the words do not fit (`Usage: .cd DIRECTORY`):
    /// written as it is in place of migsh's parser message. nil: migsh's message.
    static var sqlite3UsageLine: String? { get }
    func run(in shell: Shell) throws
}

extension DotCommand {
    static var completion: [String: CompletionSource] { [:] }
    static var wordsRead: Int? { nil }
    static var sqlite3UsageLine: String? { nil }
    /// The command as given with no words after its name, when it declares no arguments at
    /// all (no stored properties, so `init()` is the whole value): no parser needed. The
    /// parser builds its picture of a command by reflection, a cold start's largest cost.
    static func withoutArguments() throws -> Self? {
        guard MemoryLayout<Self>.size == 0 else { return nil }
        var command = Self()
        try command.validate()
        return command
    }
    /// What `--json` prints, in words (never a Swift type's name).
    static var outputName: String {
        if Output.self == NoOutput.self { return "nothing" }
        let name = String(describing: Output.self)
        if name.hasPrefix("Array<") {
            return ["Array<String>": "one JSON array of strings", "Array<Int>": "one JSON array of numbers"][name] ?? "one JSON array of objects"
        }
        return "one JSON object"
    }
}

/// The output of a command that prints nothing of its own (settings, `.quit`).
struct NoOutput: Encodable {}

/// What an argument completes to; `Completion` resolves each against the session.
enum CompletionSource: Sendable, Equatable {
    /// These words.
    case words([String])
    /// Migration versions: all of them, or only the pending ones.
    case versions(pendingOnly: Bool)
    /// This database's backups, by their names in the backups folder.
    case backups
    /// The schema versions this database has a backup of.
    case backedUpVersions
    /// The migration files in the migrations folder, then other `.sql` files.
    case migrationFiles
    /// File names, optionally only those ending in one of `extensions`.
    case files(extensions: [String])
    /// Table and view names.
    case tables
    /// Dot-command names.
    case commands
}

/// `--yes`, declared once for every command that confirms.
struct ConfirmationOptions: ParsableArguments {
    @Flag(name: [.customShort("y"), .customLong("yes")], help: "Do not ask for confirmation.")
    var yes = false
}

/// Thrown by `.quit` / `.exit N`.
struct ShellExit: ExitStatusCarrying {
    var exitStatus: ExitStatus
}

/// The option and flag names a command declares, read from swift-argument-parser's own
/// description of it (`_dumpHelp`), so completion and help cannot drift from the parser.
struct DeclaredArguments: Sendable {
    struct Argument: Sendable {
        var kind: String          // "positional", "option", "flag"
        var names: [String]       // "--to", "-y", …
        var valueName: String?
        var isOptional: Bool
        var isRepeating: Bool
        var shouldDisplay: Bool
    }
    var arguments: [Argument]

    private struct Dump: Decodable {
        struct Command: Decodable { var arguments: [Arg]? }
        struct Arg: Decodable {
            struct Name: Decodable { var kind: String; var name: String }
            var kind: String
            var names: [Name]?
            var valueName: String?
            var isOptional: Bool
            var isRepeating: Bool
            var shouldDisplay: Bool
        }
        var command: Command
    }

    init(_ type: any ParsableCommand.Type) {
        let dump = (try? JSONDecoder().decode(Dump.self, from: Data(type._dumpHelp().utf8)))
        arguments = (dump?.command.arguments ?? []).map { a in
            Argument(kind: a.kind, names: (a.names ?? []).map { $0.kind == "long" ? "--" + $0.name : "-" + $0.name },
                     valueName: a.valueName, isOptional: a.isOptional, isRepeating: a.isRepeating, shouldDisplay: a.shouldDisplay)
        }.filter { !$0.names.contains("--help") }
    }

    /// Visible options and flags, long names.
    var optionNames: [String] {
        arguments.filter { $0.kind != "positional" && $0.shouldDisplay }.compactMap { $0.names.first { $0.hasPrefix("--") } ?? $0.names.first }
    }

    func takesValue(_ name: String) -> Bool {
        arguments.contains { $0.kind == "option" && $0.names.contains(name) }
    }

    var positionals: [Argument] { arguments.filter { $0.kind == "positional" } }
}
