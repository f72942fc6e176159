import CMigshSQLite
import FoundationEssentials
import Dispatch
import Glibc
import MigshBase
import Synchronization

/// `SQLITE_TRANSIENT` is a macro Swift does not import; GRDB defines it the same way.
let SQLITE_TRANSIENT = unsafeBitCast(OpaquePointer(bitPattern: -1), to: sqlite3_destructor_type.self)

/// One SQLite connection. Not thread-safe: a connection belongs to the session that opened it.
public final class Connection {
    public enum OpenMode: Sendable {
        case readWrite
        case readOnly
        case readWriteCreate
    }

    public let path: String
    public let mode: OpenMode
    let handle: OpaquePointer

    /// Opens `path`. Never creates the file unless `mode` is `.readWriteCreate`.
    /// `noFollow`: refuse a symbolic link as the database (SQLITE_OPEN_NOFOLLOW, sqlite3's -nofollow).
    /// `vfs`: the VFS to open it with (`AppendVFS.name` for sqlite3's apndvfs); nil, the default one.
    public init(path: String, mode: OpenMode = .readWrite, busyTimeoutMS: Int32 = 5000, noFollow: Bool = false, vfs: String? = nil) throws {
        self.path = path
        self.mode = mode
        var flags = SQLITE_OPEN_NOMUTEX | SQLITE_OPEN_EXRESCODE | (noFollow ? SQLITE_OPEN_NOFOLLOW : 0)
        switch mode {
        case .readWrite: flags |= SQLITE_OPEN_READWRITE
        case .readOnly: flags |= SQLITE_OPEN_READONLY
        case .readWriteCreate: flags |= SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE
        }
        var db: OpaquePointer?
        let rc = FileSystem.withPath(path) { sqlite3_open_v2($0, &db, flags, vfs) }
        guard let db else {
            throw MigshError(.sqlite, "cannot open \(path): out of memory", resultCode: ResultCode(rawValue: rc))
        }
        guard rc == SQLITE_OK else {
            let message = String(cString: sqlite3_errmsg(db))
            // > Whether or not an error occurs when it is opened, resources associated with
            // > the database connection handle should be released by passing it to sqlite3_close().
            sqlite3_close_v2(db)
            throw MigshError(.sqlite, "cannot open \(path): \(message)", resultCode: ResultCode(rawValue: rc))
        }
        self.handle = db
        sqlite3_extended_result_codes(db, 1)
        sqlite3_busy_timeout(db, busyTimeoutMS)
        // Ctrl-C stops any statement of any connection (`CancellationToken`), between
        // virtual-machine steps: a quick_check, a long UPDATE.
        setStepLimit(nil)
    }

    /// sqlite3's SQL functions (`ShellSQLFunctions`) when registered here, with the file
    /// functions' access; nil on every connection that runs migration files.
    public internal(set) var shellFunctions: ShellSQLFunctions.FileAccess?

    /// The raw `sqlite3*`, for the code of this folder only (nothing outside it calls SQLite).
    var sqliteHandle: OpaquePointer { handle }

    /// The handler `trace(_:_:)` installed, kept alive while SQLite may call it.
    var traceHandler: TraceHandler?

    /// How long a statement waits for another connection's lock (`.timeout`).
    public func setBusyTimeout(_ milliseconds: Int32) { sqlite3_busy_timeout(handle, milliseconds) }

    deinit {
        // > If sqlite3_close_v2() is called with unfinalized prepared statements ... the
        // > database connection becomes an unusable "zombie" which will automatically be
        // > deallocated when the last prepared statement is finalized.
        sqlite3_close_v2(handle)
    }

    /// True when SQLite opened the main database read-only — asked for, or because the file
    /// or its folder is not writable (`sqlite3_db_readonly`).
    public var isReadOnly: Bool { sqlite3_db_readonly(handle, "main") == 1 }

    /// True when no transaction is open (`sqlite3_get_autocommit`).
    public var isAutocommit: Bool { sqlite3_get_autocommit(handle) != 0 }

    /// Set when the file is on a network filesystem (see `FileSystemKind`).
    public var networkFileSystem: String?

