import FoundationEssentials
import Glibc
import MigshBase

/// The schema-to-SQL compiler: the statements that turn one schema into another, as a
/// migration would run them. Used by `.new --from-diff` (the expected schema of the latest
/// version → the developer's database), by `.rebuild` (one table changed as ALTER TABLE
/// cannot), and by `.diff --sql` / `.repair` (its objects-that-hold-no-data part).
///
/// Tables that ALTER TABLE cannot change are rebuilt by SQLite's documented procedure
/// (sqlite.org/lang_altertable.html#otheralter): a new table, the rows copied by column name,
/// the AUTOINCREMENT counter kept, the views that read the table dropped first, the old table
/// dropped, the new one renamed, and its indexes, triggers and views created again. Foreign
/// keys are left to the runner: `.apply` turns enforcement off for a migration and checks every
/// key before COMMIT, so children keep their rows.
public struct SchemaMigration: Sendable {
    public struct Step: Sendable, Equatable {
        /// A comment line (or lines) before the statement, without `-- `.
        public var comment: String?
        /// The statement, ending in `;`.
        public var sql: String
        public init(comment: String? = nil, sql: String) {
            self.comment = comment
            self.sql = SchemaMigration.terminated(sql)
        }
    }

    public var steps: [Step]
    /// What the SQL cannot know and a developer must check (a column left out of a copy).
    public var warnings: [String]

    public var isEmpty: Bool { steps.isEmpty }

    /// The steps as migration text: each statement, its comment before it.
    public var text: String {
        steps.map { step in
            (step.comment.map { $0.split(separator: "\n", omittingEmptySubsequences: false).map { "-- " + $0 }.joined(separator: "\n") + "\n" } ?? "")
                + step.sql
        }.joined(separator: "\n\n")
    }

    // MARK: Base → target

    /// The statements from `base` (the schema the latest migration produces) to `target` (the
    /// developer's database).
    public init(from base: SchemaSnapshot, to target: SchemaSnapshot) throws {
        var creates: [Step] = []
        var additions: [Step] = []
        var rebuilds: [Step] = []
        var drops: [Step] = []
        var warnings: [String] = []
        var handled = Set<String>()       // objects a rebuild drops and creates itself
        var rebuilt = Set<String>()
        let skip = Set(["schema_version"])

        for key in target.tables.keys.sorted() where base.tables[key] == nil && !skip.contains(key) {
            creates.append(Step(comment: "New table \(target.tables[key]!.name)", sql: target.tables[key]!.sql))
        }
        for key in base.tables.keys.sorted() where target.tables[key] == nil && !skip.contains(key) {
            drops.append(Step(comment: "Table \(base.tables[key]!.name) is gone (its rows with it)", sql: "DROP TABLE \(SQLLiteral.identifierIfNeeded(base.tables[key]!.name))"))
            warnings.append("table \(base.tables[key]!.name) is dropped: its rows are deleted")
        }
        for key in base.tables.keys.sorted() where !skip.contains(key) {
            guard let old = base.tables[key], let new = target.tables[key], old != new else { continue }
            let oldDefinition = try TableDefinition.parse(old.sql)
            let newDefinition = try TableDefinition.parse(new.sql)
            if let added = Self.addedColumns(old: oldDefinition, new: newDefinition) {
                for column in added {
                    additions.append(Step(comment: "New column \(new.name).\(column.name)",
                                          sql: "ALTER TABLE \(SQLLiteral.identifierIfNeeded(new.name)) ADD COLUMN \(column.text)"))
                }
                continue
            }
            let copied = new.columns.filter { n in n.hidden == 0 && old.columns.contains(where: { o in o.name.lowercased() == n.name.lowercased() }) }
            for column in old.columns where column.hidden == 0 && !new.columns.contains(where: { $0.name.lowercased() == column.name.lowercased() }) {
                warnings.append("\(new.name).\(column.name) is not in the new table: its values are not copied (a renamed column? use .rebuild \(new.name) --rename \(column.name)=NEW, or edit the copy)")
            }
            for column in new.columns where column.hidden == 0 && !old.columns.contains(where: { $0.name.lowercased() == column.name.lowercased() }) {
                warnings.append("\(new.name).\(column.name) is new: every row gets its default")
            }
            let plan = Self.rebuild(table: new.name, definition: newDefinition, copy: copied.map { ($0.name, $0.name) },
                                    base: base, target: target)
            rebuilds += plan.steps
            handled.formUnion(plan.handled)
            rebuilt.insert(key)
        }
        // Indexes, views and triggers that changed, except those a rebuild took care of.
        var baseObjects = base
        var targetObjects = target
        for name in handled {
            baseObjects.indexes[name] = nil; targetObjects.indexes[name] = nil
            baseObjects.views[name] = nil; targetObjects.views[name] = nil
            baseObjects.triggers[name] = nil; targetObjects.triggers[name] = nil
        }
        // Indexes and triggers of dropped tables go with them.
        for (name, index) in baseObjects.indexes where target.tables[index.table.lowercased()] == nil { baseObjects.indexes[name] = nil }
        for (name, trigger) in baseObjects.triggers where target.tables[trigger.table.lowercased()] == nil && target.views[trigger.table.lowercased()] == nil {
            baseObjects.triggers[name] = nil
        }
        let objects = Self.objectSteps(from: baseObjects, to: targetObjects)
        let objectDrops = objects.filter { $0.action == .drop || ($0.action == .recreate && $0.sql.first?.hasPrefix("DROP") == true) }
        let objectCreates = objects.filter { !objectDrops.contains($0) }
        steps = objectDrops.flatMap { $0.sql.map { Step(comment: nil, sql: $0) } } + creates + additions + rebuilds + drops
            + objectCreates.flatMap { $0.sql.map { Step(comment: nil, sql: $0) } }
        self.warnings = warnings
    }

