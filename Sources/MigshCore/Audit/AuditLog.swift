import Crypto
import Foundation

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
    private let fd: Int32
    /// `PATH.head`: the last line's seq and hash, rewritten at every flush, so that lines cut
    /// from the end of the log — which a hash chain alone cannot see — are detected.
    private let headFD: Int32

    public static func headPath(_ path: String) -> String { path + ".head" }

    public static let genesis = String(repeating: "0", count: 64)

    /// Entries handed over by the session, in order, not yet formatted. The session's thread
    /// only appends here; a batch that fills up (inside a long transaction) is formatted,
    /// chained (one SHA-256 per line) and written on `writer`, a serial queue: on a second
    /// core, beside SQLite's own work (a quarter of a 200,000-statement script when it was
    /// done inline). `flush()` writes the rest on the caller's thread, after any batch still
    /// in flight, so what is written when is unchanged.
    private enum Entry {
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
    private var pending: [UInt8] = []
    private var pieces: [(head: Int, middle: Int, tail: Int)] = []
    /// The file's size after our last write; when it has not changed, nobody else appended
    /// and the tail we know is still the file's (no read).
    private var knownSize: off_t = -1
    private var lastSeq = 0
    private var lastHash = AuditLog.genesis
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

    private func format(_ batch: [Entry]) {
        for entry in batch {
            switch entry {
            case let .record(event, fields, time): formatRecord(event: event, fields: fields, time: time)
            case let .statement(sql, outcome, rowsChanged, durationMS, error, time):
                formatStatement(sql: sql, outcome: outcome, rowsChanged: rowsChanged, durationMS: durationMS, error: error, time: time)
            }
        }
    }

    private func formatRecord(event: String, fields: [UInt8], time: timespec) {
        pending.reserveCapacity(pending.count + fields.count + 160)
        let start = pending.count
        pending.append(contentsOf: #"{"event":"#.utf8)
        JSONLine.encodeString(event, into: &pending)
        pending.append(contentsOf: #","prev":""#.utf8)
        let head = pending.count - start
        pending.append(contentsOf: #"","seq":"#.utf8)
        let middle = pending.count - start - head
        pending.append(contentsOf: #","ts":""#.utf8)
        AuditLog.appendTimestamp(time, into: &pending)
        pending.append(UInt8(ascii: "\""))
        // The record's own fields, without its braces.
        if fields.count > 2 {
            pending.append(UInt8(ascii: ","))
            pending.append(contentsOf: fields.dropFirst().dropLast())
        }
        pending.append(UInt8(ascii: "}"))
        pieces.append((head, middle, pending.count - start - head - middle))
    }

    /// The record's fields as one JSON object's text, `{…}` (`{}` when it has none).
    static func fields<R: AuditRecord>(of record: R) throws -> [UInt8] {
        var out: [UInt8] = [UInt8(ascii: "{")]
        if record.appendFields(into: &out) {
            out.append(UInt8(ascii: "}"))
            return out
        }
        return Array(try encoder.encode(record))
    }

    private static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        return e
    }()

    /// A statement's line built straight into the pending buffer — no encoder, no
    /// dictionary, no per-line array.
    private func formatStatement(sql: String, outcome: Audit.Outcome, rowsChanged: Int?, durationMS: Int, error: String?, time: timespec) {
        let start = pending.count
        func key(_ k: StaticString, first: Bool = false) {
            if !first { pending.append(UInt8(ascii: ",")) }
            pending.append(UInt8(ascii: "\""))
            pending.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            pending.append(UInt8(ascii: "\""))
            pending.append(UInt8(ascii: ":"))
        }
        pending.append(UInt8(ascii: "{"))
        key("duration_ms", first: true); pending.append(contentsOf: String(durationMS).utf8)
        if let error { key("error"); JSONLine.encodeString(error, into: &pending) }
        key("event"); pending.append(contentsOf: #""sql""#.utf8)
        key("outcome"); JSONLine.encodeString(outcome.rawValue, into: &pending)
        key("prev"); pending.append(UInt8(ascii: "\""))
        let head = pending.count - start
        pending.append(UInt8(ascii: "\""))
        if let rowsChanged { key("rows_changed"); pending.append(contentsOf: String(rowsChanged).utf8) }
        key("seq")
        let middle = pending.count - start - head
        key("sql"); JSONLine.encodeString(sql, into: &pending)
        key("ts"); pending.append(UInt8(ascii: "\""))
        AuditLog.appendTimestamp(time, into: &pending)  // digits and separators only
        pending.append(contentsOf: #""}"#.utf8)
        pieces.append((head, middle, pending.count - start - head - middle))
    }

    /// Writes the pending lines, chained after the file's own tail, under the log's lock.
    private func writePending() throws {
        guard !pieces.isEmpty else { return }
        // > flock() … places an advisory lock; LOCK_EX: only one process may hold it.
        while flock(fd, LOCK_EX) != 0 {
            if errno != EINTR { throw MigshError(.audit, "cannot lock the audit log \(path): \(String(cString: strerror(errno)))") }
        }
        defer { flock(fd, LOCK_UN) }

        var st = stat()
        fstat(fd, &st)
        var out: [UInt8] = []
        out.reserveCapacity(pending.count + pieces.count * 90 + 1)
        var gap: (seq: Int, hash: String)?
        var headMissing = false
        if st.st_size != knownSize {
            let tail = AuditLog.tail(fd: fd, size: st.st_size)
            (lastSeq, lastHash) = (tail.seq, tail.hash)
            // A line cut short (a writer killed mid-append) stays as evidence; ours start on
            // a line of their own.
            if !tail.endsWithNewline { out.append(UInt8(ascii: "\n")) }
            // The head is written after the lines: a head ahead of the file means entries were
            // removed from its end. Chaining on would hide that, so it is said first.
            let head = readHead()
            if let head, head.seq > tail.seq || (head.seq == tail.seq && head.seq > 0 && head.hash != tail.hash) {
                gap = head
            } else if head == nil, tail.seq > 0, headFD >= 0 {
                // A log with entries but no head (deleted, or never written): lines cut from
                // its end before now cannot be detected. The head written below would hide
                // that; it is said in the log first, so `.audit verify` warns.
                headMissing = true
            }
        }
        if headMissing {
            lastSeq += 1
            let lineStart = out.count
            out.append(contentsOf: #"{"event":"audit_head_missing","found_hash":"\#(lastHash)","found_seq":\#(lastSeq - 1),"prev":"\#(lastHash)","seq":\#(lastSeq),"ts":"\#(AuditLog.timestamp())"}"#.utf8)
            lastHash = out.withUnsafeBytes { sha256Hex(UnsafeRawBufferPointer(rebasing: $0[lineStart...])) }
            out.append(UInt8(ascii: "\n"))
        }
        if let gap {
            lastSeq += 1
            let lineStart = out.count
            out.append(contentsOf: #"{"event":"audit_gap","found_hash":"\#(lastHash)","found_seq":\#(lastSeq - 1),"head_hash":"\#(gap.hash)","head_seq":\#(gap.seq),"prev":"\#(lastHash)","seq":\#(lastSeq),"ts":"\#(AuditLog.timestamp())"}"#.utf8)
            lastHash = out.withUnsafeBytes { sha256Hex(UnsafeRawBufferPointer(rebasing: $0[lineStart...])) }
            out.append(UInt8(ascii: "\n"))
        }
        var offset = 0
        for piece in pieces {
            lastSeq += 1
            let lineStart = out.count
            out.append(contentsOf: pending[offset..<(offset + piece.head)])
            out.append(contentsOf: lastHash.utf8)
            out.append(contentsOf: pending[(offset + piece.head)..<(offset + piece.head + piece.middle)])
            out.append(contentsOf: String(lastSeq).utf8)
            out.append(contentsOf: pending[(offset + piece.head + piece.middle)..<(offset + piece.head + piece.middle + piece.tail)])
            lastHash = out.withUnsafeBytes { sha256Hex(UnsafeRawBufferPointer(rebasing: $0[lineStart...])) }
            out.append(UInt8(ascii: "\n"))
            offset += piece.head + piece.middle + piece.tail
        }
        var written = 0
        while written < out.count {
            let n = out.withUnsafeBytes { write(fd, $0.baseAddress! + written, $0.count - written) }
            if n < 0 {
                if errno == EINTR { continue }
                knownSize = -1
                throw MigshError(.audit, "cannot write the audit log \(path): \(String(cString: strerror(errno)))")
            }
            written += n
        }
        knownSize = st.st_size + off_t(out.count)
        pending.removeAll(keepingCapacity: true)
        pieces.removeAll(keepingCapacity: true)
        // Fixed width, written in place: "SEQ HASH\n".
        let seqText = String(lastSeq)
        let head = Array((String(repeating: "0", count: max(0, 20 - seqText.count)) + seqText + " " + lastHash + "\n").utf8)
        if headFD >= 0 { _ = head.withUnsafeBytes { pwrite(headFD, $0.baseAddress!, $0.count, 0) } }
    }

    /// The head file's seq and hash, if it has them.
    private func readHead() -> (seq: Int, hash: String)? {
        guard headFD >= 0 else { return nil }
        var bytes = [UInt8](repeating: 0, count: 86)
        let n = bytes.withUnsafeMutableBytes { pread(headFD, $0.baseAddress!, $0.count, 0) }
        guard n >= 86 else { return nil }
        let parts = String(decoding: bytes, as: UTF8.self).split(separator: " ")
        guard parts.count == 2, let seq = Int(parts[0]) else { return nil }
        return (seq, parts[1].trimmingASCIIWhitespace())
    }

    /// The last complete line's seq and hash, and whether the file ends with a newline.
    static func tail(fd: Int32, size: off_t) -> (seq: Int, hash: String, endsWithNewline: Bool) {
        guard size > 0 else { return (0, genesis, true) }
        var window: off_t = 4096
        while true {
            let start = size > window ? size - window : 0
            var bytes = [UInt8](repeating: 0, count: Int(size - start))
            let n = bytes.withUnsafeMutableBytes { pread(fd, $0.baseAddress!, $0.count, start) }
            guard n == bytes.count else { return (0, genesis, true) }
            let endsWithNewline = bytes.last == UInt8(ascii: "\n")
            // Drop an incomplete last line: the chain continues from the last complete one.
            if let nl = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                bytes.removeSubrange(nl...)
            } else if start == 0 {
                return (0, genesis, endsWithNewline)
            } else {
                window *= 4
                continue
            }
            if let nl = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                let line = Array(bytes[(nl + 1)...])
                if let seq = seqOf(line) { return (seq, sha256Hex(line), endsWithNewline) }
                // The last line is not one of ours (a cut line followed by a newline): look further back.
                if start == 0 { return lastGoodLine(bytes, endsWithNewline) }
                window *= 4
                continue
            }
            if start == 0 { return lastGoodLine(bytes, endsWithNewline) }
            window *= 4
        }
    }

    /// The last line of `bytes` that is an entry, for a log ending in cut lines.
    private static func lastGoodLine(_ bytes: [UInt8], _ endsWithNewline: Bool) -> (seq: Int, hash: String, endsWithNewline: Bool) {
        for line in bytes.split(separator: UInt8(ascii: "\n")).reversed() {
            if let seq = seqOf(Array(line)) { return (seq, sha256Hex(Array(line)), endsWithNewline) }
        }
        return (0, genesis, endsWithNewline)
    }

    /// The `seq` of an entry line, read without a JSON parser; nil for a line that is not one.
    static func seqOf(_ line: [UInt8]) -> Int? {
        guard line.first == UInt8(ascii: "{"), line.last == UInt8(ascii: "}") else { return nil }
        let key = Array(#""seq":"#.utf8)
        guard line.count > key.count else { return nil }
        for i in 0...(line.count - key.count) where line[i] == key[0] && Array(line[i..<(i + key.count)]) == key {
            var value = 0
            var j = i + key.count
            var digits = 0
            while j < line.count, line[j] >= 48, line[j] <= 57 { value = value * 10 + Int(line[j] - 48); j += 1; digits += 1 }
            return digits > 0 ? value : nil
        }
        return nil
    }

    nonisolated(unsafe) private static var cachedSecond: Int = -1
    nonisolated(unsafe) private static var cachedPrefix = ""
    /// A fleet run writes several audit logs at once, from several threads.
    private static let timestampLock = NSLock()

    nonisolated(unsafe) private static var cachedPrefixBytes: [UInt8] = []

    /// `timestamp()`'s bytes appended to `out` with no string in between (the hot path:
    /// one per SQL statement).
    static func appendTimestamp(_ ts: timespec, into out: inout [UInt8]) {
        timestampLock.lock()
        if Int(ts.tv_sec) != cachedSecond {
            timestampLock.unlock()
            out.append(contentsOf: timestamp(ts).utf8)   // sets the cache for this second
            return
        }
        out.append(contentsOf: cachedPrefixBytes)
        timestampLock.unlock()
        let ms = Int(ts.tv_nsec / 1_000_000)   // 0...999
        out.append(UInt8(0x30 + ms / 100))
        out.append(UInt8(0x30 + (ms / 10) % 10))
        out.append(UInt8(0x30 + ms % 10))
        out.append(UInt8(ascii: "Z"))
    }

    /// UTC `YYYY-MM-DDTHH:MM:SS.mmmZ`, without a formatter object per line; the part up to
    /// the second is cached.
    static func timestamp(_ ts: timespec = now()) -> String {
        let ms = Int(ts.tv_nsec / 1_000_000)
        let msText = ms < 10 ? "00\(ms)" : (ms < 100 ? "0\(ms)" : "\(ms)")
        timestampLock.lock()
        defer { timestampLock.unlock() }
        if Int(ts.tv_sec) == cachedSecond { return cachedPrefix + msText + "Z" }
        var t = ts.tv_sec
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        cachedPrefix = "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
        cachedPrefixBytes = Array(cachedPrefix.utf8)
        cachedSecond = Int(ts.tv_sec)
        return cachedPrefix + msText + "Z"
    }

    // MARK: Verifying

    public struct Verification: Sendable, Codable {
        public var entries: Int
        /// The first line (1-based) where the chain breaks, and why.
        public var brokenAtLine: Int?
        public var reason: String?
        /// Lines that are not entries but do not break the chain: appends cut short by a
        /// killed process (the next entry chains to the one before them).
        public var cutLines: [Int]
        /// What the chain cannot show: where the head file was missing, lines cut from the
        /// end of the log before that point would go unseen.
        public var warnings: [String] = []
        public var ok: Bool { brokenAtLine == nil }
    }

    public static func verify(path: String) throws -> Verification {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MigshError(.notFound, "cannot read the audit log \(path)")
        }
        var prev = genesis
        var expectedSeq = 1
        var entries = 0
        var cut: [Int] = []
        var warnings: [String] = []
        let headName = (headPath(path) as NSString).lastPathComponent
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if data.last == UInt8(ascii: "\n") || data.isEmpty { lines.removeLast() }
        func broken(_ line: Int, _ reason: String) -> Verification {
            Verification(entries: entries, brokenAtLine: line, reason: reason, cutLines: cut, warnings: warnings)
        }
        var afterLastEntry = 1
        for (i, line) in lines.enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                // Not an entry: an append cut short, if the chain goes on past it unbroken.
                cut.append(i + 1)
                continue
            }
            entries += 1
            if object["event"] as? String == "audit_head_missing" {
                let found = object["found_seq"] as? Int ?? 0
                warnings.append("the head file \(headName) was missing when line \(i + 1) was written: entries cut from the end of the log before it (after seq \(found)) cannot be detected — the tail up to there cannot be verified without the head")
            }
            if object["event"] as? String == "audit_gap" {
                let found = object["found_seq"] as? Int ?? 0, head = object["head_seq"] as? Int ?? 0
                return broken(afterLastEntry, head > found
                    ? "entries \(found + 1)–\(head) were removed from the end of the log (the next writer found it ending at seq \(found) where its head recorded \(head), and said so at line \(i + 1))"
                    : "entry \(found) was edited after it was written (the next writer found another hash than its head recorded, and said so at line \(i + 1))")
            }
            if object["prev"] as? String != prev {
                return broken(i + 1, "prev does not match the SHA-256 of the entry before it (a line was edited, removed, inserted or reordered)")
            }
            if object["seq"] as? Int != expectedSeq {
                return broken(i + 1, "seq is \(object["seq"].map { "\($0)" } ?? "missing"), expected \(expectedSeq)")
            }
            prev = sha256Hex(Array(line))
            expectedSeq += 1
            afterLastEntry = i + 2
        }
        // The head names the last entry written: fewer entries, or another last entry, means
        // the end of the log was cut or edited.
        let head = FileManager.default.contents(atPath: headPath(path)).flatMap({ String(data: $0, encoding: .utf8) })
        if entries > 0, (head ?? "").isEmpty {
            warnings.append("there is no head file \(headName): entries cut from the end of the log cannot be detected — its tail cannot be verified without the head")
        }
        if let head {
            let parts = head.split(separator: " ")
            if parts.count == 2, let headSeq = Int(parts[0]) {
                let headHash = parts[1].trimmingCharacters(in: .whitespacesAndNewlines)
                if headSeq > expectedSeq - 1 {
                    return broken(lines.count + 1, "the log ends at seq \(expectedSeq - 1) but \((headPath(path) as NSString).lastPathComponent) records seq \(headSeq): entries were removed from the end")
                }
                if headSeq == expectedSeq - 1 && headHash != prev && headSeq > 0 {
                    return broken(lines.count, "the last entry does not match the hash recorded in \((headPath(path) as NSString).lastPathComponent): it was edited")
                }
            }
        }
        return Verification(entries: entries, brokenAtLine: nil, reason: nil, cutLines: cut, warnings: warnings)
    }

    /// The last `count` lines of the log.
    public static func lastEntries(path: String, count: Int) throws -> [String] {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MigshError(.notFound, "cannot read the audit log \(path)")
        }
        let lines = data.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
        return Array(lines.suffix(count))
    }
}
