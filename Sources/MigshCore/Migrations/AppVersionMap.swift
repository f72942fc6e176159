import FoundationEssentials
import Glibc
import MigshBase

/// The application-version → schema-version map shipped beside the migrations (spec §6.1).
public struct AppVersionMap: Sendable {
    public var entries: [(app: String, schema: Int)]

    public init(entries: [(app: String, schema: Int)]) { self.entries = entries }

    public static func load(_ path: String) throws -> AppVersionMap {
        guard let bytes = try? MigrationFolder.readRegularFile(path) else {
            throw MigshError(.io, "cannot read \(path)")
        }
        let data = TextFile.withoutByteOrderMark(bytes)
        let object: [String: Any]
        if let pairs = simplePairs(Array(data)) {
            object = pairs
        } else {
            guard let parsed = JSONReader.object(data) else {
                throw MigshError(.migrationFolder, "not a JSON object of \"X.Y.Z\": version pairs")
            }
            object = parsed
        }
        // Labelled as the stored property is: an unlabelled list was converted by a forced
        // array cast, whose types are looked up at run time at every start (issue 25).
        var entries: [(app: String, schema: Int)] = []
        for (key, value) in object {
            guard parse(key) != nil else {
                throw MigshError(.migrationFolder, "application version \"\(key)\" is not X.Y.Z")
            }
            guard let n = value as? Int, n >= 0 else {
                throw MigshError(.migrationFolder, "schema version for \(key) is not a whole number")
            }
            entries.append((key, n))
        }
        entries.sort { parse($0.app)!.lexicographicallyPrecedes(parse($1.app)!) }
        return AppVersionMap(entries: entries)
    }

    /// The usual file, `{"1.0.0": 1, …}` (keys of digits and dots, values of digits, no
    /// repeated key), read without JSONSerialization, whose first use costs a millisecond at
    /// every start. Anything else is nil, and JSONSerialization reads it (and reports errors).
    static func simplePairs(_ b: [UInt8]) -> [String: Any]? {
        var i = 0
        func skipSpace() { while i < b.count, b[i] == 32 || b[i] == 9 || b[i] == 10 || b[i] == 13 { i += 1 } }
        func expect(_ c: Character) -> Bool {
            skipSpace()
            guard i < b.count, b[i] == c.asciiValue! else { return false }
            i += 1
            return true
        }
        guard expect("{") else { return nil }
        var pairs: [String: Any] = [:]
        if expect("}") { skipSpace(); return i == b.count ? pairs : nil }
        repeat {
            guard expect("\"") else { return nil }
            let start = i
            while i < b.count, (b[i] >= 48 && b[i] <= 57) || b[i] == 46 { i += 1 }
            guard i < b.count, b[i] == 34 else { return nil }
            let key = String(decoding: b[start..<i], as: UTF8.self)
            i += 1
            guard expect(":") else { return nil }
            skipSpace()
            let digits = i
            while i < b.count, b[i] >= 48, b[i] <= 57 { i += 1 }
            // JSON has no leading zeros; a long number is left to JSONSerialization.
            guard i > digits, i - digits < 10, b[digits] != 48 || i - digits == 1,
                  i == b.count || !(b[i] == 46 || b[i] == 101 || b[i] == 69),
                  pairs[key] == nil else { return nil }
            pairs[key] = Int(String(decoding: b[digits..<i], as: UTF8.self))!
        } while expect(",")
        guard expect("}") else { return nil }
        skipSpace()
        return i == b.count ? pairs : nil
    }

    static func parse(_ version: String) -> [Int]? {
        let parts = version.split(separator: ".", omittingEmptySubsequences: false)
        guard parts.count == 3 else { return nil }
        let numbers = parts.compactMap { Int($0) }
        return numbers.count == 3 && numbers.allSatisfy { $0 >= 0 } ? numbers : nil
    }

    /// The schema version an application version requires.
    public func schemaVersion(forApp app: String) throws -> Int {
        guard AppVersionMap.parse(app) != nil else {
            throw MigshError(.usage, "an application version is X.Y.Z, got \"\(app)\"")
        }
        guard let entry = entries.first(where: { $0.app == app }) else {
            let known = entries.map(\.app).joined(separator: ", ")
            throw MigshError(.usage, "application version \(app) is not in \(MigrationFolder.appVersionsFileName)"
                             + (known.isEmpty ? "" : " (known: \(known))"))
        }
        return entry.schema
    }
}
