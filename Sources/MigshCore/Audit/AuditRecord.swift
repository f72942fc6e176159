/// One kind of audit log entry: its event name and its own fields (the log adds `seq`, `ts`,
/// `prev` and `event`). Fields are written in snake_case, keys sorted.
public protocol AuditRecord: Encodable, Sendable {
    static var event: String { get }
    /// The record's fields written straight into `out` as JSONEncoder would write them
    /// (`"key":value` pairs, snake_case keys sorted, no braces); false to let JSONEncoder do it.
    /// The records every session writes (start, command, end) do it by hand: JSONEncoder's first
    /// use in a process costs more than a whole `.version` query.
    func appendFields(into out: inout [UInt8]) -> Bool
}

extension AuditRecord {
    public func appendFields(into out: inout [UInt8]) -> Bool { false }
}

/// `"key":value` pairs for `AuditRecord.appendFields`, with JSONEncoder's spelling of each value.
struct JSONFields {
    var out: [UInt8]
    private var first = true
    init(_ out: [UInt8]) { self.out = out }
    private mutating func key(_ k: StaticString) {
        if !first { out.append(UInt8(ascii: ",")) }
        first = false
        out.append(UInt8(ascii: "\""))
        out.append(contentsOf: UnsafeBufferPointer(start: k.utf8Start, count: k.utf8CodeUnitCount))
        out.append(contentsOf: #"":"#.utf8)
    }
    mutating func add(_ k: StaticString, _ v: String?) {
        guard let v else { return }
        key(k); JSONLine.encodeString(v, into: &out)
    }
    mutating func add(_ k: StaticString, _ v: Int?) {
        guard let v else { return }
        key(k); out.append(contentsOf: String(v).utf8)
    }
    mutating func add(_ k: StaticString, _ v: Bool) {
        key(k); out.append(contentsOf: (v ? "true" : "false").utf8)
    }
}

/// The audit log's entries, one type each (the contract's "every action").
public enum Audit {
    /// How an audited action ended.
    public enum Outcome: String, Sendable, Codable {
        case ok, error
        /// The user answered no to the confirmation.
        case declined
        /// Refused before it ran (safe mode, read-only).
        case refused
        /// Stopped by Ctrl-C; what it left is in the record's error text.
        case interrupted
    }

    public struct SessionStart: AuditRecord {
        public static let event = "session_start"
        public var user: String
        public var host: String
        public var pid: Int
        public var database: String
        public var migrations: String
        public var migshVersion: String
        public var readonly: Bool
        /// A scratch session: the original database its private copy was made from.
        public var scratchOf: String?
        public init(user: String, host: String, pid: Int, database: String, migrations: String, migshVersion: String, readonly: Bool,
                    scratchOf: String? = nil) {
            self.user = user; self.host = host; self.pid = pid; self.database = database
            self.migrations = migrations; self.migshVersion = migshVersion; self.readonly = readonly
            self.scratchOf = scratchOf
        }
        public func appendFields(into out: inout [UInt8]) -> Bool {
            var f = JSONFields(out); out = []
            f.add("database", database); f.add("host", host); f.add("migrations", migrations); f.add("migsh_version", migshVersion)
            f.add("pid", pid); f.add("readonly", readonly); f.add("scratch_of", scratchOf); f.add("user", user)
            out = f.out
            return true
        }
    }

    public struct SessionEnd: AuditRecord {
        public static let event = "session_end"
        public var exitCode: Int
        public var user: String
        public var pid: Int
        public var database: String
        public init(exitCode: Int, user: String, pid: Int, database: String) {
            self.exitCode = exitCode; self.user = user; self.pid = pid; self.database = database
        }
        public func appendFields(into out: inout [UInt8]) -> Bool {
            var f = JSONFields(out); out = []
            f.add("database", database); f.add("exit_code", exitCode); f.add("pid", pid); f.add("user", user)
            out = f.out
            return true
        }
    }

    /// A dot-command line and how it ended.
    public struct Command: AuditRecord {
        public static let event = "command"
        public var command: String
        public var outcome: Audit.Outcome
        public var error: String?
        public var durationMS: Int?
        public init(command: String, outcome: Audit.Outcome, error: String? = nil, durationMS: Int?) {
            self.command = command; self.outcome = outcome; self.error = error; self.durationMS = durationMS
        }
        public func appendFields(into out: inout [UInt8]) -> Bool {
            var f = JSONFields(out); out = []
            f.add("command", command); f.add("duration_ms", durationMS); f.add("error", error); f.add("outcome", outcome.rawValue)
            out = f.out
            return true
        }
    }

    /// SQLite (or the end of a script) rolled an open transaction back.
    public struct Rollback: AuditRecord {
        public static let event = "rollback"
        public var reason: String
        public var error: String?
        public init(reason: String, error: String? = nil) { self.reason = reason; self.error = error }
    }

