import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// The session behind the shell: the shell's state (settings, output, the transaction the
/// user has open) and the `Workspace` the operations work on (the connection, the migrations,
/// the backups, the audit log), made anew at `.open`.
final class Session {
    struct Configuration {
        var databasePath: String
        var migrationsPath: String
        var backupsPath: String
        var auditPath: String
        /// True when --backups / --audit named them: `.open` keeps them; otherwise each
        /// database gets its own defaults, as at start-up.
        var backupsGiven = false
        var auditGiven = false
        var target: Int?
        var appVersion: String?
        var readOnly = false
        var create = false
        var busyTimeoutMS: Int32 = 5000
        var assumeYes = false
        var json = false
        var interactive = false
        /// The migrations folder, read once for every database of a fleet run; nil: read
        /// from `migrationsPath` when a command needs it.
        var folder: MigrationFolder?
        /// One database of a fleet run: other databases run in this process at the same time.
        var inFleet = false
        /// A scratch session: the private copy `databasePath` is, and the original.
        var scratch: ScratchCopy?
        /// sqlite3's -safe (`SafeMode`), its -nonce, and -nofollow (no symbolic link as the database).
        var safe = false
        var nonce: String?
        var noFollow = false
        /// sqlite3's `-append` and `.open --append`: the database is opened through apndvfs
        /// (`AppendVFS`), appended to the file if it holds none.
        var appendVFS = false
    }

    /// `:memory:` and the empty name: a database that lives only as long as the connection
    /// (SQLite's in-memory or private temporary database). It needs no --create, and the
    /// session writes no file for it: its audit log goes nowhere.
    static func isTemporary(_ path: String) -> Bool { path.isEmpty || path == ":memory:" }

    /// The audit log for `c`: discarded for a temporary database unless --audit named one.
    static func openAudit(_ c: Configuration) throws -> AuditLog {
        if isTemporary(c.databasePath) && !c.auditGiven { return try AuditLog.discarding() }
        return try AuditLog(path: c.auditPath)
    }

    /// The command line's settings; the ones the operations read are kept in the workspace.
    var configuration: Configuration {
        didSet { updateWorkspaceSettings() }
    }
    private(set) var workspace: Workspace
    var db: Connection { workspace.db }
    var audit: AuditLog { workspace.audit }
    var output: OutputSettings = OutputSettings()
    var bail = false
    var echo = false
    var timer = false
    /// `.pager`: when the interactive shell pages long output.
    var pager = PagerSetting.auto
    /// The last statement typed in the interactive shell, for `.edit`.
    var lastStatement: String?
    var showChanges = false
    /// `.eqp` (sqlite3's autoEQP).
    var eqp = EQPMode.off
    /// `.explain`: EXPLAIN output laid out as sqlite3 does (auto), always (on), never (off).
    var explain: ExplainSetting = .auto
    /// `.stats`.
    var stats = StatsMode.off
    /// Standard output, or the file or pipe `.output` / `.once` named.
    var out: OutputBuffer
    /// Standard output (or the fleet's capture), where `.output` with no argument returns.
    let standardOutput: OutputBuffer
    let err: OutputBuffer
    /// Where `out` goes when redirected, and whether only for the next command (`.once`).
    var redirection: OutputRedirection?
    /// The temporary file of the last `.excel` / `.once -x|-e`, removed when the next is made
    /// and when the session ends.
    var openerFile: String?
    /// `.trace FILE`: where SQLite's trace goes when it is a file, a pipe or stderr (closed
    /// when `.trace` names another).
    var traceOutput: OutputRedirection?
    /// `.log FILE`: the file (or pipe, or stderr) SQLite's error log goes to.
    var logOutput: OutputRedirection?
    /// Where `.trace` writes (nil: off), and whether it expands bound parameters.
    var traceTarget: OutputBuffer?
    var traceExpanded = false
    /// `.record`: the statements that changed the schema or data, while `recording`.
    var recorder = StatementRecorder()
    var recording = false
    /// A scratch session's renames (`ALTER TABLE … RENAME`, seen by SQLite's authorizer), kept
    /// whether or not `.record` is on, transactions followed as `.record` follows them:
    /// `.new --from-diff` writes them as renames, not as a drop and an add.
    var renameLog = StatementRecorder()
    /// Safe mode: `.nonce` lifted it until the next dot-command has run; the refusal the
    /// authorizer met while a statement was prepared, for the shell to report.
    var safeModeLifted = false
    var safeModeViolation: String?

    /// `.prompt`: the name shown before the version (nil: the database's file name), and the
    /// continuation prompt.
    var promptName: String?
    var continuationPrompt = "   ...> "