    public var changes: Int { Int(sqlite3_changes64(handle)) }
    public var totalChanges: Int { Int(sqlite3_total_changes64(handle)) }

    // MARK: Errors

    func error(_ rc: Int32, sql: String? = nil, code: MigshError.Code? = nil) -> MigshError {
        let extended = sqlite3_extended_errcode(handle)
        // Bytes, not a C string decoded with repair: a token SQLite quotes from the SQL keeps
        // the script's bytes (Latin-1 included), as sqlite3 prints them.
        let cMessage: UnsafePointer<CChar>? = sqlite3_errmsg(handle)
        let raw = cMessage.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
        let message = String(decoding: raw, as: UTF8.self)
        let offset = sqlite3_error_offset(handle)
        let primary = rc & 0xff
        if primary == SQLITE_INTERRUPT, stoppedAtStepLimit, let limit = stepLimit, stepLimitArmed {
            // Not a Ctrl-C: the progress handler stopped a statement at the step limit.
            stoppedAtStepLimit = false
            stepLimitStops += 1
            return MigshError(.stepLimit, limit.message, resultCode: ResultCode(rawValue: extended != 0 ? extended : rc), sql: sql)
        }
        if primary == SQLITE_INTERRUPT, CancellationToken.interrupt.isRequested {
            return MigshError(.interrupted, "interrupted", resultCode: ResultCode(rawValue: extended != 0 ? extended : rc), sql: sql)
        }
        let resolved: MigshError.Code
        if let code { resolved = code }
        else if primary == SQLITE_BUSY || primary == SQLITE_LOCKED { resolved = .busy }
        else if primary == SQLITE_NOTADB { resolved = .notADatabase }
        else if primary == SQLITE_CORRUPT { resolved = .damaged }
        else if primary == SQLITE_READONLY { resolved = .readOnly }
        else { resolved = .sqlite }
        var error = MigshError(resolved, message, resultCode: ResultCode(rawValue: extended != 0 ? extended : rc), sql: sql,
                               sqlOffset: offset >= 0 ? Int(offset) : nil)
        if !message.utf8.elementsEqual(raw) { error.rawMessage = raw }
        return error
    }

    func check(_ rc: Int32, sql: String? = nil) throws {
        if rc != SQLITE_OK { throw error(rc, sql: sql) }
    }

    // MARK: Running SQL

    /// Prepares the one statement in `sql`. Throws when it holds no statement (only white
    /// space or comments) or does not compile. `sql` may carry bytes that are not UTF-8 (a
    /// pattern or a name the user gave, `CarriedBytes`): SQLite gets those bytes.
    public func prepare(_ sql: String) throws -> Statement {
        var utf8 = CarriedBytes.bytes(of: sql)
        utf8.append(0)
        return try utf8.withUnsafeBufferPointer { buf in
            var stmt: OpaquePointer?
            let base = UnsafeRawPointer(buf.baseAddress!).assumingMemoryBound(to: CChar.self)
            let rc = sqlite3_prepare_v2(handle, base, Int32(buf.count - 1), &stmt, nil)
            guard rc == SQLITE_OK else { throw error(rc, sql: sql) }
            guard let stmt else {
                throw MigshError(.sqlite, "no statement in SQL text", sql: sql)
            }
            return Statement(connection: self, handle: stmt)
        }
    }

    /// The first column of the first row, as an integer (nil for NULL or no row).
    public func scalarInt(_ sql: String) throws -> Int64? {
        let stmt = try prepare(sql)
        guard try stmt.step() else { return nil }
        return stmt.isNull(0) ? nil : stmt.int64(0)
    }

    public func scalarText(_ sql: String) throws -> String? {
        let stmt = try prepare(sql)
        guard try stmt.step() else { return nil }
        return stmt.isNull(0) ? nil : stmt.text(0)
    }

    /// All rows of the first column as text.
    public func column(_ sql: String) throws -> [String] {
        let stmt = try prepare(sql)
        var out: [String] = []
        while try stmt.step() { out.append(stmt.text(0)) }
        return out
    }

