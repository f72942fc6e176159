import ArgumentParser
import FoundationEssentials
import Glibc
import MigshCore

/// A dot-command. Each declares itself in its own file, named after it:
/// - its name and help: `configuration` (`commandName`, `abstract`, `discussion` for an example);
/// - its arguments: the parser's `@Argument`/`@Option`/`@Flag` properties, each with what it
///   completes to (`completion:`, a `CompletionKind`: `.list`, `.file`, or one of migsh's
///   session sources below, such as `.versions(pendingOnly:)`); a fixed set of words is a
///   `CaseIterable` enum (`ArgumentWords`);
/// - what `--json` prints: `Output`, the one document its `emit` takes (`CommandOutput`
///   says in words what it holds, for `.help`).
/// The registry, `.help`, completion and `--json` all follow from these declarations.
protocol DotCommand: ParsableCommand {
    /// What the command prints: with `--json`, one document of this type; else its text.
    /// Settings and `.quit` print nothing (`NoOutput`).
    associatedtype Output: CommandOutput = NoOutput
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

    /// What `--json` prints, in words (never a Swift type's name); nil when it prints nothing.
    static var outputDescription: String? {
        Output.self == NoOutput.self ? nil : Output.jsonDescription
    }

    /// Prints the command's result: with `--json`, `value` as one JSON document; else the text.
    /// It takes only the command's declared `Output`, so `.help` can say what `--json` prints.
    /// `wrap: false` for SQL meant to be copied (it is never broken to the terminal's width).
    static func emit(_ value: Output, in shell: Shell, wrap: Bool = true, text: () -> String) throws {
        try shell.writeResult(value, wrap: wrap, text: text)
    }
}

/// What a command prints with `--json`: one document, which says in words what it holds.
protocol CommandOutput: Encodable {
    /// For `.help`: "one JSON object: …", "one JSON array, each item …".
    static var jsonDescription: String { get }
}

/// The output of a command that prints nothing of its own (settings, `.quit`), or only text.
struct NoOutput: CommandOutput {
    static var jsonDescription: String { "nothing" }
}

extension Array: CommandOutput where Element: CommandOutput {
    static var jsonDescription: String { "one JSON array, each item " + Element.jsonDescription.replacingPrefix("one ", with: "a ") }
}

extension String: CommandOutput {
    static var jsonDescription: String { "one JSON string" }
}

private extension String {
    func replacingPrefix(_ prefix: String, with other: String) -> String {
        hasPrefix(prefix) ? other + dropFirst(prefix.count) : self
    }
}

private extension Shell {
    /// The one writer of a command's result (`DotCommand.emit` is its only caller).
    func writeResult(_ value: some Encodable, wrap: Bool, text: () -> String) throws {
        if json {
            let encoder = JSONEncoder()
            encoder.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
            encoder.keyEncodingStrategy = .convertToSnakeCase
            // As encoded, not restored: a name that is not UTF-8 stays its carrying scalars
            // (U+10FD80…U+10FDFF), so the document stays valid UTF-8 JSON.
            out.write(Array(try encoder.encode(value)) + [UInt8(ascii: "\n")])
        } else {
            var t = wrap ? wrapText(text(), width: outputWidth) : text()
            if !t.hasSuffix("\n") && !t.isEmpty { t += "\n" }
            if pages(t) {
                out.flush()
                progress.clear()
                if Pager.show(t) { return }
            }
            out.write(t)
        }
        out.flush()
    }
}

/// An argument whose values are a fixed set of words: the enum is the one place the parser,
/// the usage (`on|off`), `.help` and completion read them from.
protocol ArgumentWords: CaseIterable, RawRepresentable<String>, ExpressibleByArgument {}

extension ArgumentWords {
    /// `on|off`, for the usage and `.help`.
    static var usage: String { allCases.map(\.rawValue).joined(separator: "|") }
    /// The words, for completion.
    static var completion: CompletionKind { .list(allCases.map(\.rawValue)) }
    /// `ArgumentHelp` whose value name is the words (`<on|off>`).
    static func help(_ text: String) -> ArgumentHelp { ArgumentHelp(text, valueName: usage) }
}

/// `on|off`: sqlite3's settings read the word leniently (`booleanValue`); these are the words
/// help and completion offer.
enum OnOff: String, ArgumentWords { case on, off }

/// What completes from the session: declared on an argument as `completion: .versions(…)`,
/// run through swift-argument-parser's own custom-completion call (`Completion`).
enum CompletionSource: Sendable, Equatable {
    /// Migration versions: all of them, or only the pending ones.
    case versions(pendingOnly: Bool)
    /// This database's backups, by their names in the backups folder.
    case backups
    /// The schema versions this database has a backup of.
    case backedUpVersions
    /// The migration files in the migrations folder, then other `.sql` files.
    case migrationFiles
    /// Table and view names.
    case tables
    /// Dot-command names.
    case commands
    /// File names, optionally only those ending in one of `extensions`.
    case files(extensions: [String])
}

