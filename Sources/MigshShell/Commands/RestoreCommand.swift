import ArgumentParser
import Foundation
import MigshCore

/// `.restore [FILE | --version N | --latest] [--yes]` (spec §11 manual rollback).
struct RestoreCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".restore",
        abstract: "Restore a verified backup into the database, backing up the current state first.")

    static let completion: [String: CompletionSource] = ["0": .backups, "--version": .versions(pendingOnly: false)]

    @Argument(help: "The backup file.")
    var file: String?

    @Option(name: .customLong("version"), help: "Restore the newest backup whose schema version is N.")
    var version: Int?

    @Flag(name: .customLong("latest"), help: "Restore the newest backup.")
    var latest = false

    @OptionGroup var confirmation: ConfirmationOptions

    func validate() throws {
        let chosen = [file != nil, version != nil, latest].filter { $0 }.count
        guard chosen == 1 else {
            throw ValidationError("give exactly one of FILE, --version N or --latest")
        }
    }

    func run(in shell: Shell) throws {
        let session = shell.session
        try session.refuseUnlessWritable(".restore")
        let store = session.backupStore
        let path: String
        if let file {
            path = file
        } else if let version {
            guard let b = store.newest(withVersion: version) else {
                throw MigshError(.notFound, "no backup with schema version \(version) in \(store.directory) (see .backups)")
            }
            path = b.path
        } else {
            guard let b = store.latest() else { throw MigshError(.notFound, "no backups in \(store.directory)") }
            path = b.path
        }
        let restorer = Restorer(db: session.db, store: store)
        let candidate = try restorer.inspect(path)
        let current = session.currentVersion.map(String.init) ?? "?"
        var question = "Restore \(path) (schema version \(candidate.backup.schemaVersion.map(String.init) ?? "?"), taken \(candidate.backup.created)) over \(session.configuration.databasePath) (version \(current))?\nThe current state will be backed up first."
        if let other = candidate.fromOtherDatabase {
            question = "WARNING: this backup was taken from another database (\(other)).\n" + question
        }
        try session.confirm(question + "\nRestore?", yes: confirmation.yes)
        do {
            let report = try restorer.restore(candidate, busyTimeoutMS: Int(session.configuration.busyTimeoutMS))
            session.log(Audit.Restore(change: Audit.Change(versionBefore: report.fromVersion, versionAfter: report.toVersion, outcome: "ok",
                                                           backup: report.previousStateBackup.path),
                                      restoredFrom: report.restoredFrom))
            try shell.emit(report) {
                """
                restored \(report.restoredFrom): version \(report.fromVersion) → \(report.toVersion)
                the previous state is in \(report.previousStateBackup.path) (undo with .restore \(report.previousStateBackup.path))
                """
            }
        } catch let error as MigshError {
            session.log(Audit.Restore(change: Audit.Change(versionBefore: session.currentVersion, versionAfter: session.currentVersion,
                                                           outcome: "error", error: error.message),
                                      restoredFrom: path))
            throw error
        }
    }
}
