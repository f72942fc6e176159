import ArgumentParser
import Foundation
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

    func validate() throws {
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
        try session.refuseUnlessWritable(".restore")
        if let sqlite3File, let file {
            do {
                try OnlineBackup.plainRestore(into: session.db, schema: file, from: sqlite3File)
            } catch {
                throw SaveCommand.failure(error, in: shell)
            }
            return
        }
        let store = session.backupStore
        let restorer = Restorer(db: session.db, store: store)
        let path: String
        if let file {
            path = file
        } else {
            let own = session.ownBackups()
            let chosen = version.map { v in own.last { $0.schemaVersion == v } } ?? own.last
            guard let b = chosen else {
                let others = store.list().count - own.count
                throw MigshError(.notFound, (version.map { "no backup of this database with schema version \($0)" } ?? "no backup of this database")
                                 + " in \(store.directory)" + (others > 0 ? " (\(others) other database\(others == 1 ? "'s" : "s'") backups there are not considered; .backups --all lists them)" : ""))
            }
            path = b.path
        }
        let candidate = try restorer.inspect(path)
        if let other = candidate.fromOtherDatabase {
            // Said even with --yes: restoring another database's data is never silent.
            shell.note("WARNING: \(candidate.backup.path) was taken from another database: \(other)")
            guard fromOther else {
                throw MigshError(.refused, "refused: the backup belongs to another database; name it and add --from-other to restore it anyway; nothing was changed")
            }
        }
        let current = session.currentVersion.map(String.init) ?? "?"
        let plan = "Restore \(candidate.backup.path) (schema version \(candidate.backup.schemaVersion.map(String.init) ?? "?"), taken \(candidate.backup.created)) over \(session.configuration.databasePath) (version \(current))?\nThe current state will be backed up first.\n"
        try shell.confirm(Confirmation(.restore, plan: plan, question: "Restore?"), yes: confirmation.yes)
        do {
            defer { shell.progress.end() }
            let report = try restorer.restore(candidate, allowOther: fromOther, busyTimeoutMS: Int(session.configuration.busyTimeoutMS)) { phase in
                switch phase {
                case .savingCurrentState(let p): shell.showBackupProgress(p, what: "backing up the current state")
                case .restoring: shell.progress.begin("restoring \((candidate.backup.path as NSString).lastPathComponent)")
                case .copied(let fraction): shell.progress.update(fraction: fraction)
                case .verifying: shell.progress.begin("verifying the restored database")
                }
            }
            shell.progress.end()
            session.noteBackup(report.previousStateBackup.path)
            session.log(Audit.Restore(change: Audit.Change(versionBefore: report.fromVersion, versionAfter: report.toVersion, outcome: .ok,
                                                           backup: report.previousStateBackup.path),
                                      restoredFrom: report.restoredFrom, fromOtherDatabase: report.fromOtherDatabase))
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
        } catch let error as MigshError {
            session.log(Audit.Restore(change: Audit.Change(versionBefore: session.currentVersion, versionAfter: session.currentVersion,
                                                           outcome: error.code == .interrupted ? .interrupted : .error, error: error.message),
                                      restoredFrom: candidate.backup.path, fromOtherDatabase: candidate.fromOtherDatabase))
            throw error
        }
    }
}

extension Restorer.Report: CommandOutput {
    static var jsonDescription: String { "one JSON object: the backup restored from, the backup of the state before, the versions before and after" }
}
