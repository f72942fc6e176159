import CMigshSQLite

/// Which tables a migration may have left with foreign-key violations, from what SQLite's
/// authorizer reported while its statements were prepared. Checking only these keeps the
/// check proportional to what the migration did: adding a column to a parent with millions
/// of child rows checks nothing, while a rebuild that drops and recreates the parent checks
/// every child that references it.
struct ForeignKeyImpact {
    /// Tables that received rows (their own foreign keys may point nowhere).
    private(set) var rowsWritten = Set<String>()
    /// Tables whose rows were deleted or that were dropped (their children may be orphaned).
    private(set) var keysRemoved = Set<String>()
    /// Columns updated, by table.
    private(set) var updatedColumns: [String: Set<String>] = [:]
    /// `ALTER TABLE old RENAME TO new`: rows written to `old` now live in `new`.
    private(set) var renames: [String: String] = [:]
    /// Tables that got a column with REFERENCES.
    private(set) var referencesAdded = Set<String>()
    /// Tables about to lose keys in the statement just prepared (drained by `snapshotKeys`).
    private var removalsInStatement = Set<String>()
    /// Parent -> the temporary table holding its referenced key values from before they could
    /// be removed, and the key column.
    private var keySnapshots: [String: (table: String, column: String)] = [:]
    /// Parents already looked at once in this migration (a snapshot taken, or none possible):
    /// a script of 450,000 INSERTs must not read every table's foreign keys 450,000 times.
    private var considered = Set<String>()

    mutating func note(_ e: AuthorizerEvent) {
        // Trigger bodies count too: their statements run when the trigger fires.
        guard let table = e.arg1?.lowercased() else { return }
        switch e.kind.rawValue {
        case SQLITE_INSERT:
            rowsWritten.insert(table)
            // A REPLACE conflict (INSERT OR REPLACE, REPLACE INTO, a column declared ON
            // CONFLICT REPLACE, a trigger's) deletes the row holding the value, and the
            // authorizer reports only the insert: its keys may go too.
            keysRemoved.insert(table)
            removalsInStatement.insert(table)
        case SQLITE_DELETE, SQLITE_DROP_TABLE:
            keysRemoved.insert(table)
            removalsInStatement.insert(table)
        case SQLITE_UPDATE:
            if let column = e.arg2?.lowercased() {
                updatedColumns[table, default: []].insert(column)
                // UPDATE OR REPLACE deletes the other rows it conflicts with, whatever column.
                keysRemoved.insert(table)
                removalsInStatement.insert(table)
            }
        default: break
        }
    }

    /// What the authorizer does not say: renames and new REFERENCES columns.
    mutating func noteStatement(_ sql: String) {
        let t = SQLNormalizer.tokens(sql)
        guard t.count >= 4, t[0] == "alter", t[1] == "table" else { return }
        let table = t[2] == "main" && t.count > 4 && t[3] == "." ? t[4] : t[2]
        if let r = t.firstIndex(of: "rename"), r + 2 < t.count, t[r + 1] == "to" {
            renames[table] = t[r + 2]
        }
        if t.contains("add"), t.contains("references") { referencesAdded.insert(table) }
    }

    /// Called after a statement is prepared and before it runs: for each parent table it may
    /// remove keys from (DELETE, DROP TABLE, UPDATE), keep the parent's referenced key values
    /// once per migration. At the end, if every kept key is still in the parent, no child can
    /// have been orphaned and the children need no scan: a rebuild of Products looks up its
    /// 460,000 keys instead of checking 1,380,000 child rows. Only single-column keys are
    /// kept; other parents get the full child check.
    mutating func snapshotKeys(_ db: Connection) throws {
        defer { removalsInStatement.removeAll() }
        for parent in removalsInStatement where !considered.contains(parent) && !parent.hasPrefix("sqlite_") {
            guard try db.tableExists(parent) else { continue }
            considered.insert(parent)
            var referenced = Set<String>()
            var simple = true
            for child in try db.column("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
                let fks = try db.prepare("SELECT \"table\", \"to\", id FROM pragma_foreign_key_list(?1)")
                try fks.bind(child, at: 1)
                var columnsPerFK: [Int64: Int] = [:]
                while try fks.step() {
                    guard fks.text(0).lowercased() == parent else { continue }
                    columnsPerFK[fks.int64(2), default: 0] += 1
                    if let to = fks.optionalText(1) { referenced.insert(to.lowercased()) } else { simple = false }
                }
                if columnsPerFK.values.contains(where: { $0 > 1 }) { simple = false }
            }
            guard simple, referenced.count == 1, let column = referenced.first else { continue }
            let temp = "migsh_keys_\(keySnapshots.count + 1)"
            // In key order (the key's own index, no sort): `keysKept` can then merge.
            try db.execute("CREATE TEMP TABLE \(quoteIdentifier(temp)) (k)")
            try db.execute("INSERT INTO temp.\(quoteIdentifier(temp)) (k) SELECT DISTINCT \(quoteIdentifier(column)) FROM main.\(quoteIdentifier(parent)) WHERE \(quoteIdentifier(column)) IS NOT NULL ORDER BY 1")
            keySnapshots[parent] = (temp, column)
        }
    }