    /// A change of schema or of recorded versions: `.apply`, `.restore`, `.baseline`, `.repair`.
    public struct Change: Sendable, Encodable {
        public var versionBefore: Int?
        public var versionAfter: Int?
        public var outcome: Audit.Outcome
        public var error: String?
        /// The verified backup taken before the change (`.restore`: of the state it replaced).
        public var backup: String?
        public init(versionBefore: Int?, versionAfter: Int?, outcome: Audit.Outcome, error: String? = nil, backup: String? = nil) {
            self.versionBefore = versionBefore; self.versionAfter = versionAfter; self.outcome = outcome
            self.error = error; self.backup = backup
        }
    }

    public struct Apply: AuditRecord {
        public static let event = "apply"
        public var change: Change
        public var target: Int
        public var applied: [String]
        public var resumed: Bool
        public init(change: Change, target: Int, applied: [String], resumed: Bool) {
            self.change = change; self.target = target; self.applied = applied; self.resumed = resumed
        }
        public func encode(to encoder: any Encoder) throws {
            try change.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(target, forKey: .target)
            try c.encode(applied, forKey: .applied)
            try c.encode(resumed, forKey: .resumed)
        }
        enum Keys: String, CodingKey { case target, applied, resumed }
    }

    public struct Restore: AuditRecord {
        public static let event = "restore"
        public var change: Change
        public var restoredFrom: String
        /// Set when the backup came from another database (restored with --from-other).
        public var fromOtherDatabase: String?
        public init(change: Change, restoredFrom: String, fromOtherDatabase: String? = nil) {
            self.change = change; self.restoredFrom = restoredFrom; self.fromOtherDatabase = fromOtherDatabase
        }
        public func encode(to encoder: any Encoder) throws {
            try change.encode(to: encoder)
            var c = encoder.container(keyedBy: Keys.self)
            try c.encode(restoredFrom, forKey: .restoredFrom)
            try c.encodeIfPresent(fromOtherDatabase, forKey: .fromOtherDatabase)
        }
        enum Keys: String, CodingKey { case restoredFrom, fromOtherDatabase }
    }

    public struct Baseline: AuditRecord {
        public static let event = "baseline"
        public var versionBefore: Int
        public var versionAfter: Int
        public var forced: Bool
        public var differences: Int
        public var unverified: Int
        public var createdVersionTable: Bool
        public var outcome: Audit.Outcome
        public var error: String?
        public init(versionBefore: Int, versionAfter: Int, forced: Bool, differences: Int, unverified: Int, createdVersionTable: Bool,
                    outcome: Audit.Outcome = .ok, error: String? = nil) {
            self.versionBefore = versionBefore; self.versionAfter = versionAfter; self.forced = forced
            self.differences = differences; self.unverified = unverified; self.createdVersionTable = createdVersionTable
            self.outcome = outcome; self.error = error
        }
    }

    public struct Repair: AuditRecord {
        public static let event = "repair"
        public var version: Int
        public var statements: [String]
        public var outcome: Audit.Outcome
        public var error: String?
        public var backup: String?
        public init(version: Int, statements: [String], outcome: Audit.Outcome, error: String? = nil, backup: String?) {
            self.version = version; self.statements = statements; self.outcome = outcome; self.error = error; self.backup = backup
        }
    }

    /// `.dump`: what was dumped and where the SQL text went (a file, `|command`, stdout).
    public struct Dump: AuditRecord {
        public static let event = "dump"
        public var patterns: [String]
        public var destination: String
        public var tables: Int
        public var rows: Int
        public var errors: Int
        public init(patterns: [String], destination: String, tables: Int, rows: Int, errors: Int) {
            self.patterns = patterns; self.destination = destination; self.tables = tables; self.rows = rows; self.errors = errors
        }
    }

    public struct Backup: AuditRecord {
        public static let event = "backup"
        public var backup: String
        public var schemaVersion: Int?
        public var sizeBytes: Int
        public init(backup: String, schemaVersion: Int?, sizeBytes: Int) {
            self.backup = backup; self.schemaVersion = schemaVersion; self.sizeBytes = sizeBytes
        }
    }

    public struct Check: AuditRecord {
        public static let event = "check"
        public var status: String
        public var currentVersion: Int?
        public var requiredVersion: Int?
        public var error: String?
        public init(status: String, currentVersion: Int? = nil, requiredVersion: Int? = nil, error: String? = nil) {
            self.status = status; self.currentVersion = currentVersion; self.requiredVersion = requiredVersion; self.error = error
        }
    }

    public struct Rehearsal: AuditRecord {
        public static let event = "test"
        public var versionBefore: Int
        public var versionReached: Int
        public var ok: Bool
        public init(versionBefore: Int, versionReached: Int, ok: Bool) {
            self.versionBefore = versionBefore; self.versionReached = versionReached; self.ok = ok
        }
    }

    public struct Open: AuditRecord {
        public static let event = "open"
        public var database: String
        public var backups: String
        public var audit: String
        public init(database: String, backups: String, audit: String) { self.database = database; self.backups = backups; self.audit = audit }
    }
}
