import Foundation

/// The application-version → schema-version map shipped beside the migrations (spec §6.1).
public struct AppVersionMap: Sendable {
    public var entries: [(app: String, schema: Int)]

    public init(entries: [(app: String, schema: Int)]) { self.entries = entries }

    public static func load(_ path: String) throws -> AppVersionMap {
        guard let data = FileManager.default.contents(atPath: path) else {
            throw MigshError(.io, "cannot read \(path)")
        }
        guard let object = try? JSONSerialization.jsonObject(with: data) as? [String: Any] else {
            throw MigshError(.migrationFolder, "not a JSON object of \"X.Y.Z\": version pairs")
        }
        var entries: [(String, Int)] = []
        for (key, value) in object {
            guard parse(key) != nil else {
                throw MigshError(.migrationFolder, "application version \"\(key)\" is not X.Y.Z")
            }
            guard let n = value as? Int, n >= 0 else {
                throw MigshError(.migrationFolder, "schema version for \(key) is not a whole number")
            }
            entries.append((key, n))
        }
        entries.sort { parse($0.0)!.lexicographicallyPrecedes(parse($1.0)!) }
        return AppVersionMap(entries: entries)
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
