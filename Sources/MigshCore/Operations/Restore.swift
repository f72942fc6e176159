/// `.restore` (spec §11 manual rollback): a verified backup of this database copied in, after
/// the question, the current state backed up first so that a restore can be undone. Audited,
/// whatever the outcome.
public struct Restore {
    public enum Source: Sendable {
        /// A backup file, as a path or by its name in the backups folder.
        case file(String)
        /// This database's newest backup at this schema version.
        case version(Int)
        /// This database's newest backup.
        case latest
    }

    public enum Event {
        /// The backup was taken from another database: said before anything else, even with `--yes`.
        case fromOtherDatabase(Restorer.Candidate, owner: String)
        /// Copying the backup in begins (`Restorer.Phase.restoring`, with the backup's path).
        case restoring(from: String)
        case phase(Restorer.Phase)
    }

    public let workspace: Workspace
    public init(_ workspace: Workspace) { self.workspace = workspace }

    /// `allowOther`: `--from-other`, a backup of another database named by its file.
    public func run(_ source: Source, allowOther: Bool, confirming: some Confirming,
                    events: @escaping (Event) -> Void = { _ in }) throws -> Restorer.Report {
        let w = workspace
        try w.refuseUnlessWritable(".restore")
        let restorer = Restorer(db: w.db, store: w.backups)
        let candidate = try restorer.inspect(try path(of: source))
        if let other = candidate.fromOtherDatabase {
            events(.fromOtherDatabase(candidate, owner: other))
            guard allowOther else {
                throw MigshError(.refused, "refused: the backup belongs to another database; name it and add --from-other to restore it anyway; nothing was changed")
            }
        }
        try confirming.confirm(.restore(candidate, database: w.databasePath, currentVersion: w.currentVersion))
        do {
            let report = try restorer.restore(candidate, allowOther: allowOther, busyTimeoutMS: w.busyTimeoutMS) { phase in
                if case .restoring = phase { events(.restoring(from: candidate.backup.path)) } else { events(.phase(phase)) }
            }
            w.noteBackup(report.previousStateBackup.path)
            w.log(Audit.Restore(change: Audit.Change(versionBefore: report.fromVersion, versionAfter: report.toVersion, outcome: .ok,
                                                     backup: report.previousStateBackup.path),
                                restoredFrom: report.restoredFrom, fromOtherDatabase: report.fromOtherDatabase))
            return report
        } catch let error as MigshError {
            w.log(Audit.Restore(change: Audit.Change(versionBefore: w.currentVersion, versionAfter: w.currentVersion,
                                                     outcome: error.code == .interrupted ? .interrupted : .error, error: error.message),
                                restoredFrom: candidate.backup.path, fromOtherDatabase: candidate.fromOtherDatabase))
            throw error
        }
    }

    /// The backup `source` names; for `--version` and `--latest`, only this database's backups count.
    func path(of source: Source) throws -> String {
        let w = workspace
        let version: Int?
        switch source {
        case .file(let file): return file
        case .version(let v): version = v
        case .latest: version = nil
        }
        let own = w.ownBackups()
        let chosen = version.map { v in own.last { $0.schemaVersion == v } } ?? own.last
        guard let b = chosen else {
            let others = w.backups.list().count - own.count
            throw MigshError(.notFound, (version.map { "no backup of this database with schema version \($0)" } ?? "no backup of this database")
                             + " in \(w.backups.directory)" + (others > 0 ? " (\(others) other database\(others == 1 ? "'s" : "s'") backups there are not considered; .backups --all lists them)" : ""))
        }
        return b.path
    }
}