extension CompletionKind {
    static func versions(pendingOnly: Bool) -> CompletionKind { .session(.versions(pendingOnly: pendingOnly)) }
    static var backups: CompletionKind { .session(.backups) }
    static var backedUpVersions: CompletionKind { .session(.backedUpVersions) }
    static var migrationFiles: CompletionKind { .session(.migrationFiles) }
    static var tables: CompletionKind { .session(.tables) }
    static var commands: CompletionKind { .session(.commands) }
    /// Said on purpose: this argument completes to nothing (free text, a number).
    static var nothing: CompletionKind { .list([]) }

    /// A repeating argument whose words complete each from its own source in turn
    /// (`.import FILE TABLE`): the words before the cursor that are not options pick it.
    static func inOrder(_ sources: [CompletionSource]) -> CompletionKind {
        .custom { words, index, word in
            let position = words.prefix(index).filter { !$0.hasPrefix("-") }.count
            return Completion.current?.values(sources[min(position, sources.count - 1)], word: word) ?? []
        }
    }

    private static func session(_ source: CompletionSource) -> CompletionKind {
        .custom { _, _, word in Completion.current?.values(source, word: word) ?? [] }
    }
}

/// `--yes`, declared once for every command that confirms.
struct ConfirmationOptions: ParsableArguments {
    @Flag(name: [.customShort("y"), .customLong("yes")], help: "Do not ask for confirmation.")
    var yes = false
}

/// Thrown by `.quit` / `.exit N`.
struct ShellExit: ExitStatusCarrying {
    var exitStatus: ExitStatus
    /// `.quit` (sqlite3's rc 2) ends only the input being read: a `.read` file or the init file
    /// stops there and the reading around it goes on. `.exit N` ends the program (sqlite3's exit()).
    var endsInputOnly = false
}

/// The arguments a command declares, read from swift-argument-parser's own description of it
/// (`_dumpHelp`), so completion and help cannot drift from the parser.
struct DeclaredArguments: Sendable {
    /// What an argument's declaration says it completes to.
    enum Completes: Sendable, Equatable {
        case words([String])
        case files(extensions: [String])
        case directories
        /// A session source (`CompletionSource`): asked through the parser.
        case custom
    }

    struct Argument: Sendable {
        var kind: String          // "positional", "option", "flag"
        var names: [String]       // "--to", "-y", …
        var valueName: String?
        var isOptional: Bool
        var isRepeating: Bool
        var shouldDisplay: Bool
        var completes: Completes?
    }
    var arguments: [Argument]

    private struct Dump: Decodable {
        struct Command: Decodable { var arguments: [Arg]? }
        struct Arg: Decodable {
            struct Name: Decodable { var kind: String; var name: String }
            struct Kind: Decodable { var values: [String]?; var extensions: [String]? }
            var kind: String
            var names: [Name]?
            var valueName: String?
            var isOptional: Bool
            var isRepeating: Bool
            var shouldDisplay: Bool
            var completionKind: [String: Kind]?
        }
        var command: Command
    }

    init(_ type: any ParsableCommand.Type) {
        let dump = (try? JSONDecoder().decode(Dump.self, from: Data(type._dumpHelp().utf8)))
        arguments = (dump?.command.arguments ?? []).map { a in
            var completes: Completes?
            if let entry = a.completionKind?.first {
                switch entry.key {
                case "list": completes = .words(entry.value.values ?? [])
                case "file": completes = .files(extensions: entry.value.extensions ?? [])
                case "directory": completes = .directories
                case "custom": completes = .custom
                default: completes = nil
                }
            }
            return Argument(kind: a.kind, names: (a.names ?? []).map { $0.kind == "long" ? "--" + $0.name : "-" + $0.name },
                            valueName: a.valueName, isOptional: a.isOptional, isRepeating: a.isRepeating,
                            shouldDisplay: a.shouldDisplay, completes: completes)
        }.filter { !$0.names.contains("--help") }
    }

    /// Visible options and flags, long names.
    var optionNames: [String] {
        arguments.filter { $0.kind != "positional" && $0.shouldDisplay }.compactMap { $0.names.first { $0.hasPrefix("--") } ?? $0.names.first }
    }

    func takesValue(_ name: String) -> Bool {
        arguments.contains { $0.kind == "option" && $0.names.contains(name) }
    }

    func option(named name: String) -> Argument? {
        arguments.first { $0.kind == "option" && $0.names.contains(name) }
    }

    var positionals: [Argument] { arguments.filter { $0.kind == "positional" } }
}
