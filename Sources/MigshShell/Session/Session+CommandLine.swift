import MigshCore

// The session as the command line sets it up: for `migsh DB …` and for each database of a
// fleet run alike (`FleetDatabaseRun`), so that both open a database the same way.

extension Session.Configuration {
    /// The session's settings from the command line, for the database at `databasePath`;
    /// `migrations`: the folder a fleet run read once for every database.
    init(_ o: MigshOptions, databasePath: String, interactive: Bool, migrations: MigrationFolder? = nil) {
        let env = Environment.process
        self.init(databasePath: databasePath,
                  migrationsPath: o.migrations ?? env.path("MIGSH_MIGRATIONS") ?? "migrations",
                  backupsPath: o.backups ?? BackupStore.defaultDirectory(forDatabase: databasePath),
                  auditPath: o.audit ?? absolutePath(databasePath) + "-audit.jsonl")
        backupsGiven = o.backups != nil
        auditGiven = o.audit != nil
        target = o.target
        appVersion = o.appVersion
        readOnly = o.readOnly
        create = o.create
        busyTimeoutMS = o.busyTimeout
        assumeYes = o.yes
        json = o.json
        self.interactive = interactive
        folder = migrations
        safe = o.sqlite3.safe
        nonce = o.sqlite3.nonce
        noFollow = o.sqlite3.noFollow
        appendVFS = o.sqlite3.append
    }

    /// A --target or --app-version the folder does not know, as a usage error's message.
    static func badTarget(_ o: MigshOptions, migrationsPath: String) -> String? {
        guard o.target != nil || o.appVersion != nil, let folder = try? MigrationFolder.load(migrationsPath) else { return nil }
        do {
            _ = try MigrationPlan.requiredVersion(folder: folder, target: o.target, appVersion: o.appVersion)
        } catch let error as MigshError where error.code == .usage {
            return error.message
        } catch {}
        return nil
    }
}

extension Session {
    /// The output settings and modes the command line asks for.
    func takeSettings(from o: MigshOptions, interactive: Bool) {
        if let kind = db.networkFileSystem {
            err.write("warning: \(configuration.databasePath) is on a network filesystem (\(kind)): SQLite's locking is unreliable there (sqlite.org/useovernet.html); work on a local copy where you can. WAL mode is refused.\n")
        }
        // Command-line modes behave as sqlite3's -csv/-json flags (e.g. csv rows end in \n).
        if o.json { output = OutputSettings(commandLineMode: .json) }
        if let mode = o.mode, let m = OutputMode(rawValue: mode.lowercased()) { output = OutputSettings(commandLineMode: m) }
        if o.header { output.setHeaders(true) }
        if o.noheader { output.setHeaders(false) }
        echo = o.echo
        bail = o.bail ?? !interactive
    }
}
