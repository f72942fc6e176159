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

    mutating func note(_ e: AuthorizerEvent) {
        // Trigger bodies count too: their statements run when the trigger fires.
        guard let table = e.arg1?.lowercased() else { return }
        switch e.action {
        case SQLITE_INSERT: rowsWritten.insert(table)
        case SQLITE_DELETE, SQLITE_DROP_TABLE: keysRemoved.insert(table)
        case SQLITE_UPDATE:
            if let column = e.arg2?.lowercased() { updatedColumns[table, default: []].insert(column) }
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

    func tablesToCheck(_ db: Connection) throws -> Set<String> {
        var written = rowsWritten.union(referencesAdded)
        for (old, new) in renames where written.contains(old) { written.insert(new) }
        let tables = try db.column("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'")
        var check = Set<String>()
        for table in tables {
            let name = table.lowercased()
            let fks = try db.prepare("SELECT \"table\", \"from\", \"to\" FROM pragma_foreign_key_list(?1)")
            try fks.bind(table, at: 1)
            while try fks.step() {
                let parent = fks.text(0).lowercased()
                let from = fks.text(1).lowercased()
                let to = fks.optionalText(2)?.lowercased()
                let childChanged = written.contains(name) || (updatedColumns[name]?.contains(from) ?? false)
                let parentChanged = keysRemoved.contains(parent)
                    || (updatedColumns[parent].map { cols in to.map { cols.contains($0) } ?? true } ?? false)
                if childChanged || parentChanged { check.insert(table) }
            }
        }
        return check
    }
}
