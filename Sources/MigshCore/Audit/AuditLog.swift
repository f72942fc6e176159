import Crypto
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

    /// The first failed write of a batch written inside a transaction, for the next `flush()`
    /// to throw. Its lines stay pending and are written with the next batch.
    private var writeError: (any Error)?

    /// Pending lines, each stored as the bytes before its prev value, the bytes between prev
    /// and seq, and the bytes after seq: `head HEX middle SEQ tail`. Formatted when appended,
    /// into one buffer for all of them, so a statement's line costs no allocation; numbered and
    /// chained when written (`writePending`), under the log's lock.
    ///
    /// All of it happens on the caller's thread. A second thread that formatted and wrote the
    /// batches beside SQLite's work was tried (issue 25): it made the process multi-threaded,
    /// and from its first batch on glibc's malloc and every mutex of SQLite's allocator took
    /// their atomic paths — on a loaded machine that cost more than the audit work it moved.
    var pending: [UInt8] = []
    var pieces: [(head: Int, middle: Int, tail: Int)] = []
    /// The file's size after our last write; when it has not changed, nobody else appended
    /// and the tail we know is still the file's (no read).
    var knownSize: off_t = -1
    var lastSeq = 0
    var lastHash = AuditLog.genesis
    /// Inside a transaction, pending lines are written once they reach this size (the end of
    /// the transaction writes the rest: `flush()`).
    private static let flushThreshold = 256 * 1024
    private var writeAt = AuditLog.flushThreshold

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
        try? writePending()
        close(fd)
        if headFD >= 0 { close(headFD) }
    }

    // MARK: Appending

    /// Appends one entry: `{"event":…,"prev":…,"seq":…,"ts":…, <the record's fields>}`.
    public func append<R: AuditRecord>(_ record: R) throws {
        let fields = try AuditLog.fields(of: record)
        let piece = AuditLog.formatRecord(event: R.event, fields: fields, time: AuditLog.now(), into: &pending)
        pieces.append(piece)
        writeIfFull()
    }

    /// One SQL statement's entry (the hot path: one per statement of a script).
    public func appendStatement(sql: String, outcome: Audit.Outcome, rowsChanged: Int?, durationMS: Int, error: String? = nil) throws {
        let piece = AuditLog.formatStatement(sql: sql, outcome: outcome, rowsChanged: rowsChanged, durationMS: durationMS,
                                             error: error, time: AuditLog.now(), into: &pending)
        pieces.append(piece)
        writeIfFull()
    }

    static func now() -> timespec {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        return ts
    }

    /// Inside a long transaction: writes the pending lines once they fill a batch. A failed
    /// write keeps them pending, and the next `flush()` throws its error.
    private func writeIfFull() {
        guard pending.count >= writeAt else { return }
        do { try writePending() } catch { if writeError == nil { writeError = error } }
        // After a failed write (a full disk), the next try comes a batch later.
        writeAt = pending.count + AuditLog.flushThreshold
    }

    /// Writes every entry appended so far and returns once they are in the file; throws the
    /// error of any write since the last flush (its lines stay pending, retried next time).
    /// A session flushes before it ends.
    public func flush() throws {
        do { try writePending() } catch { if writeError == nil { writeError = error } }
        writeAt = pending.count + AuditLog.flushThreshold
        if let error = writeError {
            writeError = nil
            throw error
        }
    }

}
