import Foundation

/// The SQL that turns drifted objects that hold no data — indexes, views, triggers — back into
/// the expected schema's: missing ones created, changed ones dropped and created again, extra
/// ones dropped. Differences in tables (columns, types, constraints) hold data and are never
/// "repaired": they are listed as `unrepairable`.
public struct SchemaRepair: Sendable, Codable, Equatable {
    public struct Step: Sendable, Codable, Equatable {
        public enum Action: String, Sendable, Codable { case create, drop, recreate }
        public var action: Action
        public var kind: String
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
        var drops: [(order: Int, step: Step)] = []
        var creates: [(order: Int, step: Step)] = []
        unrepairable = SchemaDiff(live: live, expected: expected).changes.filter { $0.kind == "table" }

        // Drops first (triggers, then views newest first, then indexes), creates after
        // (indexes, then views in their creation order, then triggers), so that a view that
        // uses another view, or a trigger that uses a view, finds it.
        func plan(kind: String, rank: Int, live l: [String: String], expected e: [String: String],
                  livePosition: [String: Int], expectedPosition: [String: Int], same: (String) -> Bool) {
            for key in Set(l.keys).union(e.keys).sorted() {
                let dropSQL = "DROP \(kind.uppercased()) IF EXISTS main.\(quoteIdentifier(key));"
                switch (l[key], e[key]) {
                case (_?, nil):
                    drops.append((rank * 1_000_000 - (livePosition[key] ?? 0), Step(action: .drop, kind: kind, name: key, sql: [dropSQL])))
                case (nil, let create?):
                    creates.append((rank * 1_000_000 + (expectedPosition[key] ?? 0),
                                    Step(action: .create, kind: kind, name: key, sql: [Self.terminated(create)])))
                case (_?, let create?) where !same(key):
                    drops.append((rank * 1_000_000 - (livePosition[key] ?? 0), Step(action: .recreate, kind: kind, name: key, sql: [dropSQL])))
                    creates.append((rank * 1_000_000 + (expectedPosition[key] ?? 0),
                                    Step(action: .recreate, kind: kind, name: key, sql: [Self.terminated(create)])))
                default: break
                }
            }
        }
        plan(kind: "trigger", rank: 0, live: live.triggers.mapValues(\.sql), expected: expected.triggers.mapValues(\.sql),
             livePosition: live.triggers.mapValues(\.position), expectedPosition: expected.triggers.mapValues(\.position),
             same: { live.triggers[$0] == expected.triggers[$0] })
        plan(kind: "view", rank: 1, live: live.views.mapValues(\.sql), expected: expected.views.mapValues(\.sql),
             livePosition: live.views.mapValues(\.position), expectedPosition: expected.views.mapValues(\.position),
             same: { live.views[$0] == expected.views[$0] })
        plan(kind: "index", rank: 2, live: live.indexes.mapValues(\.sql), expected: expected.indexes.mapValues(\.sql),
             livePosition: [:], expectedPosition: [:], same: { live.indexes[$0] == expected.indexes[$0] })
        // An index on a table the live database does not have cannot be created: leave it to
        // the table difference.
        creates.removeAll { $0.step.kind == "index" && expected.indexes[$0.step.name].map { live.tables[$0.table.lowercased()] == nil } ?? false }

        // Creates: indexes (rank 2) before views (1) before triggers (0).
        let createRank: [String: Int] = ["index": 0, "view": 1, "trigger": 2]
        var steps = drops.sorted { $0.order < $1.order }.map(\.step)
        steps += creates.sorted { (createRank[$0.step.kind]!, $0.order) < (createRank[$1.step.kind]!, $1.order) }.map(\.step)
        self.steps = steps
    }

    static func terminated(_ sql: String) -> String {
        let trimmed = sql.trimmingCharacters(in: .whitespacesAndNewlines)
        return trimmed.hasSuffix(";") ? trimmed : trimmed + ";"
    }
}
