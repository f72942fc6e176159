import Crypto
import Foundation

/// The audit log: JSON Lines, append-only, mode 0600. Each line carries `seq`, a UTC `ts`
/// and `prev`, the SHA-256 of the previous line (all zeros for the first), so that an edited,
/// removed, inserted or reordered line breaks the chain.
public final class AuditLog {
    public let path: String
    private let fd: Int32
    /// `PATH.head`: the last line's seq and hash, rewritten at every flush, so that lines cut
    /// from the end of the log — which a hash chain alone cannot see — are detected.
    private let headFD: Int32
    private var seq: Int
    private var prev: String

    public static func headPath(_ path: String) -> String { path + ".head" }

    public static let genesis = String(repeating: "0", count: 64)

    /// Opens (creating with 0600) the log for appending. An unwritable log is an error before
    /// anything runs, never a silent gap.
    public init(path: String) throws {
        self.path = path
        let fd = open(path, O_WRONLY | O_APPEND | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        guard fd >= 0 else {
            throw MigshError(.audit, "cannot open the audit log \(path): \(String(cString: strerror(errno)))",
                             details: ["Choose another file with --audit FILE."])
        }
        self.fd = fd
        // Best effort: a log whose folder is not writable (a log prepared by an administrator)
        // still works; only the detection of lines cut from its end is lost.
        headFD = open(AuditLog.headPath(path), O_WRONLY | O_CREAT | O_NOFOLLOW | O_CLOEXEC, 0o600)
        let tail = AuditLog.tail(of: path)
        (seq, prev) = (tail.seq, tail.hash)
        // A cut-off last line stays as evidence; new entries start on a line of their own.
        if !tail.endsWithNewline { pending.append(UInt8(ascii: "\n")) }
    }

    /// The last complete line's seq and hash, and whether the file ends with a newline.
    static func tail(of path: String) -> (seq: Int, hash: String, endsWithNewline: Bool) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return (0, genesis, true) }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        guard size > 0 else { return (0, genesis, true) }
        var window: UInt64 = 4096
        while true {
            let start = size > window ? size - window : 0
            try? handle.seek(toOffset: start)
            var bytes = [UInt8](handle.readDataToEndOfFile())
            let endsWithNewline = bytes.last == UInt8(ascii: "\n")
            // Drop an incomplete last line: the chain continues from the last complete one.
            if let nl = bytes.lastIndex(of: UInt8(ascii: "\n")) { bytes.removeSubrange(nl...) } else if start == 0 {
                return (0, genesis, endsWithNewline)
            } else {
                window *= 4
                continue
            }
            if let nl = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                let line = Array(bytes[(nl + 1)...])
                return (seqOf(line), sha256Hex(line), endsWithNewline)
            }
            if start == 0 { return bytes.isEmpty ? (0, genesis, endsWithNewline) : (seqOf(bytes), sha256Hex(bytes), endsWithNewline) }
            window *= 4
        }
    }

    static func seqOf(_ line: [UInt8]) -> Int {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return 0 }
        return object["seq"] as? Int ?? 0
    }

    /// Lines not yet written. Flushed when large, by `flush()` (the shell calls it after
    /// every command and statement that leaves no transaction open), and on close — so a
    /// long transaction does not pay a write per statement, and nothing that took effect
    /// goes unrecorded.
    private var pending: [UInt8] = []
    private static let flushThreshold = 256 * 1024

    deinit {
        try? flush()
        close(fd)
        if headFD >= 0 { close(headFD) }
    }

    /// Appends one entry. `fields` values: String, Int, Int64, Double, Bool, NSNull, arrays
    /// and dictionaries of those.
    public func append(_ event: String, _ fields: [String: Any] = [:]) throws {
        seq += 1
        var object = fields
        object["seq"] = seq
        object["ts"] = AuditLog.timestamp()
        object["prev"] = prev
        object["event"] = event
        var line: [UInt8] = []
        line.reserveCapacity(256)
        JSONLine.encode(object, into: &line)
        prev = sha256Hex(line)
        pending += line
        pending.append(UInt8(ascii: "\n"))
        if pending.count >= AuditLog.flushThreshold { try flush() }
    }

    /// The hot path for SQL statements: the same line `append("sql", …)` would write, built
    /// straight into the pending buffer — no dictionary, no dynamic casts, no per-line array.
    public func appendStatement(sql: String, outcome: String, rowsChanged: Int?, durationMS: Int, error: String? = nil) throws {
        seq += 1
        let start = pending.count
        func key(_ k: StaticString) {
            pending.append(pending.count == start ? UInt8(ascii: "{") : UInt8(ascii: ","))
            pending.append(UInt8(ascii: "\""))
            pending.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            pending.append(UInt8(ascii: "\""))
            pending.append(UInt8(ascii: ":"))
        }
        func quotedASCII(_ s: String) {
            pending.append(UInt8(ascii: "\""))
            pending.append(contentsOf: s.utf8)
            pending.append(UInt8(ascii: "\""))
        }
        key("duration_ms"); pending.append(contentsOf: String(durationMS).utf8)
        if let error { key("error"); JSONLine.encodeString(error, into: &pending) }
        key("event"); quotedASCII("sql")
        key("outcome"); JSONLine.encodeString(outcome, into: &pending)
        key("prev"); quotedASCII(prev)  // hex digits: nothing to escape
        if let rowsChanged { key("rows_changed"); pending.append(contentsOf: String(rowsChanged).utf8) }
        key("seq"); pending.append(contentsOf: String(seq).utf8)
        key("sql"); JSONLine.encodeString(sql, into: &pending)
        key("ts"); quotedASCII(AuditLog.timestamp())  // digits and separators only
        pending.append(UInt8(ascii: "}"))
        prev = pending.withUnsafeBytes { sha256Hex(UnsafeRawBufferPointer(rebasing: $0[start...])) }
        pending.append(UInt8(ascii: "\n"))
        if pending.count >= AuditLog.flushThreshold { try flush() }
    }

    /// Writes the pending lines (one `write` on an O_APPEND descriptor).
    public func flush() throws {
        guard !pending.isEmpty else { return }
        var offset = 0
        while offset < pending.count {
            let n = pending.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 {
                if errno == EINTR { continue }
                throw MigshError(.audit, "cannot write the audit log \(path): \(String(cString: strerror(errno)))")
            }
            offset += n
        }
        pending.removeAll(keepingCapacity: true)
        // Fixed width, written in place: "SEQ HASH\n".
        let seqText = String(seq)
        let head = Array((String(repeating: "0", count: max(0, 20 - seqText.count)) + seqText + " " + prev + "\n").utf8)
        if headFD >= 0 { _ = head.withUnsafeBytes { pwrite(headFD, $0.baseAddress!, $0.count, 0) } }
    }

    nonisolated(unsafe) private static var cachedSecond: Int = -1
    nonisolated(unsafe) private static var cachedPrefix = ""

    /// UTC `YYYY-MM-DDTHH:MM:SS.mmmZ`, without a formatter object per line; the part up to
    /// the second is cached (one thread writes the audit log).
    static func timestamp() -> String {
        var ts = timespec()
        clock_gettime(CLOCK_REALTIME, &ts)
        let ms = Int(ts.tv_nsec / 1_000_000)
        let msText = ms < 10 ? "00\(ms)" : (ms < 100 ? "0\(ms)" : "\(ms)")
        if Int(ts.tv_sec) == cachedSecond { return cachedPrefix + msText + "Z" }
        var t = ts.tv_sec
        var parts = tm()
        gmtime_r(&t, &parts)
        func pad(_ v: Int32, _ width: Int) -> String {
            let s = String(v)
            return String(repeating: "0", count: max(0, width - s.count)) + s
        }
        cachedPrefix = "\(pad(parts.tm_year + 1900, 4))-\(pad(parts.tm_mon + 1, 2))-\(pad(parts.tm_mday, 2))T\(pad(parts.tm_hour, 2)):\(pad(parts.tm_min, 2)):\(pad(parts.tm_sec, 2))."
        cachedSecond = Int(ts.tv_sec)
        return cachedPrefix + msText + "Z"
    }

    public struct Verification: Sendable, Codable {
        public var entries: Int
        /// The first line (1-based) where the chain breaks, and why.
        public var brokenAtLine: Int?
        public var reason: String?
        public var ok: Bool { brokenAtLine == nil }
    }

    public static func verify(path: String) throws -> Verification {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MigshError(.notFound, "cannot read the audit log \(path)")
        }
        var prev = genesis
        var expectedSeq = 1
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if data.last == UInt8(ascii: "\n") { lines.removeLast() } else if !data.isEmpty {
            return Verification(entries: lines.count, brokenAtLine: lines.count, reason: "the last line is incomplete (truncated file)")
        }
        for (i, line) in lines.enumerated() {
            guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else {
                return Verification(entries: lines.count, brokenAtLine: i + 1, reason: "not a JSON object")
            }
            if object["prev"] as? String != prev {
                return Verification(entries: lines.count, brokenAtLine: i + 1,
                                    reason: "prev does not match the SHA-256 of line \(i) (a line was edited, removed, inserted or reordered)")
            }
            if object["seq"] as? Int != expectedSeq {
                return Verification(entries: lines.count, brokenAtLine: i + 1,
                                    reason: "seq is \(object["seq"].map { "\($0)" } ?? "missing"), expected \(expectedSeq)")
            }
            prev = sha256Hex(Array(line))
            expectedSeq += 1
        }
        // The head names the last line written: fewer lines, or another last line, means the
        // end of the log was cut or edited.
        if let head = FileManager.default.contents(atPath: headPath(path)).flatMap({ String(data: $0, encoding: .utf8) }) {
            let parts = head.split(separator: " ")
            if parts.count == 2, let headSeq = Int(parts[0]) {
                let headHash = parts[1].trimmingCharacters(in: .whitespacesAndNewlines)
                if headSeq > expectedSeq - 1 {
                    return Verification(entries: lines.count, brokenAtLine: lines.count + 1,
                                        reason: "the log ends at seq \(expectedSeq - 1) but \((headPath(path) as NSString).lastPathComponent) records seq \(headSeq): lines were removed from the end")
                }
                if headSeq == expectedSeq - 1 && headHash != prev && headSeq > 0 {
                    return Verification(entries: lines.count, brokenAtLine: lines.count,
                                        reason: "the last line does not match the hash recorded in \((headPath(path) as NSString).lastPathComponent): it was edited")
                }
            }
        }
        return Verification(entries: lines.count, brokenAtLine: nil, reason: nil)
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