    /// The columns `new` adds at the end of `old`, when ALTER TABLE ADD COLUMN can add each of
    /// them; nil when the table must be rebuilt.
    static func addedColumns(old: TableDefinition, new: TableDefinition) -> [TableDefinition.Column]? {
        guard new.columns.count > old.columns.count, old.constraints == new.constraints, old.options == new.options,
              zip(old.columns, new.columns).allSatisfy({ $0.text == $1.text }) else { return nil }
        let added = Array(new.columns[old.columns.count...])
        for column in added {
            let words = TableDefinition.tokens(column.text).map { $0.text.uppercased() }
            if words.contains("PRIMARY") || words.contains("UNIQUE") || words.contains("STORED") { return nil }
            if let d = words.firstIndex(of: "DEFAULT"), d + 1 < words.count,
               ["(", "CURRENT_TIME", "CURRENT_DATE", "CURRENT_TIMESTAMP"].contains(words[d + 1]) { return nil }
            if words.contains("NOT") && words.contains("NULL") && !words.contains("DEFAULT") { return nil }
        }
        return added
    }

    // MARK: Rebuild

    public struct RebuildPlan: Sendable {
        public var steps: [Step]
        /// Lower-cased names of the indexes, triggers and views the rebuild drops and creates.
        public var handled: Set<String>
    }

