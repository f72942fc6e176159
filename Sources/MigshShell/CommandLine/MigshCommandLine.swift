import FoundationEssentials
import Glibc
import MigshBase
import ArgumentParser
import MigshCore

/// `migsh [OPTIONS] [DATABASE] [COMMAND ...]` — the contract's command line, as
/// swift-argument-parser reads it (help, errors, every spelling). `MigshOptions.parse` reads
/// the usual forms itself first, and gives everything else to this parser.
struct MigshCommandLine: ParsableCommand {
    /// The discussion reflowed for the terminal `migsh --help` prints on: its prose as wide as
    /// the terminal, its tables kept, a line too long hanging under its start.
    static var configuration: CommandConfiguration {
        CommandConfiguration(
            commandName: "migsh",
            abstract: "An admin shell that evolves SQLite databases safely through numbered SQL migration files.",
            discussion: reflowsDiscussion ? reflowed(discussion, width: helpWidth) : discussion,
            version: MigshVersion.description)
    }

    static let discussion = """
        Each COMMAND is one dot-command or one SQL text, run in order; then migsh
        exits. With no COMMAND, standard input is a script when it is not a
        terminal; on a terminal, migsh is an interactive shell.

        EXAMPLES:
          migsh app.sqlite .version         current, required, status
          migsh app.sqlite '.apply --yes'   a verified backup, then the migrations
          migsh app.sqlite --check          for scripts: 0 up to date, 5 pending
          migsh app.sqlite .diff            a partly applied database: the verdict
          migsh -f fix.sql app.sqlite       a script; it stops at the first error
          migsh app.sqlite .help            the dot-commands, with their syntax
          migsh --each 'sites/*/app.sqlite' --canary 2 '.apply --yes'
                                            a fleet: every database, then a summary

        SQLITE3'S OPTIONS (one dash or two, before or after DATABASE, as sqlite3 3.40):
          -ascii -box -column -csv -html -json -line -list -markdown -quote -table
          -tabs  -separator SEP  -newline SEP  -nullvalue TEXT  -[no]header  -echo
          -cmd COMMAND  -init FILE  -bail  -batch  -interactive  -readonly  -safe
          -nonce STRING  -nofollow  -stats  -vfs NAME  -mmap N  -lookaside SIZE N
          -pagecache SIZE N  -append  -version  -help. Where migsh has the same
          name, the two-dash spelling is migsh's (--json, --version, --help). -A,
          -deserialize, -maxsize, -memtrace and -zip are refused.
          :memory: and "" need no --create and leave no files.

        ENVIRONMENT:
          MIGSH_DATABASE     the database when none is given
          MIGSH_MIGRATIONS   the migrations folder when -m is not given
          MIGSH_HISTORY      the interactive history file
          MIGSH_AUTHOR       the Author of a migration written by .new
          XDG_CACHE_HOME     where the expected schemas are cached (migsh/)
          MIGSH_NO_CACHE=1   replay the migrations every time, no cache
          NO_COLOR           no colour in messages (nor with TERM=dumb)

        EXIT STATUS:
          \(ExitStatus.success) success, \(ExitStatus.failure) an error, \(ExitStatus.usage) a usage error, \(ExitStatus.databaseTooNew) the database is newer than
          the application, \(ExitStatus.migrationFailed) a migration failed and the database was restored,
          \(ExitStatus.pending) migrations are pending (--check), N for .exit N. A fleet run exits
          with the most severe code any database gave (\(ExitStatus.migrationFailed), \(ExitStatus.databaseTooNew), \(ExitStatus.failure), \(ExitStatus.pending), \(ExitStatus.success)); \(ExitStatus.interrupted)
          after Ctrl-C.
        """

    /// False while the man page reads the declarations: its tables keep their columns and
    /// groff fills the prose.
    nonisolated(unsafe) static var reflowsDiscussion = true

    /// The width `migsh --help` is laid out for, found as swift-argument-parser finds it:
    /// `COLUMNS`, else the terminal on standard output, else 80.
    static var helpWidth: Int {
        if let columns = Environment.process["COLUMNS"].flatMap({ Int($0) }), columns > 0 { return columns }
        var size = winsize()
        if isatty(1) != 0, ioctl(1, UInt(TIOCGWINSZ), &size) == 0, size.ws_col > 0 { return Int(size.ws_col) }
        return 80
    }

    /// Below this width swift-argument-parser's two columns (a 26-column label column) leave
    /// the descriptions too little room: it breaks them inside words (`$MIGSH_MIGRATI` / `ONS`).
    static let twoColumnHelpWidth = 66