    /// True if a table (or view) with that name exists in the main schema.
    public func tableExists(_ name: String) throws -> Bool {
        let stmt = try prepare("SELECT 1 FROM sqlite_schema WHERE type IN ('table','view') AND name = ?1 COLLATE NOCASE")
        try stmt.bind(name, at: 1)
        return try stmt.step()
    }

    /// `PRAGMA integrity_check` result lines (`["ok"]` when sound).
    public func integrityCheck() throws -> [String] {
        // Keep the lines read before a damaged page stops the check, and say why it stopped.
        let stmt = try prepare("PRAGMA integrity_check")
        var lines: [String] = []
        do {
            while try stmt.step() { lines.append(stmt.text(0)) }
        } catch let error as MigshError where error.code != .interrupted {
            lines.append("integrity_check stopped: \(error.message)")
        }
        return lines
    }

    /// `PRAGMA quick_check`: the page-level checks of integrity_check without the
    /// index-consistency ones (O(N) instead of O(N log N)).
    public func quickCheck() throws -> [String] {
        try column("PRAGMA quick_check")
    }

    /// `PRAGMA foreign_key_check`: one entry per violating row.
    public func foreignKeyViolations(table: String? = nil) throws -> [ForeignKeyViolation] {
        let sql = table.map { "PRAGMA foreign_key_check(\(quoteIdentifier($0)))" } ?? "PRAGMA foreign_key_check"
        let stmt = try prepare(sql)
        var out: [ForeignKeyViolation] = []
        while try stmt.step() {
            out.append(ForeignKeyViolation(table: stmt.text(0), rowid: stmt.isNull(1) ? nil : stmt.int64(1),
                                           parent: stmt.text(2), foreignKeyIndex: Int(stmt.int64(3))))
        }
        return out
    }

    public var foreignKeysEnabled: Bool {
        get throws { try scalarInt("PRAGMA foreign_keys") == 1 }
    }

    public func journalMode() throws -> String { try scalarText("PRAGMA journal_mode") ?? "" }

    /// Installs the policy authorizer: it may deny actions (e.g. WAL on a network
    /// filesystem). Observers added with `observingAuthorizations` see events too.
    public func setAuthorizer(_ authorizer: Authorizer?) {
        policy = authorizer
        installAuthorizerCallback()
    }

    /// Runs `body` while `observer` sees every authorizer event (SQLite reports them while
    /// preparing statements): migsh uses it to classify statements and to learn which
    /// tables a migration writes. The observer must not run SQL on this connection.
    public func observingAuthorizations<R>(_ observer: @escaping (AuthorizerEvent) -> Void,
                                           during body: () throws -> R) rethrows -> R {
        observers.append(observer)
        installAuthorizerCallback()
        defer {
            observers.removeLast()
            installAuthorizerCallback()
        }
        return try body()
    }

    /// Runs `body` while `restriction` may deny actions too, beside the policy (`.apply`
    /// closes the session's connection against what migration SQL must never do).
    public func restricting<R>(_ restriction: @escaping Authorizer, during body: () throws -> R) rethrows -> R {
        restrictions.append(restriction)
        installAuthorizerCallback()
        defer {
            restrictions.removeLast()
            installAuthorizerCallback()
        }
        return try body()
    }

    /// Adds a restriction for the connection's lifetime (the sandboxes that run migration SQL).
    func addRestriction(_ restriction: @escaping Authorizer) {
        restrictions.append(restriction)
        installAuthorizerCallback()
    }

    private func installAuthorizerCallback() {
        guard policy != nil || !observers.isEmpty || !restrictions.isEmpty else {
            sqlite3_set_authorizer(handle, nil, nil)
            return
        }
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_set_authorizer(handle, { ctx, action, a, b, c, d in
            guard let ctx else { return SQLITE_OK }
            let connection = Unmanaged<Connection>.fromOpaque(ctx).takeUnretainedValue()
            func s(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
            var event = AuthorizerEvent(kind: AuthorizerAction(rawValue: action), arg1: s(a), arg2: s(b), database: s(c), trigger: s(d))
            // A name that is not UTF-8 (a Latin-1 identifier) keeps SQLite's bytes too.
            if [a, b, c, d].contains(where: { $0.map { String(validatingCString: $0) == nil } ?? false }) {
                event.bytes = [a, b, c, d].map { $0.map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } }
            }
            for observer in connection.observers { observer(event) }
            for restriction in connection.restrictions where !restriction(event) { return SQLITE_DENY }
            return connection.policy.map { $0(event) ? SQLITE_OK : SQLITE_DENY } ?? SQLITE_OK
        }, context)
    }