    /// SQLite's twelve-step rebuild of `table` into `definition`. `copy`: (old column, new
    /// column) pairs whose values are carried over. `base`: the schema before (the views and
    /// triggers to drop, the AUTOINCREMENT counter); `target`: the schema after (the indexes,
    /// triggers and views to create again).
    public static func rebuild(table: String, definition: TableDefinition, copy: [(String, String)],
                               base: SchemaSnapshot, target: SchemaSnapshot) -> RebuildPlan {
        let key = table.lowercased()
        let quoted = SQLLiteral.identifierIfNeeded(table)
        let newName = table + "_new"
        let newQuoted = SQLLiteral.identifierIfNeeded(newName)
        var steps: [Step] = []
        var handled = Set<String>()
        steps.append(Step(comment: "Step 1: Create the new table\n(SQLite cannot ALTER this change: the table is rebuilt, sqlite.org/lang_altertable.html#otheralter)",
                          sql: definition.sql(named: newName)))
        // A table with no INTEGER PRIMARY KEY keeps its rows' rowids only when the copy names
        // them: an FTS index with content_rowid, or anything else that stores them, would
        // otherwise point at other rows (or none) once the copy numbers them from 1.
        let rowid = carriedRowid(old: base.tables[key], new: definition)
        let newColumns = ((rowid.map { [$0] } ?? []) + copy.map { SQLLiteral.identifierIfNeeded($0.1) }).joined(separator: ", ")
        let oldColumns = ((rowid.map { [$0] } ?? []) + copy.map { SQLLiteral.identifierIfNeeded($0.0) }).joined(separator: ", ")
        steps.append(Step(comment: "Step 2: Copy the rows, naming every column on both sides",
                          sql: "INSERT INTO \(newQuoted) (\(newColumns))\nSELECT \(oldColumns)\nFROM \(quoted)"))
        let hadCounter = base.tables[key]?.columns.contains(where: \.autoincrement) ?? false
        let hasCounter = definition.columns.contains { TableDefinition.tokens($0.text).contains { $0.text.uppercased() == "AUTOINCREMENT" } }
        if hadCounter && hasCounter {
            let old = SQLParameters.quoteLiteral(table)
            let new = SQLParameters.quoteLiteral(newName)
            steps.append(Step(comment: "Step 3: Keep the AUTOINCREMENT high-water mark, so ids of deleted rows are never reused",
                              sql: "INSERT INTO sqlite_sequence (name, seq)\nSELECT \(new), seq FROM sqlite_sequence\nWHERE name = \(old)\n  AND NOT EXISTS (SELECT 1 FROM sqlite_sequence WHERE name = \(new))"))
            steps.append(Step(sql: "UPDATE sqlite_sequence\nSET seq = (SELECT seq FROM sqlite_sequence WHERE name = \(old))\nWHERE name = \(new)\n  AND seq < (SELECT seq FROM sqlite_sequence WHERE name = \(old))"))
        }
        // Views that read the table, and other tables' triggers that use it, are dropped before
        // and created after: since SQLite 3.26 the rename fails while they name a missing table.
        let views = base.views.values.filter { references($0.sql, table) }.sorted { $0.position > $1.position }
        let triggers = base.triggers.values.filter { $0.table.lowercased() != key && references($0.sql, table) }.sorted { $0.position > $1.position }
        for (k, object) in (triggers.map { ("TRIGGER", $0) } + views.map { ("VIEW", $0) }).enumerated() {
            steps.append(Step(comment: k == 0 ? "Step 4: Drop what reads \(table) (created again below)" : nil,
                              sql: "DROP \(object.0) IF EXISTS \(SQLLiteral.identifierIfNeeded(object.1.name))"))
            handled.insert(object.1.name.lowercased())
        }
        steps.append(Step(comment: "Step 5: Drop the old table (its indexes and triggers go with it)", sql: "DROP TABLE \(quoted)"))
        steps.append(Step(comment: "Step 6: Give the new table the old name", sql: "ALTER TABLE \(newQuoted) RENAME TO \(quoted)"))
        var recreate: [Step] = []
        for index in base.indexes.values where index.table.lowercased() == key { handled.insert(index.name.lowercased()) }
        for trigger in base.triggers.values where trigger.table.lowercased() == key { handled.insert(trigger.name.lowercased()) }
        for index in target.indexes.values.filter({ $0.table.lowercased() == key && !$0.sql.isEmpty }).sorted(by: { $0.name < $1.name }) {
            recreate.append(Step(sql: ifNotExists(index.sql)))
            handled.insert(index.name.lowercased())
        }
        for trigger in target.triggers.values.filter({ $0.table.lowercased() == key }).sorted(by: { $0.position < $1.position }) {
            recreate.append(Step(sql: trigger.sql))
            handled.insert(trigger.name.lowercased())
        }
        for view in views.reversed() {
            if let again = target.views[view.name.lowercased()] { recreate.append(Step(sql: again.sql)) }
        }
        for trigger in triggers.reversed() {
            if let again = target.triggers[trigger.name.lowercased()] { recreate.append(Step(sql: again.sql)) }
        }
        if !recreate.isEmpty {
            recreate[0].comment = "Step 7: Create the indexes, triggers and views again"
            steps += recreate
        }
        return RebuildPlan(steps: steps, handled: handled)
    }

    /// The name under which a rebuild's copy carries the rowid over (`rowid`, else `_rowid_`
    /// or `oid` when a column has that name): nil when either table is WITHOUT ROWID, or the
    /// new one has an INTEGER PRIMARY KEY (the column carries it), or every name is a column's.
    static func carriedRowid(old: SchemaSnapshot.Table?, new: TableDefinition) -> String? {
        guard let old, !old.withoutRowID,
              !TableDefinition.tokens(new.options).contains(where: { $0.text.uppercased() == "WITHOUT" }) else { return nil }
        func isInteger(_ i: Int) -> Bool {
            new.typeRange(ofColumn: i).map { new.columns[i].text[$0].uppercased() == "INTEGER" } ?? false
        }
        for (i, column) in new.columns.enumerated() where isInteger(i) {
            let words = TableDefinition.tokens(column.text).map { $0.text.uppercased() }
            // `INTEGER PRIMARY KEY DESC` is SQLite's one exception: not an alias of the rowid.
            if let p = words.firstIndex(of: "PRIMARY"), p + 1 < words.count, words[p + 1] == "KEY",
               !(p + 2 < words.count && words[p + 2] == "DESC") { return nil }
        }
        for constraint in new.constraints {
            let t = TableDefinition.tokens(constraint)
            let words = t.map { $0.text.uppercased() }
            guard let p = words.firstIndex(of: "PRIMARY"), p + 3 < words.count, words[p + 1] == "KEY", words[p + 2] == "(" else { continue }
            let inside = Array(t[(p + 3)...].prefix { $0.text != ")" })
            if inside.count >= 1, inside.count <= 2, let i = new.column(inside[0].text), isInteger(i) { return nil }
        }
        let names = Set(old.columns.map { $0.name.lowercased() } + new.columns.map { $0.name.lowercased() })
        return ["rowid", "_rowid_", "oid"].first { !names.contains($0) }
    }

