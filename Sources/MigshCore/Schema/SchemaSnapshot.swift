import CMigshSQLite

/// The meaning of a database's schema, read through SQLite's pragmas rather than from the
/// text of `sqlite_schema`, so that white space, quoting and keyword case make no
/// difference: tables (columns with declared type, not null, default, primary key,
/// collation, hidden/generated; STRICT; WITHOUT ROWID), indexes (columns, order, collation,
/// unique, partial WHERE), foreign keys (target, columns, actions), views and triggers.
public struct SchemaSnapshot: Sendable, Equatable, Codable {
    public struct Column: Sendable, Equatable, Codable {
        public var name: String
        public var type: String
        public var notNull: Bool
        public var defaultValue: String?
        /// 1-based position in the primary key, 0 if not part of it.
        public var primaryKey: Int
        public var collation: String
        /// 0 normal, 1 hidden (virtual tables), 2 generated virtual, 3 generated stored.
        public var hidden: Int
        public var autoincrement: Bool

        /// SQL names are case-insensitive: `Name` and `name` are one column.
        public static func == (a: Column, b: Column) -> Bool {
            a.name.lowercased() == b.name.lowercased() && a.type == b.type && a.notNull == b.notNull
                && a.defaultValue == b.defaultValue && a.primaryKey == b.primaryKey && a.collation == b.collation
                && a.hidden == b.hidden && a.autoincrement == b.autoincrement
        }
    }

    public struct ForeignKey: Sendable, Equatable, Codable {
        public var table: String
        public var from: [String]
        public var to: [String]
        public var onUpdate: String
        public var onDelete: String
        public var match: String
    }

    public struct Table: Sendable, Equatable, Codable {
        public var name: String
        public var columns: [Column]
        public var foreignKeys: [ForeignKey]
        public var withoutRowID: Bool
        public var strict: Bool
        /// Normalized CHECK constraints and other text we cannot read through pragmas.
        public var checks: [String]
        /// The CREATE statement as stored (not compared: the fields above carry its meaning).
        public var sql: String = ""

        public static func == (a: Table, b: Table) -> Bool {
            a.name.lowercased() == b.name.lowercased() && a.columns == b.columns && a.foreignKeys == b.foreignKeys
                && a.withoutRowID == b.withoutRowID && a.strict == b.strict && a.checks == b.checks
        }
    }

    public struct IndexColumn: Sendable, Equatable, Codable {
        public var name: String?
        public var descending: Bool
        public var collation: String
    }

    public struct Index: Sendable, Equatable, Codable {
        public var name: String
        public var table: String
        public var unique: Bool
        public var columns: [IndexColumn]
        /// Normalized partial-index WHERE clause.
        public var condition: String?
        /// The CREATE INDEX statement as stored (not compared), for `.repair`.
        public var sql: String = ""

        public static func == (a: Index, b: Index) -> Bool {
            a.name.lowercased() == b.name.lowercased() && a.table == b.table && a.unique == b.unique
                && a.columns == b.columns && a.condition == b.condition
        }
    }

    public struct Definition: Sendable, Equatable, Codable {
        public var name: String
        public var table: String
        /// The CREATE statement, normalized.
        public var normalizedSQL: String
        public var sql: String
        /// Position in sqlite_schema (creation order, not compared): views that use other
        /// views are recreated after them.
        public var position: Int = 0

        public static func == (a: Definition, b: Definition) -> Bool {
            a.name.lowercased() == b.name.lowercased() && a.table.lowercased() == b.table.lowercased()
                && a.normalizedSQL == b.normalizedSQL
        }
    }

    /// Keyed by lower-cased name (SQL names are case-insensitive).
    public var tables: [String: Table] = [:]
    public var indexes: [String: Index] = [:]
    public var views: [String: Definition] = [:]
    public var triggers: [String: Definition] = [:]

    /// Tables that belong to migsh itself, never part of the application's schema.
    public static let ignoredTables: Set<String> = [SchemaVersionTable.appliedTable.lowercased(), DatabaseIdentity.table]

    public init() {}

    /// Reads the schema. `previous`: a snapshot of the same database a moment ago (the replay
    /// of a long migration history reads one after every statement that changes the schema):
    /// an object whose CREATE text is unchanged is taken from it instead of being read again
    /// through the pragmas — a table's columns, keys and flags, and an index's columns, all
    /// follow from that text — so the cost follows what changed, not the size of the schema.
    public static func read(_ db: Connection, reusing previous: SchemaSnapshot? = nil) throws -> SchemaSnapshot {
        try read(db, reusing: previous, change: nil, observe: nil)
    }

