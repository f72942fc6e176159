import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
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
        OutputCommand.self, OnceCommand.self, PrintCommand.self, PromptCommand.self, CdCommand.self, TimeoutCommand.self,
        ShellCommand.self, SystemCommand.self, ParameterCommand.self,
        EqpCommand.self, ExplainCommand.self, StatsCommand.self, WidthCommand.self, ShowCommand.self,
        DumpCommand.self, DatabasesCommand.self, IndexesCommand.self, FullSchemaCommand.self, Sha3SumCommand.self,
        ImportCommand.self, RecoverCommand.self, DbinfoCommand.self, SaveCommand.self, ScanstatsCommand.self, BinaryCommand.self, NonceCommand.self, ProgressCommand.self, ExcelCommand.self, TraceCommand.self, LoadCommand.self, FilectrlCommand.self, CloneCommand.self, LogCommand.self,
        BreakpointCommand.self, WheretraceCommand.self, SelecttraceCommand.self, TreetraceCommand.self, AuthCommand.self, ImposterCommand.self, SelftestCommand.self,
        SessionCommand.self, ConnectionCommand.self, TestctrlCommand.self, TestcaseCommand.self,
        ArchiveCommand.self, LimitCommand.self, DbconfigCommand.self, ExpertCommand.self, VfsInfoCommand.self, VfsNameCommand.self, VfsListCommand.self,
        ScratchCommand.self, RecordCommand.self, NewCommand.self, RebuildCommand.self, SealCommand.self,
        PagerCommand.self, EditCommand.self, HelpCommand.self, QuitCommand.self, ExitCommand.self,
    ]

    static func name(of type: any DotCommand.Type) -> String { type.configuration.commandName! }

    /// The command a name (or one of sqlite3's other spellings: `.header`, `.param`,
    /// `.indices`, `.limits`) stands for. One `switch` over the names, so only the matched
    /// command's type and conformance are touched: a scan of `all` builds every listed
    /// command's metadata and reads configurations up to the match, a cost at every start.
    /// `DotCommandTests` holds it to `all`: each command is found by its name, as itself.
    static func command(named name: String) -> (any DotCommand.Type)? {
        switch name {
        case ".version": VersionCommand.self
        case ".history": HistoryCommand.self
        case ".pending": PendingCommand.self
        case ".apply": ApplyCommand.self
        case ".backup": BackupCommand.self
        case ".backups": BackupsCommand.self
        case ".restore": RestoreCommand.self
        case ".diff": DiffCommand.self
        case ".repair": RepairCommand.self
        case ".baseline": BaselineCommand.self
        case ".check": CheckCommand.self
        case ".lint": LintCommand.self
        case ".test": TestCommand.self
        case ".audit": AuditCommand.self
        case ".read": ReadCommand.self
        case ".bail": BailCommand.self
        case ".echo": EchoCommand.self
        case ".mode": ModeCommand.self
        case ".headers", ".header": HeadersCommand.self
        case ".timer": TimerCommand.self
        case ".changes": ChangesCommand.self
        case ".separator": SeparatorCommand.self
        case ".nullvalue": NullValueCommand.self
        case ".tables": TablesCommand.self
        case ".schema": SchemaCommand.self
        case ".open": OpenCommand.self
        case ".output": OutputCommand.self
        case ".once": OnceCommand.self
        case ".print": PrintCommand.self
        case ".prompt": PromptCommand.self
        case ".cd": CdCommand.self
        case ".timeout": TimeoutCommand.self
        case ".shell": ShellCommand.self
        case ".system": SystemCommand.self
        case ".parameter", ".param": ParameterCommand.self
        case ".eqp": EqpCommand.self
        case ".explain": ExplainCommand.self
        case ".stats": StatsCommand.self
        case ".width": WidthCommand.self
        case ".show": ShowCommand.self
        case ".dump": DumpCommand.self
        case ".databases": DatabasesCommand.self
        case ".indexes", ".indices": IndexesCommand.self
        case ".fullschema": FullSchemaCommand.self
        case ".sha3sum": Sha3SumCommand.self
        case ".import": ImportCommand.self
        case ".recover": RecoverCommand.self
        case ".dbinfo": DbinfoCommand.self
        case ".save": SaveCommand.self
        case ".scanstats": ScanstatsCommand.self
        case ".binary": BinaryCommand.self
        case ".nonce": NonceCommand.self
        case ".progress": ProgressCommand.self
        case ".excel": ExcelCommand.self
        case ".trace": TraceCommand.self
        case ".load": LoadCommand.self
        case ".filectrl": FilectrlCommand.self
        case ".clone": CloneCommand.self
        case ".log": LogCommand.self
        case ".breakpoint": BreakpointCommand.self
        case ".wheretrace": WheretraceCommand.self
        case ".selecttrace": SelecttraceCommand.self
        case ".treetrace": TreetraceCommand.self
        case ".auth": AuthCommand.self
        case ".imposter": ImposterCommand.self
        case ".selftest": SelftestCommand.self
        case ".session": SessionCommand.self
        case ".connection": ConnectionCommand.self
        case ".testctrl": TestctrlCommand.self
        case ".testcase": TestcaseCommand.self
        case ".archive": ArchiveCommand.self
        case ".limit", ".limits": LimitCommand.self
        case ".dbconfig": DbconfigCommand.self
        case ".expert": ExpertCommand.self
        case ".vfsinfo": VfsInfoCommand.self
        case ".vfsname": VfsNameCommand.self
        case ".vfslist": VfsListCommand.self
        case ".scratch": ScratchCommand.self
        case ".record": RecordCommand.self
        case ".new": NewCommand.self
        case ".rebuild": RebuildCommand.self
        case ".seal": SealCommand.self
        case ".pager": PagerCommand.self
        case ".edit": EditCommand.self
        case ".help": HelpCommand.self
        case ".quit": QuitCommand.self
        case ".exit": ExitCommand.self
        default: nil
        }
    }

    static var names: [String] { all.map(name(of:)).sorted() }

    /// Splits a dot-command line into words as sqlite3 3.40 does: on white space; a word that
    /// starts with `'` runs to the next `'` (taken as is); one that starts with `"` runs to the
    /// next unescaped `"`; C escapes (`\t`, `\n`, `\\`, `\"`, `\NNN` octal, …) are resolved
    /// in double-quoted and unquoted words, not in single-quoted ones.
    /// The line and its words carry bytes that are not UTF-8 (`CarriedBytes`): the words hold
    /// the bytes given, and `\351` is the byte 0xE9, as in sqlite3.
    static func tokenize(_ line: String) -> [String] {
        tokenize(bytes: CarriedBytes.bytes(of: line)).map { CarriedBytes.string(carrying: $0) }
    }

    /// The words of a line of bytes, each as its bytes.
    static func tokenize(bytes: [UInt8]) -> [[UInt8]] {
        var words: [[UInt8]] = []
        var h = 0
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0d) }
        while h < bytes.count {
            while h < bytes.count && isSpace(bytes[h]) { h += 1 }
            if h == bytes.count { break }
            if bytes[h] == UInt8(ascii: "'") || bytes[h] == UInt8(ascii: "\"") {
                let delimiter = bytes[h]
                h += 1
                let start = h
                while h < bytes.count && bytes[h] != delimiter {
                    if bytes[h] == UInt8(ascii: "\\") && delimiter == UInt8(ascii: "\"") && h + 1 < bytes.count { h += 1 }
                    h += 1
                }
                let word = Array(bytes[start..<min(h, bytes.count)])
                if h < bytes.count { h += 1 }
                words.append(delimiter == UInt8(ascii: "\"") ? resolveBackslashes(word) : word)
            } else {
                let start = h
                while h < bytes.count && !isSpace(bytes[h]) { h += 1 }
                words.append(resolveBackslashes(Array(bytes[start..<h])))
            }
        }
        return words
    }

    /// sqlite3's `resolve_backslashes`: \a \b \t \n \v \f \r \" \' \\ and \NNN (octal);
    /// any other escaped character stands for itself.
    static func resolveBackslashes(_ z: [UInt8]) -> [UInt8] {
        guard z.contains(UInt8(ascii: "\\")) else { return z }
        var out: [UInt8] = []
        var i = 0
        while i < z.count {
            var c = z[i]
            if c == UInt8(ascii: "\\") && i + 1 < z.count {
                i += 1
                c = z[i]
                switch c {
                case UInt8(ascii: "a"): c = 0x07
                case UInt8(ascii: "b"): c = 0x08
                case UInt8(ascii: "t"): c = 0x09
                case UInt8(ascii: "n"): c = 0x0a
                case UInt8(ascii: "v"): c = 0x0b
                case UInt8(ascii: "f"): c = 0x0c
                case UInt8(ascii: "r"): c = 0x0d
                case UInt8(ascii: "0")...UInt8(ascii: "7"):
                    var value = Int(c - UInt8(ascii: "0"))
                    for _ in 0..<2 where i + 1 < z.count && (UInt8(ascii: "0")...UInt8(ascii: "7")).contains(z[i + 1]) {
                        i += 1
                        value = (value << 3) + Int(z[i] - UInt8(ascii: "0"))
                    }
                    c = UInt8(truncatingIfNeeded: value)
                default: break
                }
            }
            out.append(c)
            i += 1
        }
        return out
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
    /// The name is read as sqlite3 reads it (`DotCommands+Names`): quoted or not, by a prefix.
    static func run(line: String, in shell: Shell) throws {
        let words = words(ofCommandLine: line)
        guard let given = words.first else { return }  // a line that is only a dot, as in sqlite3
        let resolution = resolve(given)
        guard case .command(let type) = resolution else {
            // A script gets sqlite3's line, byte for byte; a person at the prompt, a suggestion.
            if case .unknown = resolution, !shell.session.configuration.interactive {
                throw sqlite3Usage("Error: unknown command or invalid arguments:  \"\(given.dropFirst())\". Enter \".help\" for help", in: shell)
            }
            throw unresolved(given, resolution)
        }
        let name = self.name(of: type)
        shell.commandName = String(given.dropFirst())
        if VFSText.opensDatabaseInSQLite3.contains(name) { shell.sqlite3WouldHaveOpened = true }
        var arguments = Array(words.dropFirst())
        if let read = type.wordsRead, arguments.count > read {
            let ignored = arguments[read...].map { "\"\($0)\"" }.joined(separator: " ")
            shell.out.flush()
            shell.err.write("warning: \(name) ignores \(ignored), as sqlite3 does\n")
            arguments.removeLast(arguments.count - read)
        }
        // sqlite3's own readings of --help: `.testctrl --help` lists the controls; the
        // debugger hooks ignore every word. (Asked only when a word is --help: a cast to a
        // protocol the type does not conform to scans every conformance record, twice
        // for these two, at every command's first run.)
        if arguments.contains("--help") || arguments.contains("-h"),
           !(type is TestctrlCommand.Type || type is any SQLiteDebugHookCommand.Type || type is any ReadsItsOwnHelp.Type) {
            shell.out.write(help(type, width: shell.outputWidth) + "\n")
            return
        }
        // `any DotCommand`, as parsed: no cast back from `any ParsableCommand` (another scan).
        let command: any DotCommand
        do {
            if arguments.isEmpty, let bare = try type.withoutArguments() {
                command = bare
            } else {
                command = try type.parse(arguments)
            }
        } catch {
            if let line = type.sqlite3UsageLine { throw MigshError(.verbatim, line) }
            throw MigshError(.usage, "\(name): \(type.message(for: error))", details: ["Usage: " + usage(type) + "  (see .help \(name))"])
        }
        try command.run(in: shell)
    }

    /// `.apply [--to <to>] [--dry-run] [--resume] [--yes]`.
    static func usage(_ type: any DotCommand.Type) -> String {
        type.usageString().replacingAll("Usage: ", with: "").trimming(.whitespacesAndNewlines)
    }

    /// The command's help: usage, what it does, its arguments, what --json prints; never `-h, --help`.
    static func help(_ type: any DotCommand.Type, width: Int? = nil) -> String {
        var text = type.helpMessage(columns: width ?? 100)
        // The parser lists its own -h/--help flag; in the shell, `.help CMD` is the way in.
        // Its text may wrap onto the next lines ("information." alone at 40 columns): those go too.
        var lines: [Substring] = []
        var inHelpFlag = false
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimming(.whitespaces)
            if trimmed.hasPrefix("-h, --help") { inHelpFlag = true; continue }
            if inHelpFlag && !trimmed.isEmpty && !trimmed.hasPrefix("-") && line.hasPrefix("    ") { continue }
            inHelpFlag = false
            lines.append(line)
        }
        // A section left empty (OPTIONS: with only --help) goes too.
        lines = lines.enumerated().filter { i, line in
            !(line.hasSuffix(":") && !line.hasPrefix(" ") && (i + 1 == lines.count || lines[i + 1].trimming(.whitespaces).isEmpty))
        }.map(\.element)
        text = lines.joined(separator: "\n")
        while text.hasSuffix("\n") { text.removeLast() }
        // What --json prints, as prose: broken between words at the terminal's width.
        return type.outputDescription.map { text + "\n\n" + wrapText("  --json prints " + $0, width: width) } ?? text
    }
}