    /// `CREATE [UNIQUE] INDEX name` as `CREATE [UNIQUE] INDEX IF NOT EXISTS name` (spec §5.1:
    /// a migration's indexes are created only if missing).
    static func ifNotExists(_ sql: String) -> String {
        let tokens = TableDefinition.tokens(sql)
        let words = tokens.prefix(5).map { $0.text.uppercased() }
        guard words.first == "CREATE", let i = words.firstIndex(of: "INDEX"), !(words.count > i + 1 && words[i + 1] == "IF") else { return sql }
        return String(sql[..<tokens[i].end]) + " IF NOT EXISTS" + String(sql[tokens[i].end...])
    }

    /// True when `sql` names `table` (as a word or a quoted name, in any case).
    static func references(_ sql: String, _ table: String) -> Bool {
        let name = table.lowercased()
        return TableDefinition.tokens(sql).contains { ($0.kind == .word || $0.kind == .quoted) && $0.text.lowercased() == name }
    }

    // MARK: Objects that hold no data

    /// Indexes, views and triggers from `live` to `expected`: missing ones created, changed
    /// ones dropped and created again, extra ones dropped — drops first (triggers, views
    /// newest first, indexes), then creates (indexes, views in creation order, triggers).
    public static func objectSteps(from live: SchemaSnapshot, to expected: SchemaSnapshot) -> [SchemaRepair.Step] {
        var drops: [(order: Int, step: SchemaRepair.Step)] = []
        var creates: [(order: Int, step: SchemaRepair.Step)] = []
        func plan(kind: SchemaDiff.ObjectKind, rank: Int, live l: [String: String], expected e: [String: String],
                  livePosition: [String: Int], expectedPosition: [String: Int], same: (String) -> Bool) {
            for key in Set(l.keys).union(e.keys).sorted() {
                let dropSQL = "DROP \(kind.rawValue.uppercased()) IF EXISTS main.\(quoteIdentifier(key));"
                switch (l[key], e[key]) {
                case (_?, nil):
                    drops.append((rank * 1_000_000 - (livePosition[key] ?? 0), .init(action: .drop, kind: kind, name: key, sql: [dropSQL])))
                case (nil, let create?):
                    creates.append((rank * 1_000_000 + (expectedPosition[key] ?? 0),
                                    .init(action: .create, kind: kind, name: key, sql: [terminated(create)])))
                case (_?, let create?) where !same(key):
                    drops.append((rank * 1_000_000 - (livePosition[key] ?? 0), .init(action: .recreate, kind: kind, name: key, sql: [dropSQL])))
                    creates.append((rank * 1_000_000 + (expectedPosition[key] ?? 0),
                                    .init(action: .recreate, kind: kind, name: key, sql: [terminated(create)])))
                default: break
                }
            }
        }
        plan(kind: .trigger, rank: 0, live: live.triggers.mapValues(\.sql), expected: expected.triggers.mapValues(\.sql),
             livePosition: live.triggers.mapValues(\.position), expectedPosition: expected.triggers.mapValues(\.position),
             same: { live.triggers[$0] == expected.triggers[$0] })
        plan(kind: .view, rank: 1, live: live.views.mapValues(\.sql), expected: expected.views.mapValues(\.sql),
             livePosition: live.views.mapValues(\.position), expectedPosition: expected.views.mapValues(\.position),
             same: { live.views[$0] == expected.views[$0] })
        plan(kind: .index, rank: 2, live: live.indexes.filter { !$0.value.sql.isEmpty }.mapValues(\.sql),
             expected: expected.indexes.filter { !$0.value.sql.isEmpty }.mapValues(\.sql),
             livePosition: [:], expectedPosition: [:], same: { live.indexes[$0] == expected.indexes[$0] })
        // An index on a table the live database does not have cannot be created: it belongs
        // to the table's own difference.
        creates.removeAll { $0.step.kind == .index && expected.indexes[$0.step.name].map { live.tables[$0.table.lowercased()] == nil } ?? false }
        let createRank: [SchemaDiff.ObjectKind: Int] = [.index: 0, .view: 1, .trigger: 2]
        return drops.sorted { $0.order < $1.order }.map(\.step)
            + creates.sorted { (createRank[$0.step.kind]!, $0.order) < (createRank[$1.step.kind]!, $1.order) }.map(\.step)
    }

    static func terminated(_ sql: String) -> String {
        let trimmed = sql.trimming(.whitespacesAndNewlines)
        return trimmed.hasSuffix(";") ? trimmed : trimmed + ";"
    }
}
