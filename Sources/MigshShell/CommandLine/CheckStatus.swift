import MigshCore

/// `--check`: print the version status; exit 0 up to date, 5 pending, 3 database newer, 1 when
/// the folder has errors or Schema_Version cannot be trusted (what `.apply` refuses).
enum CheckStatus {
    static func run(_ shell: Shell) -> ExitStatus {
        do {
            let s = try shell.session.versionStatus()
            try VersionCommand.emit(VersionCommand.document(s, database: shell.session.configuration.databasePath), in: shell) {
                switch s.state {
                case .upToDate: return "up to date: schema version \(s.currentVersion)"
                case .databaseNewer: return DatabaseTooNew.message(current: s.currentVersion, required: s.requiredVersion)
                case .pending: return "\(s.pending) pending: schema version \(s.currentVersion), required \(s.requiredVersion)"
                case .folderError: return "the migrations folder has errors; .apply refuses it"
                }
            }
            if s.state == .folderError {
                shell.report(MigshError(.migrationFolder, "the migrations folder \(shell.session.configuration.migrationsPath) has \(s.folderErrors.count) error(s)",
                                        details: s.folderErrors.map(\.text)))
            }
            shell.session.log(Audit.Check(status: s.state.rawValue, currentVersion: s.currentVersion, requiredVersion: s.requiredVersion))
            return ExitStatus(s.state)
        } catch {
            shell.session.log(Audit.Check(status: "error", error: (error as? MigshError)?.message ?? "\(error)"))
            shell.report(error)
            return .failure
        }
    }
}
