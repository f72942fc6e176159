import Crypto
import Dispatch
import FoundationEssentials
import Glibc

/// The audit log: JSON Lines, append-only, mode 0600. Each line carries `seq`, a UTC `ts`
/// and `prev`, the SHA-256 of the previous line (all zeros for the first), so that an edited,
/// removed, inserted or reordered line breaks the chain.
///
/// Several processes append to one log (an interactive shell, a support script, a cron job
/// running `--check`). Lines are therefore chained when they are written, not when they are
/// made: a flush takes an exclusive lock on the log (`flock`), reads the tail the file has
/// now — whoever wrote it — numbers and chains the pending lines after it, writes them in
/// one `write`, updates the head file, and unlocks. `seq` and `prev` follow the file, never
/// one process's memory.
public final class AuditLog: @unchecked Sendable {
    public let path: String
    let fd: Int32
    /// `PATH.head`: the last line's seq and hash, rewritten at every flush, so that lines cut
    /// from the end of the log — which a hash chain alone cannot see — are detected.
    let headFD: Int32

    public static func headPath(_ path: String) -> String { path + ".head" }

    public static let genesis = String(repeating: "0", count: 64)

    /// Entries handed over by the session, in order, not yet formatted. The session's thread
    /// only appends here; a batch that fills up (inside a long transaction) is formatted,
    /// chained (one SHA-256 per line) and written on `writer`, a serial queue: on a second
    /// core, beside SQLite's own work (a quarter of a 200,000-statement script when it was
    /// done inline). `flush()` writes the rest on the caller's thread, after any batch still
    /// in flight, so what is written when is unchanged.
    enum Entry {
        case record(event: String, fields: [UInt8], time: timespec)
        case statement(sql: String, outcome: Audit.Outcome, rowsChanged: Int?, durationMS: Int, error: String?, time: timespec)
    }
    @exclusivity(unchecked) private var entries: [Entry] = []
    @exclusivity(unchecked) private var entryBytes = 0
    private let writer = DispatchQueue(label: "migsh.audit")
    /// The first failed write of a batch handed over, for the next `flush()` to throw
    /// (writer-owned). Its lines stay pending and are written with the next batch.
    private var writerError: (any Error)?

    // The rest is owned by `writer` (and by deinit, when no batch can be in flight).

    /// Pending lines, each stored as the bytes before its prev value, the bytes between prev
    /// and seq, and the bytes after seq: `head HEX middle SEQ tail`. One buffer for all of
    /// them, so a statement's line costs no allocation.
    var pending: [UInt8] = []
    var pieces: [(head: Int, middle: Int, tail: Int)] = []
    /// The file's size after our last write; when it has not changed, nobody else appended
    /// and the tail we know is still the file's (no read).
    var knownSize: off_t = -1
    var lastSeq = 0
    var lastHash = AuditLog.genesis
    private static let flushThreshold = 256 * 1024

    /// Opens (creating with 0600) the log for appending. An unwritable log is an error before
    /// anything runs, never a silent gap.
    public init(path: String) throws {
        self.path = path
        let fd = PrivateFile.open(path, O_RDWR | O_APPEND)
        guard fd >= 0 else {
            var error = MigshError(.audit, "cannot open the audit log \(path): \(String(cString: strerror(errno)))")
            error.hints = [.chooseAuditLog]
            throw error
        }
        self.fd = fd
        // A log that is not a regular file (`--audit /dev/null`, a pipe) has no end to guard:
        // no head file beside it (root could otherwise create `/dev/null.head`).
        var info = stat()
        guard fstat(fd, &info) == 0, info.st_mode & S_IFMT == S_IFREG else {
            headFD = -1
            return
        }
        // Best effort: a log whose folder is not writable (a log prepared by an administrator)
        // still works; only the detection of lines cut from its end is lost.
        headFD = PrivateFile.open(AuditLog.headPath(path), O_RDWR)
    }

    /// A log that keeps nothing, for a database that leaves no file behind (`:memory:`):
    /// its lines go to /dev/null, and no head file is made.
    public static func discarding() throws -> AuditLog { try AuditLog(devNull: ()) }

    private init(devNull: Void) throws {
        path = "/dev/null"
        fd = open("/dev/null", O_WRONLY | O_APPEND | O_CLOEXEC)
        guard fd >= 0 else { throw MigshError(.audit, "cannot open /dev/null: \(String(cString: strerror(errno)))") }
        headFD = -1
    }

    deinit {
        // No batch is in flight (each holds the log), and this may run on `writer` itself
        // (the last batch released the log): write what is left here, not through the queue.
        format(entries)
        try? writePending()
        close(fd)
        if headFD >= 0 { close(headFD) }
    }

    // MARK: Appending

    /// Appends one entry: `{"event":…,"prev":…,"seq":…,"ts":…, <the record's fields>}`.
    public func append<R: AuditRecord>(_ record: R) throws {
        let fields = try AuditLog.fields(of: record)
        entries.append(.record(event: R.event, fields: fields, time: AuditLog.now()))
        entryBytes += fields.count + 160
        if entryBytes >= AuditLog.flushThreshold { handOver() }
    }

    /// One SQL statement's entry (the hot path: one per statement of a script).
    public func appendStatement(sql: String, outcome: Audit.Outcome, rowsChanged: Int?, durationMS: Int, error: String? = nil) throws {
        entries.append(.statement(sql: sql, outcome: outcome, rowsChanged: rowsChanged, durationMS: durationMS, error: error,
                                  time: AuditLog.now()))
        entryBytes += sql.utf8.count + 200
        if entryBytes >= AuditLog.flushThreshold { handOver() }
    }

    static func now() -> timespec {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return ts
    }

    /// Gives the entries so far to `writer`.
    private func handOver() {
        guard !entries.isEmpty else { return }
        let batch = entries
        entries = []
        entries.reserveCapacity(batch.count)
        entryBytes = 0
        writer.async { [self] in
            format(batch)
            do { try writePending() } catch { if writerError == nil { writerError = error } }
        }
    }

    /// Writes every entry appended so far, and waits until they are in the file; throws the
    /// error of any write since the last flush (its lines stay pending, retried next time).
    /// A session flushes before it ends: batches still on the writer when the process exits
    /// would be lost.
    public func flush() throws {
        // On the caller's thread (a sync on an idle serial queue runs the block right here,
        // after any batch still in flight): an autocommit script flushes after every
        // statement, and a hop to another thread and back for each cost more than the line.
        // (The caller waits, so the writer may read `entries` and keep their storage.)
        try writer.sync {
            format(entries)
            entries.removeAll(keepingCapacity: true)
            entryBytes = 0
            do { try writePending() } catch { if writerError == nil { writerError = error } }
            if let error = writerError {
                writerError = nil
                throw error
            }
        }
    }

}
