import FoundationEssentials

/// What happened to one database of a fleet run.
public struct FleetEntry: Sendable, Codable, Equatable {
    public enum Outcome: String, Sendable, Codable, CaseIterable {
        /// Exit 0.
        case ok
        /// `--check`: migrations are pending (exit 5).
        case pending
        /// The database is newer than the migrations (exit 3); left as it was.
        case tooNew = "too_new"
        /// A migration failed and the database was restored (exit 4).
        case restored
        /// Any other failure (exit 1): busy, damaged, refused, an SQL error.
        case failed
        /// Never started: the canary failed, the failure budget ran out, or Ctrl-C.
        case notStarted = "not_started"
        /// Stopped by a second Ctrl-C while it ran (exit 130): rolled back, left as it was.
        case interrupted

        /// The words of the summary.
        public var title: String {
            switch self {
            case .ok: return "ok"
            case .pending: return "pending"
            case .tooNew: return "too new"
            case .restored: return "migration failed, restored"
            case .failed: return "failed"
            case .notStarted: return "not started"
            case .interrupted: return "interrupted, left as it was"
            }
        }

        public init(_ status: ExitStatus) {
            switch status {
            case .success: self = .ok
            case .pending: self = .pending
            case .databaseTooNew: self = .tooNew
            case .migrationFailed: self = .restored
            case .interrupted: self = .interrupted
            default: self = .failed
            }
        }
    }

    public var host: String
    public var path: String
    public var versionBefore: Int?
    public var versionAfter: Int?
    public var outcome: Outcome
    public var exitCode: ExitStatus?
    /// Where the database stood, in words: "up to date at v8", "at v5, 3 pending",
    /// "partially applied: 006 through statement 4", "damaged", "busy".
    public var state: String
    /// The investigation's verdict (`Verdict.State`), when one was needed to name the state.
    public var verdict: String?
    public var durationMS: Int?
    /// Backups taken during the run.
    public var backups: [String]
    /// The first error, without its details.
    public var error: String?

    /// The report's names (snake case, as every JSON document migsh prints), spelled out so
    /// that a report reads back exactly (`--merge-reports`).
    enum CodingKeys: String, CodingKey {
        case host, path, outcome, state, verdict, backups, error
        case versionBefore = "version_before", versionAfter = "version_after", exitCode = "exit_code", durationMS = "duration_ms"
    }

    public init(host: String, path: String, versionBefore: Int? = nil, versionAfter: Int? = nil, outcome: Outcome,
                exitCode: ExitStatus? = nil, state: String, verdict: String? = nil, durationMS: Int? = nil,
                backups: [String] = [], error: String? = nil) {
        self.host = host
        self.path = path
        self.versionBefore = versionBefore
        self.versionAfter = versionAfter
        self.outcome = outcome
        self.exitCode = exitCode
        self.state = state
        self.verdict = verdict
        self.durationMS = durationMS
        self.backups = backups
        self.error = error
    }

    /// The group the summary puts it in, within its outcome: the move it made ("v3 → v8"),
    /// else the state it was found in.
    public var groupLabel: String {
        if outcome == .ok, let before = versionBefore, let after = versionAfter, before != after {
            return "v\(before) → v\(after)"
        }
        return state
    }
}

/// The report of a fleet run (`--json`), or of several merged (`--merge-reports`).
public struct FleetReport: Sendable, Codable {
    public var migshVersion: String
    /// The commands each database ran, as given.
    public var commands: [String]
    public var started: String
    public var durationMS: Int
    public var jobs: Int
    /// Why some databases were not started, if any were not.
    public var stopped: String?
    public var exitCode: ExitStatus
    public var counts: [String: Int]
    public var databases: [FleetEntry]

    enum CodingKeys: String, CodingKey {
        case commands, started, jobs, stopped, counts, databases
        case migshVersion = "migsh_version", durationMS = "duration_ms", exitCode = "exit_code"
    }

    public init(migshVersion: String, commands: [String], started: String, durationMS: Int, jobs: Int,
                stopped: String?, databases: [FleetEntry]) {
        self.migshVersion = migshVersion
        self.commands = commands
        self.started = started
        self.durationMS = durationMS
        self.jobs = jobs
        self.stopped = stopped
        self.databases = databases
        counts = Dictionary(grouping: databases, by: \.outcome.rawValue).mapValues(\.count)
        exitCode = FleetReport.exitCode(databases.map(\.exitCode), stopped: stopped)
    }

    /// The most severe status any database gave (`ExitStatus.mostSevere`).
    public static func exitCode(_ codes: [ExitStatus?], stopped: String?) -> ExitStatus {
        ExitStatus.mostSevere(codes, interrupted: stopped == FleetRunner<Int>.Stop.interrupted.rawValue, stopped: stopped != nil)
    }

    /// Several hosts' reports as one: every database (each entry names its host), the longest
    /// duration, the most severe exit code.
    public static func merged(_ reports: [FleetReport]) -> FleetReport {
        let stops = Set(reports.compactMap(\.stopped)).sorted()
        var merged = FleetReport(migshVersion: Set(reports.map(\.migshVersion)).sorted().joined(separator: ", "),
                                 commands: reports.first?.commands ?? [],
                                 started: reports.map(\.started).min() ?? "",
                                 durationMS: reports.map(\.durationMS).max() ?? 0,
                                 jobs: reports.map(\.jobs).reduce(0, +),
                                 stopped: stops.isEmpty ? nil : stops.joined(separator: ", "),
                                 databases: reports.flatMap(\.databases))
        merged.exitCode = FleetReport.exitCode(reports.map(\.exitCode), stopped: nil)
        return merged
    }

    /// The summary's groups: outcome (in order of severity, worst first), then the state or
    /// move, largest group first; each with its databases in the fleet's order.
    public var groups: [(outcome: FleetEntry.Outcome, groups: [(label: String, entries: [FleetEntry])])] {
        let order: [FleetEntry.Outcome] = [.restored, .failed, .interrupted, .tooNew, .notStarted, .pending, .ok]
        return order.compactMap { outcome in
            let entries = databases.filter { $0.outcome == outcome }
            guard !entries.isEmpty else { return nil }
            var labels: [String] = []
            var byLabel: [String: [FleetEntry]] = [:]
            for e in entries {
                if byLabel[e.groupLabel] == nil { labels.append(e.groupLabel) }
                byLabel[e.groupLabel, default: []].append(e)
            }
            let sorted = labels.sorted { (byLabel[$0]!.count, $1) > (byLabel[$1]!.count, $0) }
            return (outcome, sorted.map { ($0, byLabel[$0]!) })
        }
    }

    /// How many databases were at each schema version before and after (nil: unknown —
    /// damaged, busy, missing).
    public var versionHistogram: [(version: Int?, before: Int, after: Int)] {
        var before: [Int?: Int] = [:]
        var after: [Int?: Int] = [:]
        for e in databases {
            before[e.versionBefore, default: 0] += 1
            after[e.outcome == .notStarted ? e.versionBefore : e.versionAfter, default: 0] += 1
        }
        let versions = Set(before.keys).union(after.keys).sorted { ($0 ?? -1) < ($1 ?? -1) }
        return versions.map { ($0, before[$0] ?? 0, after[$0] ?? 0) }
    }
}
