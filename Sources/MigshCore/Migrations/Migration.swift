import Crypto
import Foundation

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
    static func parseHeader(_ sql: String) -> [String: String] {
        var header: [String: String] = [:]
        for line in sql.split(separator: "\n", omittingEmptySubsequences: false) {
            let trimmed = line.trimmingCharacters(in: .whitespaces)
            if trimmed.isEmpty { continue }
            guard trimmed.hasPrefix("--") else { break }
            let body = trimmed.dropFirst(2).trimmingCharacters(in: .whitespaces)
            guard let colon = body.firstIndex(of: ":") else { continue }
            let key = body[..<colon].trimmingCharacters(in: .whitespaces)
            let value = body[body.index(after: colon)...].trimmingCharacters(in: .whitespaces)
            if !key.isEmpty, !key.contains(" "), header[key] == nil, !value.isEmpty { header[key] = value }
        }
        return header
    }
}

public func sha256Hex(_ data: some DataProtocol) -> String {
    let digits = Array("0123456789abcdef".utf8)
    var hex = [UInt8]()
    hex.reserveCapacity(64)
    for byte in SHA256.hash(data: data) {
        hex.append(digits[Int(byte >> 4)])
        hex.append(digits[Int(byte & 0x0f)])
    }
    return String(decoding: hex, as: UTF8.self)
}
