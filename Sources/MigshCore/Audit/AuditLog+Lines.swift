import FoundationEssentials
import Glibc
import MigshBase

/// How an entry becomes a line: a record's fields (by hand or through JSONEncoder), a
/// statement's line written byte by byte (the hot path), and the timestamp; the chain's
/// `prev` and `seq` are left as slots for `AuditLog+Chain` to fill.
extension AuditLog {
    typealias Piece = (head: Int, middle: Int, tail: Int)

    /// A record's line appended to `out`, with its slots for prev and seq.
    static func formatRecord(event: String, fields: [UInt8], time: timespec, into out: inout [UInt8]) -> Piece {
        out.reserveCapacity(out.count + fields.count + 160)
        let start = out.count
        out.append(contentsOf: #"{"event":"#.utf8)
        JSONLine.encodeString(event, into: &out)
        out.append(contentsOf: #","prev":""#.utf8)
        let head = out.count - start
        out.append(contentsOf: #"","seq":"#.utf8)
        let middle = out.count - start - head
        out.append(contentsOf: #","ts":""#.utf8)
        AuditLog.appendTimestamp(time, into: &out)
        out.append(UInt8(ascii: "\""))
        // The record's own fields, without its braces.
        if fields.count > 2 {
            out.append(UInt8(ascii: ","))
            out.append(contentsOf: fields.dropFirst().dropLast())
        }
        out.append(UInt8(ascii: "}"))
        return (head, middle, out.count - start - head - middle)
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

    /// A statement's line built straight into `out` — no encoder, no dictionary, no per-line
    /// array — with its slots for prev and seq.
    static func formatStatement(sql: String, outcome: Audit.Outcome, rowsChanged: Int?, durationMS: Int, error: String?,
                                time: timespec, into out: inout [UInt8]) -> Piece {
        let start = out.count
        func key(_ k: StaticString, first: Bool = false, into out: inout [UInt8]) {
            if !first { out.append(UInt8(ascii: ",")) }
            out.append(UInt8(ascii: "\""))
            out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
            out.append(UInt8(ascii: "\""))
            out.append(UInt8(ascii: ":"))
        }
        out.append(UInt8(ascii: "{"))
        key("duration_ms", first: true, into: &out); appendDecimal(durationMS, into: &out)
        if let error { key("error", into: &out); JSONLine.encodeString(error, into: &out) }
        key("event", into: &out); out.append(contentsOf: #""sql""#.utf8)
        key("outcome", into: &out); JSONLine.encodeString(outcome.rawValue, into: &out)
        key("prev", into: &out); out.append(UInt8(ascii: "\""))
        let head = out.count - start
        out.append(UInt8(ascii: "\""))
        if let rowsChanged { key("rows_changed", into: &out); appendDecimal(rowsChanged, into: &out) }
        key("seq", into: &out)
        let middle = out.count - start - head
        key("sql", into: &out); JSONLine.encodeString(sql, into: &out)
        key("ts", into: &out); out.append(UInt8(ascii: "\""))
        AuditLog.appendTimestamp(time, into: &out)  // digits and separators only
        out.append(contentsOf: #""}"#.utf8)
        return (head, middle, out.count - start - head - middle)
    }

    /// `String(value)`'s digits appended to `out`, without the string.
    static func appendDecimal(_ value: Int, into out: inout [UInt8]) {
        if value < 0 {
            out.append(contentsOf: String(value).utf8)
            return
        }
        if value < 10 {
            out.append(UInt8(0x30 + value))
            return
        }
        var digits: (UInt64, UInt64, UInt64) = (0, 0, 0)   // 24 bytes: room for Int.max's 19 digits
        var v = value
        var n = 0
        withUnsafeMutableBytes(of: &digits) { buffer in
            while v > 0 {
                buffer[23 - n] = UInt8(0x30 + v % 10)
                v /= 10
                n += 1
            }
            out.append(contentsOf: UnsafeRawBufferPointer(rebasing: buffer[(24 - n)...]))
        }
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