    private var policy: Authorizer?
    private var restrictions: [Authorizer] = []
    private var observers: [(AuthorizerEvent) -> Void] = []

    // MARK: The step limit

    /// The bound on virtual-machine steps per statement (`StepLimit`), nil for none. It
    /// holds only inside `limitingSteps`, around the statements of migration files: migsh's
    /// own statements (schema reads, digests, checks) are never stopped by it.
    public private(set) var stepLimit: StepLimit?
    /// True while `limitingSteps` runs.
    private var stepLimitArmed = false
    /// Steps the running statement has taken, counted by the progress handler; reset when a
    /// statement starts (`Statement.step`, `execute`).
    var stepsTaken: Int64 = 0
    /// Set by the progress handler when it stops a statement, until the error is made.
    private var stoppedAtStepLimit = false
    /// How many statements the step limit stopped on this connection.
    public private(set) var stepLimitStops = 0

    /// How often SQLite calls the progress handler, in steps.
    static let progressInterval: Int64 = 10_000

    /// Runs `body` (statements of a migration file) under the step limit, if one is set.
    public func limitingSteps<R>(_ body: () throws -> R) rethrows -> R {
        guard stepLimit != nil, !stepLimitArmed else { return try body() }
        stepLimitArmed = true
        stepsTaken = 0
        stoppedAtStepLimit = false
        defer {
            stepLimitArmed = false
            stoppedAtStepLimit = false
        }
        return try body()
    }

    /// Installs (or, with nil, removes) the step limit: a progress handler that interrupts a
    /// statement once it has taken more than `limit.steps` virtual-machine steps. The same
    /// handler stops any statement when Ctrl-C asked for a stop (`CancellationToken`).
    func setStepLimit(_ limit: StepLimit?) {
        stepLimit = limit
        installProgressHandler()
    }

    /// sqlite3's `.progress` on this connection (nil: off). It shares the one progress
    /// handler: Ctrl-C is checked first at every call, and while it counts (the user's SQL,
    /// `reportingProgress`), SQLite calls the handler every `report.interval` steps (as
    /// sqlite3 calls its own), else every `progressInterval` (or the step limit's). Off while migration SQL runs
    /// (`hardenedForMigrationSQL`); the connections that only run migration SQL never get one.
    public func reportProgress(_ report: ProgressReport?) {
        progressReport = report
        installProgressHandler()
    }

    /// The `.progress` report while on.
    public internal(set) var progressReport: ProgressReport?
    /// True inside `reportingProgress`: the report counts only the user's SQL.
    private var reportingActive = false

    /// Runs `body` (the user's SQL statements) with the `.progress` report counting and
    /// telling; outside it, migsh's own statements (its commands' queries, `.apply`, a
    /// backup) are neither counted nor stopped by `--limit`.
    ///
    /// SQLite calls the handler only every `.progress N` steps here, so with an N above
    /// `progressInterval` Ctrl-C is not left to it: a watching thread interrupts the statement
    /// as soon as the stop is asked for (`stoppingAtInterrupt`).
    public func reportingProgress<R>(_ body: () throws -> R) rethrows -> R {
        guard let report = progressReport, !reportingActive else { return try body() }
        reportingActive = true
        installProgressHandler()
        defer {
            reportingActive = false
            installProgressHandler()
        }
        guard Int64(report.interval) > Connection.progressInterval else { return try body() }
        return try stoppingAtInterrupt(body)
    }