    /// `migsh --help` for `width` columns: swift-argument-parser's own layout where its two
    /// columns fit; on a narrower terminal every argument and option on a line of its own with
    /// its description wrapped between words under it, and the usage line broken between its
    /// items. No word is broken and none is lost at any width.
    static func helpText(width: Int = helpWidth) -> String {
        guard width < twoColumnHelpWidth else { return helpMessage(columns: width) }
        let room = max(TextLayout.narrowest, width - 1)
        var out: [String] = []
        var inEntries = false
        for line in helpMessage(columns: 100_000).split(separator: "\n", omittingEmptySubsequences: false) {
            let text = String(line)
            if text.hasPrefix("USAGE: ") {
                inEntries = false
                out += TextLayout.wrapLine(text, width: room, hang: "       ")
            } else if text == "ARGUMENTS:" || text == "OPTIONS:" {
                inEntries = true
                out.append(text)
            } else if inEntries, text.hasPrefix("  "), !text.hasPrefix("   ") {
                // "  LABEL  description": the label alone, the description under it.
                let body = text.dropFirst(2)
                if let gap = body.firstRange(of: "  ") {
                    out.append("  " + body[..<gap.lowerBound])
                    out += TextLayout.wrapLine("      " + body[gap.upperBound...].trimming(.whitespaces), width: room, hang: "      ")
                } else {
                    out.append(text)
                }
            } else if inEntries, text.hasPrefix("   ") {
                // A description under a label too long for the label column.
                out += TextLayout.wrapLine("      " + text.trimming(.whitespaces), width: room, hang: "      ")
            } else {
                if text.isEmpty { inEntries = false }
                out += TextLayout.wrapLine(text, width: room)
            }
        }
        return out.joined(separator: "\n")
    }

    /// `text` for `width` columns: a paragraph of prose (lines of one indentation with no
    /// aligned columns) becomes one line, wrapped between words; a line of aligned items (an
    /// example and what it does, a variable and its meaning) breaks between its items, the
    /// next ones hanging under it. Without a width the text is unchanged.
    static func reflowed(_ text: String, width: Int?) -> String {
        guard let width, width >= TextLayout.narrowest else { return text }
        let room = width - 1
        func indent(_ line: Substring) -> Int { line.prefix { $0 == " " }.count }
        func isProse(_ line: Substring) -> Bool {
            !line.isEmpty && !line.hasSuffix(":") && !line.dropFirst(indent(line)).contains("  ")
        }
        var out: [String] = []
        var paragraph: [Substring] = []
        func flush() {
            guard let first = paragraph.first else { return }
            // A deep indentation (a description under its example) comes in on a narrow terminal.
            let lead = String(repeating: " ", count: indent(first) * 2 > room ? 6 : indent(first))
            let joined = lead + paragraph.map { $0.trimming(.whitespaces) }.joined(separator: " ")
            out += TextLayout.wrapLine(joined, width: room, hang: lead)
            paragraph = []
        }
        for line in text.split(separator: "\n", omittingEmptySubsequences: false) {
            if isProse(line), paragraph.isEmpty || indent(paragraph[0]) == indent(line) {
                paragraph.append(line)
                continue
            }
            flush()
            if isProse(line) { paragraph.append(line); continue }
            guard line.count > room else { out.append(String(line)); continue }
            // Items apart by two spaces or more; a deep indentation (a continued description) shrinks.
            let lead = String(repeating: " ", count: min(indent(line), 2))
            let hang = lead + "    "
            let items = line.split(separator: "  ").map { $0.trimming(.whitespaces) }.filter { !$0.isEmpty }
            var current = lead
            for item in items {
                let piece = current.trimming(.whitespaces).isEmpty ? item : "  " + item
                if current.count + piece.count <= room || current.trimming(.whitespaces).isEmpty {
                    current += piece
                } else {
                    out += TextLayout.wrapLine(current, width: room, hang: hang)
                    current = hang + item
                }
            }
            out += TextLayout.wrapLine(current, width: room, hang: hang)
        }
        flush()
        return out.joined(separator: "\n")
    }

    @Argument(help: "The SQLite database (default: $MIGSH_DATABASE, else nukeworks_db.sqlite).", completion: .file())
    var database: String?

    @Argument(help: "Dot-commands or SQL texts to run in order, then exit.")
    var commands: [String] = []

    @Option(name: MigshOption.migrations.names, help: ArgumentHelp("The migrations folder (default: $MIGSH_MIGRATIONS, else ./migrations).", valueName: "dir"), completion: .directory)
    var migrations: String?

    @Option(name: MigshOption.backups.names, help: ArgumentHelp("Where backups go (default: snapshots/ beside the database).", valueName: "dir"), completion: .directory)
    var backups: String?