    /// sqlite3's `.connection` slots and the active connection's `.session` objects
    /// (`Session+Connections.swift`); `.testcase`'s name, for `.check GLOB`.
    var connections = ConnectionSlots()
    var testcaseName = ""

    /// Backups taken in this session, in order (a fleet run's report lists them).
    var backupsTaken: [String] { workspace.backupsTaken }
    func noteBackup(_ path: String) { workspace.noteBackup(path) }

    /// Asks the user a yes/no question; nil when no one can be asked (batch mode).
    var ask: ((String) -> Bool?)?

    /// Destructive SQL typed at the prompt asks first (interactive, without --yes).
    var confirmsDestructiveSQL: Bool { configuration.interactive && !configuration.assumeYes && ask != nil }

    var user: String { Session.userName }
    /// $USER, else the account's name (a passwd lookup: once per process).
    static let userName: String = Environment.process["USER"] ?? loginName()

    init(configuration: Configuration, out: OutputBuffer, err: OutputBuffer) throws {
        self.configuration = configuration
        self.out = out
        self.standardOutput = out
        self.err = err
        // The database first, so that a typo leaves no stray audit file behind; then the audit
        // log, before anything runs: an unwritable log is an error, never a silent gap.
        workspace = Session.makeWorkspace(configuration, db: try Session.open(configuration), audit: try Session.openAudit(configuration))
        workspace.auditFailed = { [err] in Session.warnAuditFailed($0, err: err) }
        updateWorkspaceSettings()
        installShellAuthorizer()
        installSQLFunctions()
        try logSessionStart()
    }

    /// The workspace for `c`'s database on `db`, logging to `audit`.
    static func makeWorkspace(_ c: Configuration, db: Connection, audit: AuditLog) -> Workspace {
        Workspace(db: db, databasePath: c.databasePath, migrationsPath: c.migrationsPath,
                  backups: BackupStore(directory: c.backupsPath), audit: audit, preloadedFolder: c.folder,
                  user: Session.userName, busyTimeoutMS: Int(c.busyTimeoutMS))
    }

    /// The settings the operations read, after the configuration changed (`.timeout`, the
    /// start-up check making the session read-only).
    private func updateWorkspaceSettings() {
        workspace.target = configuration.target
        workspace.appVersion = configuration.appVersion
        workspace.busyTimeoutMS = Int(configuration.busyTimeoutMS)
        workspace.readOnlyReason = readOnlyReason
    }

    static func warnAuditFailed(_ error: any Error, err: OutputBuffer) {
        err.write("migsh: warning: \(error)\n")
        err.flush()
    }

    /// `.auth on`: every authorizer event is printed (sqlite3's shellAuth). Under -safe
    /// sqlite3 3.40 keeps its safe-mode authorizer and prints nothing, and so does migsh.
    var printsAuthorizations = false {
        didSet { installShellAuthorizer() }
    }

    /// The session's one authorizer, sqlite3's: safeModeAuth under -safe (ATTACH, VACUUM INTO
    /// and the functions that reach files are denied, and the shell ends the run with the
    /// reason), else shellAuth's printing while `.auth` is on. Installed only when one of them
    /// is wanted, so that a network filesystem's WAL rule (`open`) stays otherwise.
    /// On a network filesystem WAL stays off under every authorizer (`open`'s rule), `.auth`
    /// and `-safe` included.
    private func installShellAuthorizer() {
        let walDenied = db.networkFileSystem != nil
        if configuration.safe {
            db.setAuthorizer { [unowned self] event in
                if walDenied && Session.switchesToWAL(event) { return false }
                guard !safeModeLifted, let message = SafeMode.refusal(of: event) else { return true }
                if safeModeViolation == nil { safeModeViolation = message }
                return false
            }
        } else if printsAuthorizations {
            db.setAuthorizer { [unowned self] event in
                out.write(AuthCommand.line(for: event))
                return !(walDenied && Session.switchesToWAL(event))
            }
        } else if authorizerPrinted {
            db.setAuthorizer(walDenied ? { !Session.switchesToWAL($0) } : nil)
        }
        authorizerPrinted = printsAuthorizations
    }

    private var authorizerPrinted = false

    /// sqlite3's SQL functions (`generate_series`, `regexp`, `decimal`, …) on the connection
    /// that runs the user's SQL. The file functions are refused under --readonly and -safe.
    private func installSQLFunctions() {
        ShellSQLFunctions.register(on: db, fileAccess: Session.fileAccess(configuration))
    }

