import FoundationEssentials
import Glibc
import MigshBase

/// `.rebuild TABLE --type COL=TYPE …`: the changes ALTER TABLE cannot make, compiled into
/// SQLite's twelve-step rebuild (through `SchemaMigration.rebuild`), and proved: the
/// statements are run on a copy of the schema in memory before they are shown.
public struct TableRebuild: Sendable {
    public struct Changes: Sendable, Equatable {
        public var types: [(column: String, type: String)] = []
        public var drops: [String] = []
        public var renames: [(from: String, to: String)] = []
        public var notNull: [String] = []
        public var defaults: [(column: String, value: String)] = []
        public var foreignKeys: [(column: String, reference: String)] = []
        public var dropForeignKeys: [String] = []
        public var checks: [String] = []
        public var order: [String] = []
        public init() {}

        public var isEmpty: Bool {
            types.isEmpty && drops.isEmpty && renames.isEmpty && notNull.isEmpty && defaults.isEmpty
                && foreignKeys.isEmpty && dropForeignKeys.isEmpty && checks.isEmpty && order.isEmpty
        }

        public static func == (a: Changes, b: Changes) -> Bool {
            a.types.map { "\($0)" } == b.types.map { "\($0)" } && a.drops == b.drops && a.renames.map { "\($0)" } == b.renames.map { "\($0)" }
                && a.notNull == b.notNull && a.defaults.map { "\($0)" } == b.defaults.map { "\($0)" }
                && a.foreignKeys.map { "\($0)" } == b.foreignKeys.map { "\($0)" } && a.dropForeignKeys == b.dropForeignKeys
                && a.checks == b.checks && a.order == b.order
        }
    }

    public var table: String
    public var migration: SchemaMigration

    /// Plans the rebuild of `table` in `db` (the developer's database, not changed).
    public init(db: Connection, table: String, changes: Changes) throws {
        guard !changes.isEmpty else {
            throw MigshError(.usage, "no change given: --type COL=TYPE, --drop COL, --rename OLD=NEW, --not-null COL, --default COL=VALUE, --fk COL=TABLE(COL), --drop-fk COL, --check EXPR, --column-order A,B,C")
        }
        // The schema, in memory (no rows): the statements are tried here first.
        let sandbox = try ExpectedSchemas.sandbox()
        let objects = try db.prepare("SELECT type, name, sql FROM main.sqlite_schema WHERE sql IS NOT NULL AND name NOT LIKE 'sqlite\\_%' ESCAPE '\\' ORDER BY rowid")
        var tableSQL: String?
        while try objects.step() {
            if objects.text(0) == "table" && objects.text(1).lowercased() == table.lowercased() { tableSQL = objects.text(2) }
            try? sandbox.execute(objects.text(2))
        }
        guard tableSQL != nil, let baseTable = try? SchemaSnapshot.read(sandbox).tables[table.lowercased()] else {
            throw MigshError(.notFound, "no table \(table) in this database")
        }
        let name = baseTable.name
        var steps: [SchemaMigration.Step] = []
        // Renames first, by ALTER TABLE RENAME COLUMN: SQLite renames the column in the
        // table's indexes, triggers and views too.
        for rename in changes.renames {
            guard baseTable.columns.contains(where: { $0.name.lowercased() == rename.from.lowercased() }) else {
                throw MigshError(.usage, "\(name) has no column \(rename.from)")
            }
            let sql = "ALTER TABLE \(SQLLiteral.identifierIfNeeded(name)) RENAME COLUMN \(SQLLiteral.identifierIfNeeded(rename.from)) TO \(SQLLiteral.identifierIfNeeded(rename.to))"
            try sandbox.execute(sql)
            steps.append(SchemaMigration.Step(comment: steps.isEmpty ? "Rename first: SQLite renames the column in indexes, triggers and views too" : nil, sql: sql))
        }
        let base = try SchemaSnapshot.read(sandbox)
        var definition = try TableDefinition.parse(base.tables[name.lowercased()]!.sql)
        try TableRebuild.apply(changes, to: &definition, table: name)
        if !changes.types.isEmpty || !changes.drops.isEmpty || !changes.notNull.isEmpty || !changes.defaults.isEmpty
            || !changes.foreignKeys.isEmpty || !changes.dropForeignKeys.isEmpty || !changes.checks.isEmpty || !changes.order.isEmpty {
            var target = base
            // Indexes on a dropped column go with it.
            let dropped = Set(changes.drops.map { $0.lowercased() })
            for (key, index) in target.indexes where index.table.lowercased() == name.lowercased()
                && index.columns.contains(where: { $0.name.map { dropped.contains($0.lowercased()) } ?? false }) {
                target.indexes[key] = nil
            }
            let copy = definition.columns.filter { column in
                !TableDefinition.tokens(column.text).contains { $0.text.uppercased() == "AS" || $0.text.uppercased() == "GENERATED" }
                    && base.tables[name.lowercased()]!.columns.contains { $0.name.lowercased() == column.name.lowercased() && $0.hidden == 0 }
            }.map { ($0.name, $0.name) }
            steps += SchemaMigration.rebuild(table: name, definition: definition, copy: copy, base: base, target: target).steps
        }
        // Proof: every statement runs on the in-memory schema.
        for step in steps.dropFirst(changes.renames.count) {
            do {
                try sandbox.execute(step.sql)
            } catch let error as MigshError {
                throw MigshError(.validation, "the rebuild does not run: \(error.message)", details: ["in: \(step.sql.split(separator: "\n").first ?? "")",
                    "A view or trigger that uses a dropped column must be changed first (drop it, rebuild, create it again)."])
            }
        }
        self.table = name
        migration = SchemaMigration(steps: steps, warnings: changes.drops.map { "\(name).\($0) is dropped: its values are not copied" })
    }