    /// What one statement changed, as SQLite's authorizer named it (the replay of a migration
    /// history knows it for each statement): the objects it dropped, the tables whose own
    /// CREATE text it rewrote (ADD COLUMN), and the newest `sqlite_schema` row before it (new
    /// objects get rows after it). A read of such a change seeks those rows by rowid instead
    /// of scanning the schema, so its cost follows the change, not the size of the schema.
    struct Change {
        var droppedTables: Set<String> = []
        var droppedIndexes: Set<String> = []
        var droppedViews: Set<String> = []
        var droppedTriggers: Set<String> = []
        /// rowids of the existing rows to read again.
        var rewritten: [Int64] = []
        /// The largest rowid in `sqlite_schema` before the statement.
        var newerThan: Int64 = 0
    }

    /// `change` (with `previous`): read only what it names; `observe`: sees each row read
    /// (type, lower-cased name, rowid).
    static func read(_ db: Connection, reusing previous: SchemaSnapshot?, change: Change?,
                     observe: ((String, String, Int64) -> Void)?) throws -> SchemaSnapshot {
        var keys: Set<String>?
        return try read(db, reusing: previous, change: change, observe: observe, changedKeys: &keys)
    }

    /// `changedKeys`: with `change`, the keys (`t:`, `i:`, `v:`, `g:` and the lower-cased
    /// name) this read removed or set are added to it, so the difference from `previous`
    /// can be written without comparing the whole schema; a read of the whole schema sets it
    /// to nil (compare everything).
    static func read(_ db: Connection, reusing previous: SchemaSnapshot?, change: Change?,
                     observe: ((String, String, Int64) -> Void)?, changedKeys: inout Set<String>?) throws -> SchemaSnapshot {
        var snapshot = SchemaSnapshot()
        let objects: Statement
        if let change, let previous {
            snapshot = previous
            func removed(_ key: String) { changedKeys?.insert(key) }
            for t in change.droppedTables {
                snapshot.tables[t] = nil
                removed("t:" + t)
                for (key, index) in snapshot.indexes where index.table == t { snapshot.indexes[key] = nil; removed("i:" + key) }
                for (key, trigger) in snapshot.triggers where trigger.table.lowercased() == t { snapshot.triggers[key] = nil; removed("g:" + key) }
            }
            for i in change.droppedIndexes { snapshot.indexes[i] = nil; removed("i:" + i) }
            for v in change.droppedViews { snapshot.views[v] = nil; removed("v:" + v) }
            for g in change.droppedTriggers { snapshot.triggers[g] = nil; removed("g:" + g) }
            // Two rowid seeks: the rows after the old newest one, and the rewritten rows.
            let newRows = "SELECT type, name, tbl_name, sql, rowid FROM main.sqlite_schema WHERE rowid > ?1"
            objects = try db.prepare(change.rewritten.isEmpty ? newRows : newRows + """

                UNION ALL
                SELECT type, name, tbl_name, sql, rowid FROM main.sqlite_schema
                WHERE rowid IN (\(change.rewritten.map(String.init).joined(separator: ","))) AND rowid <= ?1
                """)
            try objects.bind(change.newerThan, at: 1)
        } else {
            changedKeys = nil
            objects = try db.prepare("SELECT type, name, tbl_name, sql, rowid FROM main.sqlite_schema")
        }
        var tableNames: [(name: String, sql: String)] = []
        var indexNames: [(String, String, String?)] = []
        while try objects.step() {
            let type = objects.text(0), name = objects.text(1), table = objects.text(2)
            let key = name.lowercased()
            let position = Int(objects.int64(4))
            observe?(type, key, objects.int64(4))
            // SQLite's own objects (sqlite_sequence, sqlite_stat1, automatic indexes) and migsh's.
            if key.hasPrefix("sqlite_") || ignoredTables.contains(table.lowercased()) { continue }
            let sql = objects.optionalText(3)
            if changedKeys != nil {
                switch type {
                case "table": changedKeys!.insert("t:" + key)
                case "index": changedKeys!.insert("i:" + key)
                case "view": changedKeys!.insert("v:" + key)
                case "trigger": changedKeys!.insert("g:" + key)
                default: break
                }
            }
            switch type {
            case "table":
                if let old = previous?.tables[key], old.sql == (sql ?? ""), old.name == name {
                    snapshot.tables[key] = old
                } else {
                    tableNames.append((name, sql ?? ""))
                }
            case "index": indexNames.append((name, table, sql))
            case "view":
                if var old = previous?.views[key], old.sql == (sql ?? ""), old.name == name, old.table == table {
                    old.position = position
                    snapshot.views[key] = old
                } else {
                    snapshot.views[key] = Definition(name: name, table: table, normalizedSQL: SQLNormalizer.normalizeCreate(sql ?? ""), sql: sql ?? "", position: position)
                }
            case "trigger":
                if var old = previous?.triggers[key], old.sql == (sql ?? ""), old.name == name, old.table == table {
                    old.position = position
                    snapshot.triggers[key] = old
                } else {
                    snapshot.triggers[key] = Definition(name: name, table: table, normalizedSQL: SQLNormalizer.normalizeCreate(sql ?? ""), sql: sql ?? "", position: position)
                }
            default: break
            }
        }
        // Prepared once, bound per object: preparing is most of the cost of a pragma on a large schema.
        lazy var info = Result { try db.prepare("SELECT name, type, \"notnull\", dflt_value, pk, hidden FROM pragma_table_xinfo(?1)") }
        lazy var fks = Result { try db.prepare("SELECT id, seq, \"table\", \"from\", \"to\", on_update, on_delete, match FROM pragma_foreign_key_list(?1) ORDER BY id, seq") }
        for (name, sql) in tableNames {
            let info = try info.get(), fks = try fks.get()
            let options = SQLNormalizer.tableOptions(sql)
            var table = Table(name: name, columns: [], foreignKeys: [], withoutRowID: options.withoutRowID,
                              strict: options.strict, checks: SQLNormalizer.checkConstraints(sql), sql: sql)
            info.reset()
            try info.bind(name, at: 1)
            while try info.step() {
                let column = info.text(0)
                let meta = db.columnMetadata(table: name, column: column)
                table.columns.append(Column(
                    name: column, type: SQLNormalizer.normalizeType(info.text(1)), notNull: info.int64(2) != 0,
                    defaultValue: info.optionalText(3).map(SQLNormalizer.normalizeExpression),
                    primaryKey: Int(info.int64(4)), collation: (meta?.collation ?? "BINARY").uppercased(),
                    hidden: Int(info.int64(5)), autoincrement: meta?.autoincrement ?? false))
            }
            fks.reset()
            try fks.bind(name, at: 1)
            var byID: [Int64: ForeignKey] = [:]
            var order: [Int64] = []
            while try fks.step() {
                let id = fks.int64(0)
                if byID[id] == nil {
                    order.append(id)
                    byID[id] = ForeignKey(table: fks.text(2).lowercased(), from: [], to: [], onUpdate: fks.text(5),
                                          onDelete: fks.text(6), match: fks.text(7))
                }
                byID[id]!.from.append(fks.text(3).lowercased())
                byID[id]!.to.append(fks.optionalText(4)?.lowercased() ?? "")
            }
            table.foreignKeys = order.compactMap { byID[$0] }.sorted { "\($0)" < "\($1)" }
            snapshot.tables[name.lowercased()] = table
        }

        lazy var list = Result { try db.prepare("SELECT \"unique\" FROM pragma_index_list(?1) WHERE name = ?2") }
        lazy var cols = Result { try db.prepare("SELECT name, \"desc\", coll FROM pragma_index_xinfo(?1) WHERE key = 1 ORDER BY seqno") }
        for (name, table, sql) in indexNames {
            // Automatic indexes (UNIQUE/PRIMARY KEY constraints) are part of their table.
            guard let sql else { continue }
            let tableKey = table.lowercased()
            if let old = previous?.indexes[name.lowercased()], old.sql == sql, old.name == name, old.table == tableKey,
               let oldTable = previous?.tables[tableKey], let newTable = snapshot.tables[tableKey], oldTable.sql == newTable.sql {
                snapshot.indexes[name.lowercased()] = old
                continue
            }
            let list = try list.get(), cols = try cols.get()
            list.reset()
            try list.bind(table, at: 1)
            try list.bind(name, at: 2)
            let unique = try list.step() ? list.int64(0) != 0 : false
            cols.reset()
            try cols.bind(name, at: 1)
            var columns: [IndexColumn] = []
            while try cols.step() {
                columns.append(IndexColumn(name: cols.optionalText(0)?.lowercased(), descending: cols.int64(1) != 0,
                                           collation: cols.text(2).uppercased()))
            }
            snapshot.indexes[name.lowercased()] = Index(name: name, table: table.lowercased(), unique: unique, columns: columns,
                                                        condition: SQLNormalizer.partialIndexCondition(sql), sql: sql)
        }
        return snapshot
    }

}