    /// Whether `readfile`, `writefile`, `fsdir` and `edit` may reach files: not under
    /// --readonly (migsh's promise to change nothing; sqlite3's -readonly only guards the
    /// database). Under -safe they stay registered, as in sqlite3, and the safe-mode
    /// authorizer ends the run at the first use (`SafeMode`), `.nonce` included.
    static func fileAccess(_ c: Configuration) -> ShellSQLFunctions.FileAccess {
        if c.readOnly { return .refused("the session was opened with --readonly") }
        return .allowed
    }

    /// `.connection N` (`Session+Connections.swift`): another connection, with its audit log,
    /// takes the active one's place.
    /// `.connection N`: the active connection becomes `newDB`, with its audit log, in its own
    /// workspace (the parked one it had, else a new one for the configuration's paths, which the
    /// caller has set to the incoming connection's).
    func replaceConnection(with newDB: Connection, audit newAudit: AuditLog, workspace parked: Workspace?) {
        workspace = parked ?? Session.makeWorkspace(configuration, db: newDB, audit: newAudit)
        updateWorkspaceSettings()
    }

    /// The session's first entry in its audit log (and in a new one after `.open`).
    /// gethostname(2): the machine's name as the system has it. (Foundation's hostName asks
    /// the resolver for a canonical name, a network round trip on some machines, at every start.)
    static let hostName: String = {
        var buffer = [CChar](repeating: 0, count: 256)
        guard gethostname(&buffer, buffer.count - 1) == 0 else { return "unknown" }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }
    }()

    func logSessionStart() throws {
        try audit.append(Audit.SessionStart(
            user: Session.userName, host: Session.hostName,
            pid: Int(getpid()), database: absolutePath(configuration.databasePath),
            migrations: absolutePath(configuration.migrationsPath), migshVersion: MigshVersion.current,
            readonly: configuration.readOnly, scratchOf: configuration.scratch?.original))
        try audit.flush()
    }

    static func open(_ c: Configuration) throws -> Connection {
        let path = c.databasePath
        let found = FileSystem.status(path)
        let exists = found != nil
        let isDir = found.map { $0.st_mode & S_IFMT == S_IFDIR } ?? false
        if isTemporary(path) {
            return try Connection(path: path, mode: c.readOnly ? .readOnly : .readWriteCreate, busyTimeoutMS: c.busyTimeoutMS)
        }
        if exists && isDir {
            throw MigshError(.notADatabase, "\(path) is a folder, not a database file")
        }
        if !exists && !c.create {
            throw MigshError(.notFound, "database not found: \(path)",
                             details: ["Use --create to make a new database (migsh never creates one from a typo)."])
        }
        // As sqlite3 (its deduceDatabaseType): a file that ends with apndvfs' trailer opens
        // through apndvfs too, unless the session is read-only (sqlite3's -readonly opens the
        // file as it is). apndvfs appends a new database to a file that holds none only when
        // it may create one, as sqlite3's open always may.
        let format = exists ? SQLArchive.format(of: path) : nil
        // A file too short for a ZIP directory (an empty `x.zip`) is a new database to sqlite3.
        if format == .zip, let info = FileSystem.status(path), info.st_size >= 22 { throw zipRefusal(path) }
        let appended = c.appendVFS || (!c.readOnly && format == .appendVFS)
        if appended { AppendVFS.register() }
        // With SQLITE_OPEN_CREATE even when the file exists (checked above): an attached
        // database gets the main one's flags, and `ATTACH 'new.db'` creates it, as in sqlite3.
        let mode: Connection.OpenMode = c.readOnly ? .readOnly : .readWriteCreate
        let db = try Connection(path: path, mode: mode, busyTimeoutMS: c.busyTimeoutMS, noFollow: c.noFollow,
                                vfs: appended ? AppendVFS.name : nil)
        // Touch the schema now so that a non-database file is reported at open, not later. A
        // damaged database still opens, so that it can be investigated (.diff says damaged)
        // and restored: a file SQLite calls "not a database" is taken for a damaged one only
        // when migsh has backups of it (its manifests name this path); otherwise it is a typo.
        do {
            _ = try db.scalarInt("SELECT count(*) FROM sqlite_schema")
        } catch let error as MigshError where error.code == .notADatabase || error.code == .damaged {
            let backedUp = exists && BackupStore(directory: c.backupsPath).list().contains { $0.source == absolutePath(path) }
            if error.code == .notADatabase && !backedUp {
                throw MigshError(.notADatabase, "\(path) is not an SQLite database (\(error.message))")
            }
        }
        if c.readOnly { try db.execute("PRAGMA query_only = ON") }
        if case .network(let kind) = FileSystemKind.detect(path) {
            if try db.journalMode().lowercased() == "wal" {
                throw MigshError(.refused, "\(path) is in WAL mode on a network filesystem (\(kind)); WAL does not work over a network filesystem (sqlite.org/wal.html). Copy it to a local disk first.")
            }
            // WAL cannot be switched on here: deny it at the authorizer, whatever SQL is typed.
            db.setAuthorizer { !Session.switchesToWAL($0) }
            db.networkFileSystem = kind
        }
        return db
    }

    /// sqlite3 3.40 opens a ZIP archive (`sqlite3 x.zip`, `-zip`, `.open --zip`) as `:memory:`
    /// with the archive as a `zipfile` table named `zip`. migsh does not: it would name the
    /// audit log and backups after a file that is not the database, and a backup or restore
    /// would copy the empty in-memory database. It says how to get the same table instead.
    static func zipRefusal(_ path: String) -> MigshError {
        let quoted = "'" + path.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") + "'"
        return MigshError(.notADatabase, "\(path) is a ZIP archive, not an SQLite database: migsh does not open a ZIP archive as a database "
            + "(sqlite3 opens :memory: with it as the zipfile table zip); the same table: "
            + "migsh :memory: \"CREATE VIRTUAL TABLE zip USING zipfile(\(quoted))\"")
    }

    /// `PRAGMA journal_mode = WAL`, as the authorizer sees it.
    static func switchesToWAL(_ event: AuthorizerEvent) -> Bool {
        event.kind == .pragma && event.arg1?.lowercased() == "journal_mode" && event.arg2?.lowercased() == "wal"
    }

    /// Reopens on another file (`.open`).
    /// `.open`: another database, with its own backups folder and audit log unless they were
    /// named on the command line. The old log records the switch; the new one, a session start.
    /// `readOnly`: this database only (sqlite3's `.open --readonly`); the session's --readonly
    /// promise, which also turns off the file functions, is the command line's.
    func reopen(path: String, create: Bool, scratch: Bool = false, append: Bool = false, readOnly: Bool = false) throws {
        var c = configuration
        c.databasePath = path
        c.create = create
        c.appendVFS = append
        c.readOnly = c.readOnly || readOnly
        c.scratch = nil
        if !c.backupsGiven { c.backupsPath = BackupStore.defaultDirectory(forDatabase: path) }
        if !c.auditGiven { c.auditPath = absolutePath(path) + "-audit.jsonl" }
        if scratch {
            let copy = try ScratchCopy.make(of: path, busyTimeoutMS: c.busyTimeoutMS)
            c = Session.scratchConfiguration(c, copy: copy)
        }
        let newDB = try Session.open(c)
        let newAudit = c.auditPath == configuration.auditPath && !Session.isTemporary(path) ? audit : try Session.openAudit(c)
        log(Audit.Open(database: absolutePath(path), backups: c.backupsPath, audit: c.auditPath))
        // As sqlite3's .open: the old connection's `.session` objects close with it.
        connections.changesets.removeAll()
        let oldAudit = audit
        let newWorkspace = Session.makeWorkspace(c, db: newDB, audit: newAudit)
        newWorkspace.auditFailed = workspace.auditFailed
        newWorkspace.inheritBackups(from: workspace)
        workspace = newWorkspace
        // As sqlite3: the new connection does not print (`.auth` is per connection).
        authorizerPrinted = false
        printsAuthorizations = false
        installSQLFunctions()
        configuration.scratch?.remove()
        configuration.scratch = c.scratch
        configuration.databasePath = c.databasePath
        configuration.appendVFS = c.appendVFS
        configuration.backupsPath = c.backupsPath
        configuration.auditPath = c.auditPath
        updateWorkspaceSettings()
        if newAudit !== oldAudit {
            try? oldAudit.flush()
            try logSessionStart()
        }
    }

    /// The settings of a scratch session on `copy`: the database is the private copy; its
    /// backups stay in the private folder (they go with it); the audit log is the original's,
    /// each session start naming the copy and the original.
    static func scratchConfiguration(_ c: Configuration, copy: ScratchCopy) -> Configuration {
        var c = c
        c.databasePath = copy.path
        c.scratch = copy
        c.create = false
        if !c.backupsGiven { c.backupsPath = copy.folder + "/snapshots" }
        if !c.auditGiven { c.auditPath = copy.original + "-audit.jsonl" }
        return c
    }

    // MARK: Migrations

    func loadFolder() throws -> MigrationFolder { try workspace.loadFolder() }

    var backupStore: BackupStore { workspace.backups }

    func requiredVersion(_ folder: MigrationFolder) throws -> Int { try workspace.requiredVersion(folder) }

    func plan(_ folder: MigrationFolder, to target: Int? = nil) throws -> MigrationPlan { try workspace.plan(folder, to: target) }

    /// The version the prompt and messages show (`Workspace.currentVersion`).
    var currentVersion: Int? { workspace.currentVersion }

    /// Where the database stands against the migrations (the spec's start-up check).
    func versionStatus(_ folder: MigrationFolder? = nil) throws -> VersionStatus { try workspace.versionStatus(folder) }

    /// This database's backups in the backups folder (their manifests name it), oldest first.
    func ownBackups() -> [BackupStore.Backup] { workspace.ownBackups() }

    /// The investigation of this database against `folder`'s migrations.
    func investigation(_ folder: MigrationFolder) throws -> Investigation { try workspace.investigation(folder) }

    // MARK: State

    var inTransaction: Bool { workspace.inTransaction }

    func refuseInTransaction(_ command: String) throws { try workspace.refuseInTransaction(command) }

    /// A command that changes the database: refused under --readonly, on a read-only file, and
    /// while a transaction is open.
    func refuseUnlessWritable(_ command: String) throws { try workspace.refuseUnlessWritable(command) }

    /// Set by the start-up check when the database is newer than the application, which makes
    /// the session read-only.
    var newerDatabaseReason: String? {
        didSet { updateWorkspaceSettings() }
    }

    /// Why this session cannot change the database (`[read-only]` in the prompt), when it cannot.
    var readOnlyReason: String? {
        newerDatabaseReason ?? (configuration.readOnly ? "the database was opened with --readonly" : nil)
    }

    func refuseReadOnly(_ command: String) throws { try workspace.refuseReadOnly(command) }

    /// Asks for confirmation; `--yes` answers yes; in batch mode, no answer is a refusal.
    /// Asks `confirmation` (its plan, then its warnings, then the question); with `--yes` the
    /// warnings are still said, on standard error. No answer in batch mode is an error; a no
    /// is `ConfirmationDeclined`.
    func confirm(_ confirmation: Confirmation, yes: Bool, width: Int?) throws {
        let warnings = confirmation.warnings.map { wrapText($0, width: width) + "\n" }.joined()
        if yes || configuration.assumeYes {
            if !warnings.isEmpty && !configuration.json {
                err.write(warnings)
                err.flush()
            }
            return
        }
        guard let ask, let answer = ask(confirmation.plan + warnings + confirmation.question) else {
            throw MigshError(.refused, "confirmation needed: \(confirmation.question) — not asked in batch mode; add --yes to proceed")
        }
        if !answer { throw ConfirmationDeclined(confirmation.action) }
    }

    /// Records one SQL statement (the hot path of scripts).
    func logStatement(_ sql: String, outcome: Audit.Outcome, rowsChanged: Int? = nil, durationMS: Int, error: String? = nil) {
        connections.activeRanSQL = true
        do {
            try audit.appendStatement(sql: sql, outcome: outcome, rowsChanged: rowsChanged, durationMS: durationMS, error: error)
            if !inTransaction { try audit.flush() }
        } catch {
            Session.warnAuditFailed(error, err: err)
        }
    }

    /// Records one action; written at once (statements inside a transaction are batched by
    /// `logStatement`, their effect not being durable yet either).
    func log<R: AuditRecord>(_ record: R) { workspace.log(record) }
}

enum ExplainSetting: String { case auto, on, off }

enum MigshVersion {
    static let current = "0.2.0"
    /// `migsh 0.2.0 (SQLite 3.40.1)`, for --version.
    static var description: String { "migsh \(current) (SQLite \(SQLiteLibrary.version))" }
}

/// `.eqp`: the query plan before each statement's rows; `trigger` adds triggers' plans,
/// `full` the bytecode too. In sqlite3's order (its autoEQP levels 0…3).
enum EQPMode: String, CaseIterable, Comparable, Sendable {
    case off, on, trigger, full
    /// sqlite3's number for the level (`.eqp 2`), clamped to 0…3.
    init(level: Int) { self = Self.allCases[min(max(level, 0), Self.allCases.count - 1)] }
    static func < (a: Self, b: Self) -> Bool { allCases.firstIndex(of: a)! < allCases.firstIndex(of: b)! }
}

/// `.stats`: SQLite's counters after each statement; `stmt` adds the columns' origins,
/// `vmstep` prints only the VM steps.
enum StatsMode: String, CaseIterable, Sendable {
    case off, on, stmt, vmstep
}