    /// Runs `body` while a thread watches `CancellationToken.interrupt` and, once a stop is
    /// asked for (outside `finishing`), interrupts the statement running on this connection
    /// (`sqlite3_interrupt`: "safe to call from a thread different from the thread that is
    /// currently running the database operation", never on a connection that may close
    /// meanwhile — the thread lets go of it before this returns, and the connection is open
    /// until then). The statement fails with SQLITE_INTERRUPT, as when the progress handler
    /// stops it.
    func stoppingAtInterrupt<R>(_ body: () throws -> R) rethrows -> R {
        InterruptWatcher.shared.arm(handle)
        defer { InterruptWatcher.shared.disarm() }
        return try body()
    }

    /// The one progress handler: Ctrl-C, then the user's `.progress` (not while the step
    /// limit is armed), then the step limit.
    private func installProgressHandler() {
        let interval: Int64
        if reportingActive, let report = progressReport { interval = Int64(report.interval) }
        else { interval = stepLimit.map { max(1, min($0.steps, Connection.progressInterval)) } ?? Connection.progressInterval }
        progressStep = interval
        let context = Unmanaged.passUnretained(self).toOpaque()
        sqlite3_progress_handler(handle, Int32(interval), { ctx in
            if CancellationToken.interrupt.shouldStop { return 1 }
            guard let ctx else { return 0 }
            let connection = Unmanaged<Connection>.fromOpaque(ctx).takeUnretainedValue()
            if connection.reportingActive, !connection.stepLimitArmed, let report = connection.progressReport, report.tick() { return 1 }
            guard connection.stepLimitArmed, let limit = connection.stepLimit else { return 0 }
            connection.stepsTaken += connection.progressStep
            guard connection.stepsTaken > limit.steps else { return 0 }
            connection.stoppedAtStepLimit = true
            return 1
        }, context)
    }

    /// The steps between two calls of the progress handler.
    private var progressStep: Int64 = Connection.progressInterval
}

/// The thread of `Connection.stoppingAtInterrupt`, one for the process, started at its first
/// use. While a connection is armed it polls the token (a signal handler can only set it)
/// and, while a stop is asked for, interrupts that connection every 2 ms — SQLite forgets an
/// interrupt that comes between two statements when the next one starts, so it is said
/// again until the connection is disarmed. Unarmed, it waits without polling.
private final class InterruptWatcher: @unchecked Sendable {
    static let shared = InterruptWatcher()
    /// The armed connection; read and interrupted under `lock` only, so that `disarm()`
    /// returns only once the thread can no longer touch it.
    private var armed: OpaquePointer?
    private let lock = Lock()
    private let wake = DispatchSemaphore(value: 0)
    private let started = Atomic<Bool>(false)

    func arm(_ handle: OpaquePointer) {
        lock.withLock { armed = handle }
        if !started.exchange(true, ordering: .acquiringAndReleasing) { startThread { self.run() } }
        wake.signal()
    }

    func disarm() { lock.withLock { armed = nil } }

    private func run() {
        while true {
            wake.wait()
            while lock.withLock({ () -> Bool in
                guard let handle = armed else { return false }
                if CancellationToken.interrupt.shouldStop { sqlite3_interrupt(handle) }
                return true
            }) {
                usleep(2_000)
            }
        }
    }
}

public typealias Authorizer = (AuthorizerEvent) -> Bool

public struct AuthorizerEvent: Sendable {
    /// What the event is about (SQLite's action code, typed).
    public var kind: AuthorizerAction
    public var arg1: String?
    public var arg2: String?
    public var database: String?
    public var trigger: String?
    /// arg1, arg2, database and trigger as SQLite gave them, when one of them is not UTF-8
    /// (the strings above then hold U+FFFD in its place); nil otherwise.
    public var bytes: [[UInt8]?]? = nil
}

public struct ForeignKeyViolation: Hashable, Sendable, Codable {
    public var table: String
    public var rowid: Int64?
    public var parent: String
    public var foreignKeyIndex: Int
}

/// Quotes an SQL identifier with double quotes.
public func quoteIdentifier(_ name: String) -> String {
    "\"" + name.replacingAll("\"", with: "\"\"") + "\""
}

