import FoundationEssentials
import MigshBase

/// The SQL that turns drifted objects that hold no data — indexes, views, triggers — back into
/// the expected schema's: missing ones created, changed ones dropped and created again, extra
/// ones dropped. Differences in tables (columns, types, constraints) hold data and are never
/// "repaired": they are listed as `unrepairable`.
public struct SchemaRepair: Sendable, Codable, Equatable {
    public struct Step: Sendable, Codable, Equatable {
        public enum Action: String, Sendable, Codable { case create, drop, recreate }
        public var action: Action
        public var kind: SchemaDiff.ObjectKind
        public var name: String
        /// The statements, in the order they run.
        public var sql: [String]
    }

    public var steps: [Step]
    /// Differences that hold data: a repair cannot make them.
    public var unrepairable: [SchemaDiff.Change]

    public var statements: [String] { steps.flatMap(\.sql) }
    public var isEmpty: Bool { steps.isEmpty }
    /// True when the repair makes the live schema the expected one.
    public var isComplete: Bool { unrepairable.isEmpty }

    public init(live: SchemaSnapshot, expected: SchemaSnapshot) {
        unrepairable = SchemaDiff(live: live, expected: expected).changes.filter { $0.kind == .table }
        // The compiler's part for objects that hold no data (SchemaMigration, shared with
        // `.new --from-diff` and `.rebuild`).
        steps = SchemaMigration.objectSteps(from: live, to: expected)
    }

    static func terminated(_ sql: String) -> String {
        let trimmed = sql.trimming(.whitespacesAndNewlines)
        return trimmed.hasSuffix(";") ? trimmed : trimmed + ";"
    }
}
