import Crypto
import Foundation

/// The audit log: JSON Lines, append-only, mode 0600. Each line carries `seq`, a UTC `ts`
/// and `prev`, the SHA-256 of the previous line (all zeros for the first), so that an edited,
/// removed, inserted or reordered line breaks the chain.
public final class AuditLog {
    public let path: String
    private let fd: Int32
    private var seq: Int
    private var prev: String

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
        (seq, prev) = AuditLog.tail(of: path)
    }

    deinit { close(fd) }

    /// The last line's seq and hash.
    static func tail(of path: String) -> (Int, String) {
        guard let handle = FileHandle(forReadingAtPath: path) else { return (0, genesis) }
        defer { try? handle.close() }
        let size = (try? handle.seekToEnd()) ?? 0
        guard size > 0 else { return (0, genesis) }
        var window: UInt64 = 4096
        while true {
            let start = size > window ? size - window : 0
            try? handle.seek(toOffset: start)
            let data = handle.readDataToEndOfFile()
            var bytes = [UInt8](data)
            if bytes.last == UInt8(ascii: "\n") { bytes.removeLast() }
            if let nl = bytes.lastIndex(of: UInt8(ascii: "\n")) {
                let line = Array(bytes[(nl + 1)...])
                return (seqOf(line), sha256Hex(line))
            }
            if start == 0 { return (seqOf(bytes), sha256Hex(bytes)) }
            window *= 4
        }
    }

    static func seqOf(_ line: [UInt8]) -> Int {
        guard let object = try? JSONSerialization.jsonObject(with: Data(line)) as? [String: Any] else { return 0 }
        return object["seq"] as? Int ?? 0
    }

    /// Appends one entry. `fields` must be JSON-serializable (strings, numbers, bools, arrays,
    /// dictionaries, NSNull).
    public func append(_ event: String, _ fields: [String: Any] = [:]) throws {
        seq += 1
        var object = fields
        object["seq"] = seq
        object["ts"] = iso8601Now()
        object["prev"] = prev
        object["event"] = event
        let data = try JSONSerialization.data(withJSONObject: object, options: [.sortedKeys, .withoutEscapingSlashes])
        var line = [UInt8](data)
        let hash = sha256Hex(line)
        line.append(UInt8(ascii: "\n"))
        let written = line.withUnsafeBytes { write(fd, $0.baseAddress!, $0.count) }
        guard written == line.count else {
            seq -= 1
            throw MigshError(.audit, "cannot write the audit log \(path): \(String(cString: strerror(errno)))")
        }
        prev = hash
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
