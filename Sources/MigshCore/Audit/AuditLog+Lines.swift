import FoundationEssentials
import Glibc
import MigshBase

/// How an entry becomes a line: a record's fields (by hand or through JSONEncoder), a
/// statement's line written byte by byte (the hot path), and the timestamp; the chain's
/// `prev` and `seq` are left as slots for `AuditLog+Chain` to fill.
extension AuditLog {
    func format(_ batch: [Entry]) {
        for entry in batch {
            switch entry {
            case let .record(event, fields, time): formatRecord(event: event, fields: fields, time: time)
            case let .statement(sql, outcome, rowsChanged, durationMS, error, time):
                formatStatement(sql: sql, outcome: outcome, rowsChanged: rowsChanged, durationMS: durationMS, error: error, time: time)
            }
        }
    }

    func formatRecord(event: String, fields: [UInt8], time: timespec) {
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

    static let encoder: JSONEncoder = {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        e.keyEncodingStrategy = .convertToSnakeCase
        return e
    }()

    /// A statement's line built straight into the pending buffer — no encoder, no
    /// dictionary, no per-line array.
    func formatStatement(sql: String, outcome: Audit.Outcome, rowsChanged: Int?, durationMS: Int, error: String?, time: timespec) {
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

    nonisolated(unsafe) private static var cachedSecond: Int = -1
    nonisolated(unsafe) private static var cachedPrefix = ""
    /// A fleet run writes several audit logs at once, from several threads.
    private static let timestampLock = Lock()

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
}
