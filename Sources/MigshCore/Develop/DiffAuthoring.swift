import FoundationEssentials
import Glibc

/// `.new --from-diff` in a scratch session: the SQL from the latest version's schema to the
/// scratch copy's, with the renames made in the session written as renames — never as a drop
/// and an add, which would empty the column. A rename is known from evidence first: the
/// session's log of the `ALTER TABLE … RENAME` statements it ran (SQLite's authorizer saw
/// `SQLITE_ALTER_TABLE`). Where the log cannot say (a rename made while migsh was not
/// watching), the data decides: a column gone and a column added in the same table, of the
/// same declared type, whose values are equal row by row (by rowid) between the original and
/// the scratch copy, are one column renamed; a table gone and a table added with the same
/// columns and the same rows are one table renamed. Each rename's comment in the file says
/// which evidence it rests on.
public enum DiffAuthoring {
    public struct Rename: Sendable, Equatable, Encodable {
        public var rename: SchemaRename
        /// "session" or "data".
        public var evidence: String
        /// The comment written above the statement.
        public var reason: String
    }

    public struct Result: Sendable {
        public var migration: SchemaMigration
        public var renames: [Rename]
        /// The schema the rest of the migration starts from (the latest version's, renamed).
        public var renamedBase: SchemaSnapshot
    }

    /// `sessionRenames`: the renames the session ran, in order. `original`: the database the
    /// scratch copy was taken from (nil outside a scratch session: no data to compare).
    /// `scratchPath`: the scratch copy's file.
    public static func migration(base: SchemaSnapshot, target: SchemaSnapshot, sessionRenames: [SchemaRename],
                                 original: String?, scratchPath: String?) throws -> Result {
        let db = try materialize(base)
        // Where each table and column of the renamed schema came from in the original.
        var originTable: [String: String] = [:]
        var originColumn: [String: String] = [:]     // "table.column" lower-cased → original column
        for t in base.tables.values {
            originTable[t.name.lowercased()] = t.name
            for c in t.columns { originColumn["\(t.name).\(c.name)".lowercased()] = c.name }
        }
        var applied: [Rename] = []
        func apply(_ r: SchemaRename, evidence: String, reason: String) -> Bool {
            guard (try? db.execute(r.sql)) != nil else { return false }
            applied.append(Rename(rename: r, evidence: evidence, reason: reason))
            if let column = r.column {
                let from = "\(r.table).\(column)".lowercased()
                originColumn["\(r.table).\(r.to)".lowercased()] = originColumn[from] ?? column
                originColumn[from] = nil
            } else {
                let from = r.table.lowercased()
                originTable[r.to.lowercased()] = originTable[from] ?? r.table
                originTable[from] = nil
                for (key, value) in originColumn where key.hasPrefix(from + ".") {
                    originColumn[r.to.lowercased() + key.dropFirst(from.count)] = value
                    originColumn[key] = nil
                }
            }
            return true
        }
        for r in sessionRenames {
            // A rename of something the latest version does not have (a column the session
            // added, a rebuild's T_new) does not run on the base: it is part of the rest.
            _ = apply(r, evidence: "session", reason: "Rename seen in this session (the scratch copy ran \(r.sql.dropLast())): the values stay")
        }
        var renamed = try SchemaSnapshot.read(db)

        if let original, let scratchPath {
            let compare = try Connection(path: original, mode: .readOnly)
            let attach = try compare.prepare("ATTACH DATABASE ? AS scratch")
            try attach.bind(scratchPath, at: 1)
            try attach.run()
            var inferred: [(SchemaRename, String)] = []
            // Tables.
            let gone = renamed.tables.values.filter { target.tables[$0.name.lowercased()] == nil && !DataDrops.ignored($0.name) }
            let new = target.tables.values.filter { renamed.tables[$0.name.lowercased()] == nil && !DataDrops.ignored($0.name) }
            var usedNew = Set<String>()
            for g in gone.sorted(by: { $0.name < $1.name }) {
                guard let source = originTable[g.name.lowercased()] else { continue }
                let candidates = new.filter { n in !usedNew.contains(n.name) && sameColumns(g, n) }
                let rows: Int64 = (try? compare.scalarInt("SELECT count(*) FROM main.\(quoteIdentifier(source))")) ?? -1
                let matching = candidates.filter { n in
                    let there: Int64 = (try? compare.scalarInt("SELECT count(*) FROM scratch.\(quoteIdentifier(n.name))")) ?? -2
                    guard rows > 0, rows == there else { return false }
                    let a = (try? compare.scalarInt("SELECT count(*) FROM (SELECT * FROM main.\(quoteIdentifier(source)) EXCEPT SELECT * FROM scratch.\(quoteIdentifier(n.name)))")) ?? 1
                    let b = (try? compare.scalarInt("SELECT count(*) FROM (SELECT * FROM scratch.\(quoteIdentifier(n.name)) EXCEPT SELECT * FROM main.\(quoteIdentifier(source)))")) ?? 1
                    return a == 0 && b == 0
                }
                if matching.count == 1 {
                    usedNew.insert(matching[0].name)
                    inferred.append((SchemaRename(table: g.name, column: nil, to: matching[0].name),
                                     "Rename inferred from the data (the session did not run it where migsh could see): \(source)'s \(rows) rows are \(matching[0].name)'s in the scratch copy"))
                }
            }
            // Columns of tables in both.
            for t in renamed.tables.values.sorted(by: { $0.name < $1.name }) where !DataDrops.ignored(t.name) && !t.withoutRowID {
                guard let after = target.tables[t.name.lowercased()], let source = originTable[t.name.lowercased()] else { continue }
                let dropped = t.columns.filter { c in c.hidden == 0 && !after.columns.contains { $0.name.lowercased() == c.name.lowercased() } }
                let added = after.columns.filter { c in c.hidden == 0 && !t.columns.contains { $0.name.lowercased() == c.name.lowercased() } }
                guard !dropped.isEmpty, !added.isEmpty else { continue }
                var pairs: [(String, String, Int64)] = []
                for d in dropped {
                    guard let sourceColumn = originColumn["\(t.name).\(d.name)".lowercased()] else { continue }
                    for a in added where a.type.uppercased() == d.type.uppercased() {
                        let sql = """
                            SELECT count(*), count(o.\(quoteIdentifier(sourceColumn))), total(o.\(quoteIdentifier(sourceColumn)) IS NOT s.\(quoteIdentifier(a.name))),
                                   (SELECT count(*) FROM scratch.\(quoteIdentifier(t.name)))
                            FROM main.\(quoteIdentifier(source)) AS o LEFT JOIN scratch.\(quoteIdentifier(t.name)) AS s ON s.rowid = o.rowid
                            """
                        guard let stmt = try? compare.prepare(sql), (try? stmt.step()) == true else { continue }
                        let rows = stmt.int64(0), nonNull = stmt.int64(1), differing = stmt.double(2), there = stmt.int64(3)
                        if rows == there && nonNull > 0 && differing == 0 { pairs.append((d.name, a.name, nonNull)) }
                    }
                }
                for p in pairs where pairs.filter({ $0.0 == p.0 }).count == 1 && pairs.filter({ $0.1 == p.1 }).count == 1 {
                    inferred.append((SchemaRename(table: t.name, column: p.0, to: p.1),
                                     "Rename inferred from the data (the session did not run it where migsh could see): the \(p.2) values of \(source).\(originColumn["\(t.name).\(p.0)".lowercased()] ?? p.0) in the original equal \(t.name).\(p.1)'s in the scratch copy, row by row (by rowid)"))
                }
            }
            for (r, reason) in inferred { _ = apply(r, evidence: "data", reason: reason) }
            if !inferred.isEmpty { renamed = try SchemaSnapshot.read(db) }
        }

        var rest = try SchemaMigration(from: renamed, to: target)
        rest.steps = applied.map { SchemaMigration.Step(comment: $0.reason, sql: $0.rename.sql) } + rest.steps
        return Result(migration: rest, renames: applied, renamedBase: renamed)
    }