    /// True when every key the parent had before the migration is still there.
    private func keysKept(_ db: Connection, parent: String, tables: [String]) throws -> Bool {
        guard let snapshot = keySnapshots[parent], let name = tables.first(where: { $0.lowercased() == parent }) else { return false }
        if let kept = try integerKeysKept(db, snapshot: snapshot.table, parent: name, column: snapshot.column) { return kept }
        let missing = try db.scalarInt("SELECT count(*) FROM temp.\(quoteIdentifier(snapshot.table)) AS s WHERE NOT EXISTS (SELECT 1 FROM main.\(quoteIdentifier(name)) AS p WHERE p.\(quoteIdentifier(snapshot.column)) = s.k)") ?? 1
        return missing == 0
    }

    /// The same answer by one merge of two ordered scans, when every key is an integer: the
    /// kept keys in the order they were stored, and the parent's keys through the key's own
    /// index (the rowid, for an INTEGER PRIMARY KEY). A seek per key cost 1.7 s for the
    /// 920,000 keys of the bench's two rebuilt parents; the merge a tenth of that. nil — the
    /// seeks decide — when a key is not an integer or a scan is not in ascending order.
    private func integerKeysKept(_ db: Connection, snapshot: String, parent: String, column: String) throws -> Bool? {
        let kept = try db.prepare("SELECT k FROM temp.\(quoteIdentifier(snapshot))")
        let now = try db.prepare("SELECT \(quoteIdentifier(column)) FROM main.\(quoteIdentifier(parent)) WHERE \(quoteIdentifier(column)) IS NOT NULL ORDER BY 1")
        var current: Int64?
        var previousKept: Int64?
        func advance() throws -> Int64?? {
            guard try now.step() else { return .some(nil) }
            guard now.columnType(0) == SQLITE_INTEGER else { return nil }
            let value = now.int64(0)
            if let current, value < current { return nil }
            return .some(value)
        }
        guard let first = try advance() else { return nil }
        current = first
        while try kept.step() {
            guard kept.columnType(0) == SQLITE_INTEGER else { return nil }
            let key = kept.int64(0)
            if let previousKept, key <= previousKept { return nil }
            previousKept = key
            while let value = current, value < key {
                guard let next = try advance() else { return nil }
                current = next
            }
            guard current == key else {
                // Missing — unless the rest of the parent's keys were not integers.
                while current != nil {
                    guard let next = try advance() else { return nil }
                    current = next
                }
                return false
            }
        }
        return true
    }

    /// Drops the temporary key tables.
    func dropSnapshots(_ db: Connection) {
        for (_, snapshot) in keySnapshots { try? db.execute("DROP TABLE IF EXISTS temp.\(quoteIdentifier(snapshot.table))") }
    }

    func tablesToCheck(_ db: Connection) throws -> Set<String> {
        var written = rowsWritten.union(referencesAdded)
        for (old, new) in renames where written.contains(old) { written.insert(new) }
        let tables = try db.column("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        var kept: [String: Bool] = [:]
        func parentKeptKeys(_ parent: String) throws -> Bool {
            if let known = kept[parent] { return known }
            let result = try keysKept(db, parent: parent, tables: tables)
            kept[parent] = result
            return result
        }
        var check = Set<String>()
        for table in tables {
            let name = table.lowercased()
            let fks = try db.prepare("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1)")
            try fks.bind(table, at: 1)
            while try fks.step() {
                let parent = fks.text(0).lowercased()
                let from = fks.text(1).lowercased()
                let to = fks.optionalText(2)?.lowercased()
                // An update of the rowid by any of its names (rowid, oid, _rowid_) is reported
                // as column "ROWID", never as the INTEGER PRIMARY KEY column that aliases it:
                // it may change any key of the table.
                let childChanged = written.contains(name)
                    || (updatedColumns[name].map { $0.contains(from) || $0.contains("rowid") } ?? false)
                let parentChanged = keysRemoved.contains(parent)
                    || (updatedColumns[parent].map { cols in cols.contains("rowid") || (to.map { cols.contains($0) } ?? true) } ?? false)
                if childChanged { check.insert(table) } else if parentChanged, !(try parentKeptKeys(parent)) { check.insert(table) }
            }
        }
        return check
    }
}
