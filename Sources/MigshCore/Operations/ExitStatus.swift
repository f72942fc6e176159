/// The process's exit status: the CONTRACT's table, in one type, and every mapping from a
/// result to a status in this file (an error, `--check`'s version status, a fleet's databases).
///
/// A struct of static members rather than an enum: `.exit N` gives any status.
public struct ExitStatus: RawRepresentable, Hashable, Sendable, Codable, CustomStringConvertible {
    public var rawValue: Int32
    public init(rawValue: Int32) { self.rawValue = rawValue }

    public static let success = ExitStatus(rawValue: 0)
    /// An SQL error, a failed command, an unreadable file, a busy database.
    public static let failure = ExitStatus(rawValue: 1)
    /// An unknown option or a bad argument.
    public static let usage = ExitStatus(rawValue: 2)
    /// The database's schema is newer than the application requires.
    public static let databaseTooNew = ExitStatus(rawValue: 3)
    /// A migration failed; the database was restored.
    public static let migrationFailed = ExitStatus(rawValue: 4)
    /// `--check`: migrations are pending.
    public static let pending = ExitStatus(rawValue: 5)
    /// Ctrl-C, as a shell reports SIGINT (128 + 2).
    public static let interrupted = ExitStatus(rawValue: 130)

    public var description: String { String(rawValue) }

    /// The status an error ends a run with: 3 and 4 for their errors, an `ExitStatusCarrying`
    /// error's own (`.exit N`), 1 for every other.
    public init(_ error: any Error) {
        if let carrying = error as? any ExitStatusCarrying { self = carrying.exitStatus; return }
        switch (error as? MigshError)?.code {
        case .databaseTooNew?: self = .databaseTooNew
        case .migrationFailed?: self = .migrationFailed
        default: self = .failure
        }
    }

    /// `--check`: 0 up to date, 5 pending, 3 database newer, 1 when the folder has errors.
    public init(_ state: VersionStatus.State) {
        switch state {
        case .upToDate: self = .success
        case .pending: self = .pending
        case .databaseNewer: self = .databaseTooNew
        case .folderError: self = .failure
        }
    }

    /// Of a script's failures, the one the run ends with: the first, unless a later one is
    /// more than a plain failure (3, 4, or `.exit N`).
    public func keepingFirstFailure(_ next: ExitStatus) -> ExitStatus {
        self == .success || next.rawValue > 1 ? next : self
    }

    /// A fleet's status: the most severe any database gave (4, then 3, then 1, then 5 pending,
    /// then 0). A rollout that left databases unstarted is never a success: Ctrl-C makes it 130
    /// when nothing worse happened, any other stop 1.
    public static func mostSevere(_ statuses: [ExitStatus?], interrupted: Bool, stopped: Bool) -> ExitStatus {
        let ran = statuses.compactMap { $0 }
        for status in [ExitStatus.migrationFailed, .databaseTooNew] where ran.contains(status) { return status }
        if ran.contains(where: { $0 != .success && $0 != .pending && $0 != .interrupted }) { return .failure }
        if interrupted || ran.contains(.interrupted) { return .interrupted }
        if stopped { return .failure }
        return ran.contains(.pending) ? .pending : .success
    }
}

/// An error that ends the run with a status of its own (the shell's `.exit N`).
public protocol ExitStatusCarrying: Error {
    var exitStatus: ExitStatus { get }
}