    static func sameColumns(_ a: SchemaSnapshot.Table, _ b: SchemaSnapshot.Table) -> Bool {
        a.columns == b.columns && a.foreignKeys == b.foreignKeys && a.withoutRowID == b.withoutRowID && a.strict == b.strict
    }

    /// `schema` created in a private in-memory database (tables, then views in creation
    /// order, indexes, triggers), to run renames on: SQLite renames a column in the indexes,
    /// views and triggers that use it too.
    public static func materialize(_ schema: SchemaSnapshot) throws -> Connection {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        for t in schema.tables.values.sorted(by: { $0.name < $1.name }) where !t.name.lowercased().hasPrefix("sqlite_") && !t.sql.isEmpty {
            try? db.execute(t.sql)
        }
        for v in schema.views.values.sorted(by: { $0.position < $1.position }) { try? db.execute(v.sql) }
        for i in schema.indexes.values where !i.sql.isEmpty { try? db.execute(i.sql) }
        for t in schema.triggers.values.sorted(by: { $0.position < $1.position }) { try? db.execute(t.sql) }
        return db
    }
}

/// `.new` checks what it wrote: the file replayed on a copy of the original must give the
/// scratch copy — the same schema and, column by column, the same values.
public enum ReplayCheck {
    public struct Difference: Sendable, Encodable, Equatable {
        /// `Table.column`, or `schema`.
        public var what: String
        public var detail: String
    }

    /// `scratch`/`replay`: fingerprints (`ColumnFingerprint.read`) of the scratch copy and of
    /// the copy the file was replayed on. `runTime`: columns the replay wrote with values
    /// computed when it runs (the current time, random numbers): a difference there is not
    /// the file's fault, and is returned apart.
    public struct Outcome: Sendable, Encodable, Equatable {
        /// The replay's schema against the scratch copy's (the scratch copy is "expected").
        public var schema: [SchemaDiff.Change]
        public var columns: [Difference]
        /// Differences only in columns written with run-time values: information.
        public var runTime: [Difference]
        public var agrees: Bool { schema.isEmpty && columns.isEmpty }
    }

