import Foundation
import ArgumentParser

/// `migsh [OPTIONS] [DATABASE] [COMMAND ...]` — the contract's command line.
struct MigshOptions: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "migsh",
        abstract: "An admin shell that evolves SQLite databases safely through numbered SQL migration files.",
        discussion: """
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

        ENVIRONMENT:
          MIGSH_DATABASE     the database when none is given
          MIGSH_MIGRATIONS   the migrations folder when -m is not given
          MIGSH_HISTORY      the interactive history file
          NO_COLOR           no colour in messages (nor with TERM=dumb)

        EXIT STATUS:
          0 success, 1 an error, 2 a usage error, 3 the database is newer than
          the application, 4 a migration failed and the database was restored,
          5 migrations are pending (--check), N for .exit N.
        """,
        version: MigshVersion.description)

    @Argument(help: "The SQLite database (default: $MIGSH_DATABASE, else nukeworks_db.sqlite).")
    var database: String?

    @Argument(help: "Dot-commands or SQL texts to run in order, then exit.")
    var commands: [String] = []

    @Option(name: [.customShort("m"), .customLong("migrations")], help: ArgumentHelp("The migrations folder (default: $MIGSH_MIGRATIONS, else ./migrations).", valueName: "dir"))
    var migrations: String?

    @Option(name: .customLong("backups"), help: ArgumentHelp("Where backups go (default: snapshots/ beside the database).", valueName: "dir"))
    var backups: String?

    @Option(name: .customLong("audit"), help: ArgumentHelp("The audit log (default: DATABASE-audit.jsonl beside the database).", valueName: "file"))
    var audit: String?

    @Option(name: .customLong("target"), help: ArgumentHelp("The required schema version (default: the highest migration).", valueName: "n"))
    var target: Int?

    @Option(name: .customLong("app-version"), help: ArgumentHelp("The required version from the application-version map.", valueName: "x.y.z"))
    var appVersion: String?

    @Option(name: [.customShort("f"), .customLong("file")], help: ArgumentHelp("Run a script file, then exit.", valueName: "file"))
    var file: String?

    @Flag(name: [.customShort("y"), .customLong("yes")], help: "Answer yes to every confirmation (scripts).")
    var yes = false

    @Flag(inversion: .prefixedNo, help: "Stop at the first error (default: on in batch mode and for -f).")
    var bail: Bool?

    @Flag(name: .customLong("readonly"), help: "Open read-only; commands that write are refused.")
    var readOnly = false

    @Option(name: .customLong("busy-timeout"), help: ArgumentHelp("How long to wait for another process's lock.", valueName: "ms"))
    var busyTimeout: Int32 = 5000

    @Flag(name: .customLong("json"), help: "migsh's commands print one JSON document each; SQL results print as JSON.")
    var json = false

    @Option(name: .customLong("mode"), help: ArgumentHelp("Output mode for SQL results (as sqlite3's .mode).", valueName: "mode"))
    var mode: String?

    @Flag(name: .customLong("header"), help: "Show column names.")
    var header = false

    @Flag(name: .customLong("noheader"), help: "Do not show column names.")
    var noheader = false

    @Flag(name: .customLong("echo"), help: "Print each command before running it.")
    var echo = false

    @Flag(name: .customLong("create"), help: "Create DATABASE if it is missing.")
    var create = false

    @Flag(name: .customLong("check"), help: "Print the version status and exit: 0 up to date, 5 pending, 3 database newer.")
    var check = false

    @Option(name: .customLong("init"), help: ArgumentHelp("Init file (default: $XDG_CONFIG_HOME/migsh/migshrc, else ~/.migshrc).", valueName: "file"))
    var initFile: String?

    @Flag(name: .customLong("noinit"), help: "Do not read an init file.")
    var noInit = false

    func validate() throws {
        if busyTimeout < 0 { throw ValidationError("--busy-timeout must be 0 or more") }
        if let target, target < 0 { throw ValidationError("--target must be 0 or more") }
        if target != nil && appVersion != nil { throw ValidationError("give --target or --app-version, not both") }
        if let mode, OutputMode(rawValue: mode.lowercased()) == nil {
            throw ValidationError("unknown --mode \(mode); one of " + OutputMode.allCases.map(\.rawValue).joined(separator: ", "))
        }
        if let appVersion, appVersion.split(separator: ".", omittingEmptySubsequences: false).count != 3
            || !(appVersion.split(separator: ".").allSatisfy { Int($0) != nil }) {
            throw ValidationError("--app-version takes X.Y.Z (e.g. 1.6.0), got \"\(appVersion)\"")
        }
        if header && noheader { throw ValidationError("--header and --noheader contradict each other") }
        if file != nil && !commands.isEmpty { throw ValidationError("give -f FILE or COMMAND arguments, not both") }
    }
}
