import FoundationEssentials
import MigshBase

/// What `.apply` would do: from the database's version to the required one.
public struct MigrationPlan: Sendable {
    public enum Status: Sendable, Equatable {
        case upToDate
        case pending(Int)
        case databaseNewer
    }

    public var currentVersion: Int
    public var requiredVersion: Int
    public var pending: [Migration]

    public var status: Status {
        if currentVersion == requiredVersion { return .upToDate }
        if currentVersion > requiredVersion { return .databaseNewer }
        return .pending(requiredVersion - currentVersion)
    }

    /// The spec's `get_pending_migrations`: every version from current+1 to required must
    /// have exactly one valid file.
    public init(folder: MigrationFolder, currentVersion: Int, requiredVersion: Int) throws {
        self.currentVersion = currentVersion
        self.requiredVersion = requiredVersion
        pending = []
        guard currentVersion < requiredVersion else { return }
        for version in (currentVersion + 1)...requiredVersion {
            guard let m = folder.migrations[version] else {
                let v3 = zeroPadded(version)
                // A file that exists but was rejected is not "missing": say what is wrong with it.
                let rejected = folder.errors.filter { ($0.file?.hasPrefix(v3 + "_") ?? false) || $0.message.contains("version \(v3)") }
                if let first = rejected.first {
                    throw MigshError(.migrationFolder, "version \(v3) cannot be used: \(first)",
                                     details: rejected.dropFirst().map(\.description))
                }
                throw MigshError(.migrationFolder, "missing migration file for version \(v3)",
                                 details: folder.errors.map(\.description))
            }
            pending.append(m)
        }
    }

    /// The required version: `--target`, else `--app-version` through the map, else the
    /// highest migration in the folder.
    public static func requiredVersion(folder: MigrationFolder, target: Int?, appVersion: String?) throws -> Int {
        if let target {
            guard target >= 0 else { throw MigshError(.usage, "the target version must be 0 or more") }
            if target > folder.highestVersion {
                throw MigshError(.usage, "target version \(target): the highest migration in \(folder.path) is \(folder.highestVersion)")
            }
            return target
        }
        if let appVersion { return try folder.appVersions.schemaVersion(forApp: appVersion) }
        return folder.highestVersion
    }
}