    public static func compare(scratchSchema: SchemaSnapshot, replaySchema: SchemaSnapshot,
                               scratch: [String: ColumnFingerprint], replay: [String: ColumnFingerprint],
                               runTime: Set<String>) -> Outcome {
        var out: [Difference] = []
        var timing: [Difference] = []
        let diff = SchemaDiff(live: replaySchema, expected: scratchSchema)
        let replayByName = Dictionary(replay.map { ($0.key.lowercased(), ($0.key, $0.value)) }, uniquingKeysWith: { a, _ in a })
        let scratchNames = Set(scratch.keys.map { $0.lowercased() })
        for (key, s) in scratch.sorted(by: { $0.key < $1.key }) where !runnerTable(key) {
            guard let (_, r) = replayByName[key.lowercased()] else {
                out.append(Difference(what: key, detail: "not in the replay (the scratch copy holds \(s.nonNull) non-NULL values in \(s.rows) rows)"))
                continue
            }
            guard r != s else { continue }
            let detail = r.rows != s.rows
                ? "the scratch copy has \(s.rows) rows, the replay \(r.rows)"
                : r.nonNull != s.nonNull ? "the scratch copy holds \(s.nonNull) non-NULL values, the replay \(r.nonNull)"
                : "the values differ (\(s.nonNull) non-NULL values on each side)"
            let table = key.lowercased().split(separator: ".").first.map(String.init) ?? ""
            if (runTime.contains(key.lowercased()) || runTime.contains(table + ".*")) && r.rows == s.rows {
                timing.append(Difference(what: key, detail: detail))
            } else {
                out.append(Difference(what: key, detail: detail))
            }
        }
        for (key, r) in replay.sorted(by: { $0.key < $1.key }) where !scratchNames.contains(key.lowercased()) && !runnerTable(key) {
            out.append(Difference(what: key, detail: "only in the replay (\(r.nonNull) non-NULL values)"))
        }
        return Outcome(schema: diff.changes, columns: out, runTime: timing)
    }

    /// The columns (`table.column`, or `table.*` for every column, lower-cased) that `body`
    /// writes with values computed when it runs: an UPDATE or INSERT that calls one of
    /// `runTimeFunctions`, and what a trigger that calls one writes when the body writes its
    /// table (a `modified_date = CURRENT_TIMESTAMP` trigger). Read from the text: coarse, it
    /// only ever makes a difference information instead of a refusal.
    public static func runTimeColumns(body: [SQLStatementText], schema: SchemaSnapshot) -> Set<String> {
        func writes(_ sql: String) -> (tables: [String], columns: [String], runTime: Bool) {
            let t = TableDefinition.tokens(sql)
            let upper = t.map { $0.kind == .word ? $0.text.uppercased() : $0.text }
            var tables: [String] = [], columns: [String] = []
            for (i, w) in upper.enumerated() {
                if (w == "INTO" || w == "UPDATE" || w == "FROM" && i > 0 && upper[i - 1] == "DELETE") && i + 1 < t.count {
                    var n = i + 1
                    if w == "UPDATE", n + 1 < t.count, upper[n] == "OR" { n += 2 }
                    guard n < t.count else { continue }
                    let name = n + 2 < t.count && t[n + 1].text == "." ? t[n + 2].text : t[n].text
                    if w == "UPDATE", let set = upper[n...].firstIndex(of: "SET") {
                        for item in DataDrops.items(t, from: set + 1, until: ["WHERE", "FROM", "RETURNING"]) where item.first?.kind != .punctuation {
                            if let first = item.first { columns.append("\(name).\(first.text)".lowercased()) }
                        }
                    }
                    tables.append(name.lowercased())
                }
            }
            let runTime = t.contains { ($0.kind == .word) && runTimeFunctions.contains($0.text.lowercased()) }
            return (tables, columns, runTime)
        }
        var out = Set<String>()
        for statement in body {
            let w = writes(statement.sql)
            guard !w.tables.isEmpty else { continue }
            if w.runTime {
                let verb = SQLScript.leadingWords(statement.sql, count: 1).first ?? ""
                if verb == "UPDATE" { out.formUnion(w.columns) } else { out.formUnion(w.tables.map { $0 + ".*" }) }
            }
            for trigger in schema.triggers.values where w.tables.contains(trigger.table.lowercased()) {
                let inner = writes(trigger.sql)
                if inner.runTime { out.formUnion(inner.columns.isEmpty ? inner.tables.map { $0 + ".*" } : inner.columns) }
            }
        }
        return out
    }

    /// The spec's record of backups (§4.5), which `.apply` writes beside the migration: a
    /// scratch session that ran `.apply` has rows there the file does not make.
    static func runnerTable(_ key: String) -> Bool {
        key.lowercased().hasPrefix(Migrator.snapshotsTable.lowercased() + ".")
    }

    /// Functions whose result depends on when or how often they run.
    public static let runTimeFunctions: Set<String> = ["random", "randomblob", "current_time", "current_date", "current_timestamp",
                                                       "date", "time", "datetime", "julianday", "unixepoch", "strftime", "changes",
                                                       "total_changes", "last_insert_rowid"]
}