    @Option(name: MigshOption.audit.names, help: ArgumentHelp("The audit log (default: DATABASE-audit.jsonl beside the database).", valueName: "file"), completion: .file())
    var audit: String?

    @Option(name: MigshOption.target.names, help: ArgumentHelp("The required schema version (default: the highest migration).", valueName: "n"))
    var target: Int?

    @Option(name: MigshOption.appVersion.names, help: ArgumentHelp("The required version from the application-version map.", valueName: "x.y.z"))
    var appVersion: String?

    @Option(name: MigshOption.file.names, help: ArgumentHelp("Run a script file, then exit.", valueName: "file"), completion: .file(extensions: ["sql"]))
    var file: String?

    @Flag(name: MigshOption.yes.names, help: "Answer yes to every confirmation (scripts).")
    var yes = false

    @Flag(name: MigshOption.bail.names, inversion: .prefixedNo, help: "Stop at the first error (default: on in batch mode and for -f).")
    var bail: Bool?

    @Flag(name: MigshOption.readOnly.names, help: "Open read-only; commands that write are refused.")
    var readOnly = false

    @Option(name: MigshOption.busyTimeout.names, help: ArgumentHelp("How long to wait for another process's lock.", valueName: "ms"))
    var busyTimeout: Int32 = 5000

    @Flag(name: MigshOption.json.names, help: "migsh's commands print one JSON document each; SQL results print as JSON.")
    var json = false

    @Option(name: MigshOption.mode.names, help: ArgumentHelp("Output mode for SQL results (as sqlite3's .mode).", valueName: "mode"), completion: .list(OutputMode.allCases.map(\.rawValue)))
    var mode: String?

    @Flag(name: MigshOption.header.names, help: "Show column names.")
    var header = false

    @Flag(name: MigshOption.noheader.names, help: "Do not show column names.")
    var noheader = false

    @Flag(name: MigshOption.echo.names, help: "Print each command before running it.")
    var echo = false

    @Flag(name: MigshOption.create.names, help: "Create DATABASE if it is missing.")
    var create = false

    @Flag(name: MigshOption.check.names, help: "Print the version status and exit: \(ExitStatus.success) up to date, \(ExitStatus.pending) pending, \(ExitStatus.databaseTooNew) database newer.")
    var check = false

    @Option(name: MigshOption.initFile.names, help: ArgumentHelp("Init file (default: $XDG_CONFIG_HOME/migsh/migshrc, else ~/.migshrc).", valueName: "file"), completion: .file())
    var initFile: String?

    @Flag(name: MigshOption.noInit.names, help: "Do not read an init file.")
    var noInit = false

    @Flag(name: MigshOption.scratch.names, help: "Work on a private copy of DATABASE (the original is only read); quitting removes the copy.")
    var scratch = false

    @Option(name: MigshOption.each.names, help: ArgumentHelp("Run the commands on every database matching GLOB (quote it), each with its own lock, backup and audit log.", valueName: "glob"))
    var each: String?

    @Option(name: MigshOption.fleet.names, help: ArgumentHelp("Run the commands on every database listed in FILE (one path a line, # comments).", valueName: "file"), completion: .file())
    var fleet: String?

    @Option(name: MigshOption.jobs.names, help: ArgumentHelp("Fleet runs: databases at once (default: the number of cores).", valueName: "n"))
    var jobs: Int?

    @Option(name: MigshOption.canary.names, help: ArgumentHelp("Fleet runs: the first N databases first; stop if any fails.", valueName: "n"))
    var canary: Int?

    @Option(name: MigshOption.maxFailures.names, help: ArgumentHelp("Fleet runs: start no new database after N failures.", valueName: "n"))
    var maxFailures: Int?

    @Option(name: MigshOption.report.names, help: ArgumentHelp("Fleet runs: write a self-contained HTML report to FILE.", valueName: "file.html"), completion: .file(extensions: ["html"]))
    var report: String?

    @Option(name: MigshOption.mergeReports.names, parsing: .upToNextOption,
            help: ArgumentHelp("Merge fleet --json reports (one per host) into one summary (--report, --json).", valueName: "report.json"), completion: .file(extensions: ["json"]))
    var mergeReports: [String] = []

    /// The values, as the rest of migsh uses them: each option through the table.
    var options: MigshOptions {
        var options = MigshOptions(database: database, commands: commands)
        for option in MigshOption.all { option.copy(from: self, into: &options) }
        return options
    }

    func validate() throws {
        if let message = options.validationError() { throw ValidationError(message) }
    }
}
