import Crypto
import FoundationEssentials

/// One numbered migration file, `NNN_description.sql`.
public struct Migration: Sendable, Equatable {
    public var version: Int
    /// The description from the file name, underscores as spaces.
    public var name: String
    public var fileName: String
    public var path: String
    public var sql: String
    /// Lower-case hex SHA-256 of the file's bytes.
    public var sha256: String
    /// `-- Key: value` header comments (Description, Version, Date, Author, …).
    public var header: [String: String]

    /// The human description: the header's `Description:` if present, else the file name's.
    public var description: String { header["Description"] ?? name }

    public init(version: Int, name: String, fileName: String, path: String, sql: String, sha256: String) {
        self.version = version
        self.name = name
        self.fileName = fileName
        self.path = path
        self.sql = sql
        self.sha256 = sha256
        self.header = Migration.parseHeader(sql)
    }

    /// Reads `-- Key: value` lines from the comment block at the top of the file.
    /// The `-- Key: value` lines at the top of a file, up to the first line that is neither
    /// blank nor a comment (read line by line: the rest of the file is never split).
    static func parseHeader(_ sql: String) -> [String: String] {
        var header: [String: String] = [:]
        let bytes = Array(sql.utf8)
        func isSpace(_ c: UInt8) -> Bool { c == 0x20 || c == 0x09 || c == 0x0d }
        func trimmed(_ s: ArraySlice<UInt8>) -> ArraySlice<UInt8> {
            var s = s
            while let f = s.first, isSpace(f) { s = s.dropFirst() }
            while let l = s.last, isSpace(l) { s = s.dropLast() }
            return s
        }
        var start = 0
        while start < bytes.count {
            var end = start
            while end < bytes.count && bytes[end] != 0x0a { end += 1 }
            let line = trimmed(bytes[start..<end])
            start = end + 1
            if line.isEmpty { continue }
            guard line.count >= 2, line[line.startIndex] == 0x2d, line[line.startIndex + 1] == 0x2d else { break }
            let body = trimmed(line.dropFirst(2))
            guard let colon = body.firstIndex(of: UInt8(ascii: ":")) else { continue }
            let key = trimmed(body[..<colon])
            let value = trimmed(body[(colon + 1)...])
            if !key.isEmpty, !key.contains(0x20), !value.isEmpty {
                let k = String(decoding: key, as: UTF8.self)
                if header[k] == nil { header[k] = String(decoding: value, as: UTF8.self) }
            }
        }
        return header
    }
}

public func sha256Hex(_ data: some DataProtocol) -> String {
    // Written straight into the string's storage: the audit log hashes every line.
    let digest = SHA256.hash(data: data)
    return String(unsafeUninitializedCapacity: 64) { buffer in
        var i = 0
        for byte in digest {
            let high = byte >> 4, low = byte & 0x0f
            buffer[i] = high < 10 ? 0x30 + high : 0x57 + high
            buffer[i + 1] = low < 10 ? 0x30 + low : 0x57 + low
            i += 2
        }
        return 64
    }
}
