/// What state a database is in, judged from every piece of evidence — the live schema against
/// the schema each version and each statement prefix of the migrations produces,
/// `Schema_Version`, migsh's own record of what it applied, and the data itself where it can
/// settle a question surely — and the ways out, the recommended one first.
public struct Verdict: Sendable {
    public enum State: String, Sendable, Codable {
        /// The schema is the one Schema_Version records, and its rows are sound.
        case consistent
        /// The schema is a later version's: the version rows for it are missing.
        case versionRowsMissing = "version_rows_missing"
        /// Version rows were inserted without their migrations' changes.
        case versionRowsWithoutChanges = "version_rows_without_changes"
        /// One migration ran in part.
        case partial
        /// Schema_Version is gone from a database that has the tables of some version.
        case versionTableMissing = "version_table_missing"
        /// Schema_Version holds rows migsh cannot trust: a gap, a non-integer, NULL or duplicate.
        case versionRowsInvalid = "version_rows_invalid"
        /// Hand-made changes to objects that hold no data (indexes, views, triggers).
        case drift
        /// The schema matches no version and no partially applied migration.
        case unknown
        /// SQLite reports the database damaged.
        case damaged
    }

    public struct Partial: Sendable, Codable, Equatable {
        public var version: Int
        public var file: String
        /// Statements of the body (BEGIN/COMMIT excluded) whose schema effect is present:
        /// through the last schema-changing statement that ran.
        public var statementsApplied: Int
        public var statementsTotal: Int
        /// Line of the last applied statement.
        public var line: Int
        /// The statement numbers whose effect the schema cannot show (INSERT, UPDATE, DELETE,
        /// a rebuild's copy), wherever they stand in the migration.
        public var unverifiable: [Int]
    }

    public var state: State
    public var recordedVersion: Int
    /// The version whose expected schema equals the live one (the recorded one if several do).
    public var matchesVersion: Int?
    public var partial: Partial?
    /// The version with the fewest differences, when nothing matches exactly.
    public var nearestVersion: Int?
    public var nearestDifferences: Int?
    /// What is wrong with Schema_Version's rows, if anything.
    public var versionProblems: [SchemaVersionTable.Problem]
    /// Per-statement evidence for the migrations a way out would run or record.
    public var evidence: [MigrationEvidence]
    public var message: String
    /// The ways out, the recommended one first. Empty when nothing needs doing.
    public var wayOut: [WayOut]
    /// Set when no way out assumes and loses nothing: why not.
    public var noSafeOption: String?
    /// What `.apply --resume` runs, when the evidence settles every statement it would skip.
    public var resume: ResumePlan?
    /// What `.repair` runs, when the only differences are objects that hold no data.
    public var repair: SchemaRepair?
    /// Applied migration files that were edited after migsh applied them: the expected
    /// schemas are built from the files as they are now, so no way out is proven.
    public var editedFiles: [String] = []

    /// The recommended way out, when one assumes and loses nothing.
    public var safeOption: WayOut? { wayOut.first.flatMap { $0.safety == .safe ? $0 : nil } }
}

/// One way out of a state: an action, what must be true for it to be right, and what it
/// discards. The shell renders the action as the dot-command that performs it.
public struct WayOut: Sendable, Equatable {
    public enum Action: Sendable, Equatable {
        /// Finish what has not run, judged statement by statement (`.apply --resume`).
        case resume
        /// Record versions up to N as applied without running them (`.baseline N`).
        case baseline(version: Int, force: Bool)
        /// Recreate drifted indexes, views and triggers from the expected schema (`.repair`).
        case repair
        /// Restore a verified backup of this database (`.restore FILE`).
        case restore(BackupStore.Backup)
    }

    /// Whether it can be recommended as it is: it assumes nothing and loses nothing, or it is
    /// right only under assumptions and at a cost, which the user must weigh.
    public enum Safety: Sendable, Equatable {
        case safe
        /// `assumes`: what must be true for it to be right; `loses`: what it discards.
        case conditional(assumes: [String], loses: [String])
    }

    public var action: Action
    /// What it does, in words.
    public var effect: String
    public private(set) var safety: Safety

    public init(action: Action, effect: String, safety: Safety) {
        self.action = action; self.effect = effect; self.safety = safety
    }

    /// What must be true for it to be right; empty when nothing.
    public var assumes: [String] {
        if case .conditional(let assumes, _) = safety { return assumes }
        return []
    }
    /// What it discards; empty when nothing.
    public var loses: [String] {
        if case .conditional(_, let loses) = safety { return loses }
        return []
    }

    /// It is right only if `assumption` holds too (a safe way out is then no longer safe).
    public mutating func assume(_ assumption: String) {
        guard !assumes.contains(assumption) else { return }
        safety = .conditional(assumes: assumes + [assumption], loses: loses)
    }
}

/// The statements `.apply --resume` runs: for each migration from the first one not complete,
/// the statements the evidence shows have not run, in file order; the schema must then be
/// the expected one of `endVersion` before anything is committed.
public struct ResumePlan: Sendable {
    public struct Step: Sendable {
        public var version: Int
        /// Body statement numbers to run (the Schema_Version insert only when its row is missing).
        public var statements: Set<Int>
        /// Body statement numbers skipped because they ran (or running them changes nothing).
        public var skipped: [Int]
        /// Stale copies: before running statement N, the table it fills is emptied (rows and
        /// AUTOINCREMENT counter), as it was right after its CREATE TABLE.
        public var refills: [Int: String] = [:]
    }
    public var steps: [Step]
    public var endVersion: Int
    public var expectedSchema: SchemaSnapshot
}