    /// The changes applied to the table's definition text.
    static func apply(_ changes: Changes, to definition: inout TableDefinition, table: String) throws {
        func index(_ column: String) throws -> Int {
            guard let i = definition.column(column) else { throw MigshError(.usage, "\(table) has no column \(column)") }
            return i
        }
        for change in changes.types {
            let i = try index(change.column)
            if let range = definition.typeRange(ofColumn: i) {
                definition.columns[i].text.replaceSubrange(range, with: change.type)
            } else {
                let text = definition.columns[i].text
                let nameEnd = TableDefinition.tokens(text)[0].end
                definition.columns[i].text = String(text[..<nameEnd]) + " " + change.type + String(text[nameEnd...])
            }
        }
        for column in changes.notNull {
            let i = try index(column)
            let words = TableDefinition.tokens(definition.columns[i].text).map { $0.text.uppercased() }
            if !zip(words, words.dropFirst()).contains(where: { $0 == "NOT" && $1 == "NULL" }) {
                definition.columns[i].text = TableDefinition.appending(" NOT NULL", to: definition.columns[i].text)
            }
        }
        for change in changes.defaults {
            let i = try index(change.column)
            let text = definition.columns[i].text
            let tokens = TableDefinition.tokens(text)
            if let d = tokens.firstIndex(where: { $0.text.uppercased() == "DEFAULT" }), d + 1 < tokens.count {
                var end = tokens[d + 1].end
                if tokens[d + 1].text == "(" {
                    var depth = 0
                    for t in tokens[(d + 1)...] {
                        if t.text == "(" { depth += 1 }
                        if t.text == ")" { depth -= 1; if depth == 0 { end = t.end; break } }
                    }
                } else if tokens[d + 1].text == "-" || tokens[d + 1].text == "+", d + 2 < tokens.count {
                    end = tokens[d + 2].end
                }
                definition.columns[i].text = String(text[..<tokens[d].start]) + "DEFAULT " + change.value + String(text[end...])
            } else {
                definition.columns[i].text = TableDefinition.appending(" DEFAULT " + change.value, to: definition.columns[i].text)
            }
        }
        for change in changes.foreignKeys {
            let i = try index(change.column)
            definition.columns[i].text = TableDefinition.appending(" REFERENCES " + change.reference, to: definition.columns[i].text)
        }
        for column in changes.dropForeignKeys {
            let i = try index(column)
            let text = definition.columns[i].text
            let tokens = TableDefinition.tokens(text)
            var removed = false
            if let r = tokens.firstIndex(where: { $0.text.uppercased() == "REFERENCES" }) {
                // REFERENCES t [(cols)] [ON …|MATCH …|[NOT] DEFERRABLE …]* : up to the next
                // column constraint, or the end.
                let next: Set = ["CONSTRAINT", "PRIMARY", "NOT", "NULL", "UNIQUE", "CHECK", "DEFAULT", "COLLATE", "GENERATED", "AS"]
                var k = r + 2
                if k < tokens.count && tokens[k].text == "(" { while k < tokens.count && tokens[k].text != ")" { k += 1 }; k += 1 }
                while k < tokens.count {
                    let w = tokens[k].text.uppercased()
                    if w == "ON" || w == "MATCH" { k += 3; continue }
                    if w == "NOT" && k + 1 < tokens.count && tokens[k + 1].text.uppercased() == "DEFERRABLE" { k += 2; continue }
                    if w == "DEFERRABLE" || w == "INITIALLY" || w == "DEFERRED" || w == "IMMEDIATE" { k += 1; continue }
                    if next.contains(w) { break }
                    k += 1
                }
                let end = k < tokens.count ? tokens[k].start : text.endIndex
                definition.columns[i].text = (String(text[..<tokens[r].start]) + String(text[end...])).trimming(.whitespaces)
                removed = true
            }
            let before = definition.constraints.count
            definition.constraints.removeAll { constraint in
                let t = TableDefinition.tokens(constraint)
                guard let f = t.firstIndex(where: { $0.text.uppercased() == "FOREIGN" }), f + 4 < t.count, t[f + 2].text == "(" else { return false }
                return t[f + 3].text.lowercased() == column.lowercased() && t[f + 4].text == ")"
            }
            if !removed && definition.constraints.count == before {
                throw MigshError(.usage, "\(table).\(column) has no foreign key")
            }
        }
        for check in changes.checks { definition.constraints.append("CHECK (\(check))") }
        for column in changes.drops {
            let i = try index(column)
            definition.columns.remove(at: i)
            let name = column.lowercased()
            if definition.constraints.contains(where: { constraint in
                TableDefinition.tokens(constraint).contains { ($0.kind == .word || $0.kind == .quoted) && $0.text.lowercased() == name }
            }) {
                throw MigshError(.usage, "\(table).\(column) is named in a table constraint; drop or change that constraint too")
            }
        }
        if !changes.order.isEmpty {
            var ordered: [TableDefinition.Column] = []
            for name in changes.order {
                guard let i = definition.column(name) else { throw MigshError(.usage, "--column-order names \(name), which \(table) does not have") }
                ordered.append(definition.columns[i])
            }
            ordered += definition.columns.filter { c in !ordered.contains(where: { $0.name.lowercased() == c.name.lowercased() }) }
            definition.columns = ordered
        }
    }
}

extension SchemaMigration {
    init(steps: [Step], warnings: [String]) {
        self.steps = steps
        self.warnings = warnings
    }
}
