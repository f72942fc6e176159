import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// `.restore [FILE | --version N | --latest] [--from-other] [--yes]` (spec §11 manual rollback).
struct RestoreCommand: DotCommand {
    typealias Output = Restorer.Report
    static let configuration = CommandConfiguration(
        commandName: ".restore",
        abstract: "Restore a verified backup of this database, backing up the current state first.",
        discussion: "Example: .restore --version 3   (this database's newest backup at version 3)")

    @Argument(help: "The backup file (as a path, or its name in the backups folder).", completion: .backups)
    var file: String?

    /// sqlite3's `.restore DB FILE`: the first word is a schema name.
    @Argument(help: ArgumentHelp("With two words, sqlite3's form: .restore DB FILE overwrites schema DB with FILE, unverified, as sqlite3 does.", valueName: "sqlite3-file"), completion: .file())
    var sqlite3File: String?

    @Option(name: .customLong("version"), help: ArgumentHelp("Restore this database's newest backup whose schema version is N.", valueName: "version"), completion: .backedUpVersions)
    var version: Int?

    @Flag(name: .customLong("latest"), help: "Restore this database's newest backup.")
    var latest = false

    @Flag(name: .customLong("from-other"), help: "Allow FILE to be another database's backup (it warns, and is audited).")
    var fromOther = false

    @OptionGroup var confirmation: ConfirmationOptions

    /// Words neither form takes (`.restore A B C`): sqlite3's usage line, from `run`.
    @Argument(help: .hidden) var extra: [String] = []

    /// No word at all, or more than two: what sqlite3 says (`Usage: .restore ?DB? FILE`).
    var isSQLite3UsageError: Bool {
        !extra.isEmpty || (file == nil && version == nil && !latest && !fromOther && !confirmation.yes)
    }

    func validate() throws {
        if isSQLite3UsageError { return }
        if sqlite3File != nil {
            guard version == nil && !latest && !fromOther else {
                throw ValidationError("sqlite3's form .restore DB FILE takes no options")
            }
            return
        }
        let chosen = [file != nil, version != nil, latest].filter { $0 }.count
        guard chosen == 1 else {
            throw ValidationError("give exactly one of FILE, --version N or --latest")
        }
        if fromOther && file == nil {
            throw ValidationError("--from-other needs the backup FILE named (--latest and --version consider only this database's backups)")
        }
    }

    func run(in shell: Shell) throws {
        let session = shell.session
        if isSQLite3UsageError { throw MigshError(.verbatim, "Usage: .restore ?DB? FILE") }
        if let sqlite3File, let file {
            try session.refuseUnlessWritable(".restore")
            do {
                try OnlineBackup.plainRestore(into: session.db, schema: file, from: sqlite3File)
            } catch {
                throw SaveCommand.failure(error, in: shell)
            }
            return
        }
        let source: Restore.Source = file.map { .file($0) } ?? version.map { .version($0) } ?? .latest
        let report: Restorer.Report
        do {
            defer { shell.progress.end() }
            report = try Restore(session.workspace).run(source, allowOther: fromOther,
                                                       confirming: ShellConfirming(shell: shell, yes: confirmation.yes)) { event in
                switch event {
                case let .fromOtherDatabase(candidate, owner):
                    // Said even with --yes: restoring another database's data is never silent.
                    shell.note("WARNING: \(candidate.backup.path) was taken from another database: \(owner)")
                case .phase(.savingCurrentState(let p)): shell.showBackupProgress(p, what: "backing up the current state")
                case .restoring(let path): shell.progress.begin("restoring \(path.pathLastComponent)")
                case .phase(.restoring): break
                case .phase(.copied(let fraction)): shell.progress.update(fraction: fraction)
                case .phase(.verifying): shell.progress.begin("verifying the restored database")
                }
            }
        }
        if report.completedDespiteInterrupt {
            shell.note("interrupted too late: the backup was already copied in, so the restore completed")
            shell.interruptionReported = true
        }
        try Self.emit(report, in: shell) {
            let previous = report.previousStateBackup
            return "restored \(report.restoredFrom): version \(report.fromVersion.map(String.init) ?? "?") → \(report.toVersion)\n"
                + (previous.damaged
                    ? "the damaged database was kept as it was in \(previous.path) (a raw copy of its files, not a restorable backup)"
                    : "the previous state is in \(previous.path) (undo with .restore \(quoteArgument(previous.path)))")
        }
    }
}

extension Restorer.Report: CommandOutput {
    static var jsonDescription: String { "one JSON object: the backup restored from, the backup of the state before, the versions before and after" }
}
