import FoundationEssentials
import Glibc
import Dispatch
import MigshBase
import MigshCore

/// One database of a fleet run: a session of its own, exactly as `migsh DB COMMAND…` would
/// open it, its output captured; where the database stood before (and, when the commands
/// failed, the investigation's verdict), where it stands after.
enum FleetDatabaseRun {
    struct Result: Sendable {
        var entry: FleetEntry
        /// What the commands printed, in the streams they printed it to.
        var stdout: [UInt8]
        var stderr: [UInt8]
    }

    static let host = Session.hostName

    /// `activity` is told each command as it starts.
    static func run(path: String, options o: MigshOptions, commands: [String], folder: MigrationFolder,
                    activity: ((String) -> Void)? = nil) -> Result {
        let clock = DispatchTime.now()
        let out = OutputBuffer.capturing()
        let err = OutputBuffer.capturing()
        var entry = FleetEntry(host: host, path: path, outcome: .failed, state: "")
        var configuration = Session.Configuration(o, databasePath: path, interactive: false, migrations: folder)
        configuration.inFleet = true
        let session: Session
        do {
            session = try Session(configuration: configuration, out: out, err: err)
        } catch {
            Shell.writeError(error, to: err)
            let code = ExitStatus(error)
            entry.exitCode = code
            entry.outcome = FleetEntry.Outcome(code)
            entry.state = state(of: error)
            entry.error = (error as? MigshError)?.message ?? "\(error)"
            entry.durationMS = elapsedMS(since: clock)
            return Result(entry: entry, stdout: out.captured, stderr: err.captured)
        }
        // Where it stands before the commands, read only: the version status; for a database
        // with pending migrations, the investigation's verdict too ("partially applied: 006
        // through statement 4" is what a support team needs to see, not "at v5, 3 pending").
        entry.versionBefore = session.currentVersion
        var investigated = false
        // Why the version could not be read, when it could not: a lock or damage is said as such.
        var unreadable: MigshError.Code?
        do {
            let status = try session.versionStatus(folder)
            entry.state = state(of: status)
            if status.state == .pending {
                investigated = true
                if let verdict = try? session.investigation(folder).verdict(), verdict.state != .consistent {
                    entry.verdict = verdict.state.rawValue
                    entry.state = state(of: verdict)
                }
            }
        } catch {
            entry.state = state(of: error)
            unreadable = (error as? MigshError)?.code
        }
        session.takeSettings(from: o, interactive: false)
        let shell = Shell(session: session)
        shell.onUnit = activity
        let code = MigshMain.runInput(o, commands: commands, shell: shell, interactive: false, lineReader: nil)
        entry.exitCode = code
        entry.outcome = FleetEntry.Outcome(code)
        entry.versionAfter = session.currentVersion
        entry.backups = session.backupsTaken
        entry.error = shell.firstError
        // A failure on a database whose version table reads fine: a lock, damage, or else
        // what the investigation finds (a partly applied migration, version rows without
        // their changes, drift).
        if entry.outcome == .failed, let code = shell.firstErrorCode, code == .busy || code == .damaged {
            entry.state = state(of: MigshError(code, entry.error ?? ""))
        } else if entry.outcome == .failed, !investigated, entry.versionBefore != nil, unreadable != .busy, unreadable != .damaged,
           !session.inTransaction, let verdict = try? session.investigation(folder).verdict(), verdict.state != .consistent {
            entry.verdict = verdict.state.rawValue
            entry.state = state(of: verdict)
        }
        entry.durationMS = elapsedMS(since: clock)
        return Result(entry: entry, stdout: out.captured, stderr: err.captured)
    }

    /// The version status in words: "up to date at v8", "at v5, 3 pending", "too new: v9".
    static func state(of s: VersionStatus) -> String {
        switch s.state {
        case .upToDate: return "up to date at v\(s.currentVersion)"
        case .pending: return "at v\(s.currentVersion), \(s.pending) pending"
        case .databaseNewer: return "too new: v\(s.currentVersion), the migrations reach v\(s.requiredVersion)"
        case .folderError: return "the migrations folder has errors"
        }
    }

    /// A verdict in a few words: "partially applied: 006 through statement 4 of 12".
    static func state(of v: Verdict) -> String {
        switch v.state {
        case .consistent: return "at v\(v.recordedVersion)"
        case .partial:
            guard let p = v.partial else { return "partially applied" }
            return "partially applied: \(zeroPadded(p.version)) through statement \(p.statementsApplied) of \(p.statementsTotal)"
        case .versionRowsMissing:
            return "schema of v\(v.matchesVersion.map(String.init) ?? "?"), Schema_Version says v\(v.recordedVersion)"
        case .versionRowsWithoutChanges: return "version rows without their changes (Schema_Version says v\(v.recordedVersion))"
        case .versionTableMissing: return "Schema_Version missing"
        case .versionRowsInvalid: return "Schema_Version rows invalid"
        case .drift: return "hand-made changes to views, indexes or triggers at v\(v.recordedVersion)"
        case .unknown: return "schema matches no version (Schema_Version says v\(v.recordedVersion))"
        case .damaged: return "damaged"
        }
    }

    /// An error before or while reading the version, in a few words.
    static func state(of error: any Error) -> String {
        guard let e = error as? MigshError else { return "error" }
        switch e.code {
        case .busy: return "busy: locked by another process"
        case .damaged: return "damaged"
        case .notADatabase: return "not an SQLite database"
        case .notFound: return "missing"
        case .versionTable: return "Schema_Version cannot be trusted"
        case .readOnly: return "read-only"
        default: return "error: " + e.message
        }
    }
}
