import CMigshSQLite
import FoundationEssentials
import Glibc

/// sqlite3 3.40's `.lint fkey-indexes`: for each foreign key of the main schema, whether an
/// index lets SQLite find the child rows when a parent row is deleted or updated (the query
/// plan of `SELECT 1 FROM child WHERE key=?` uses one), and the CREATE INDEX that would.
/// The query is sqlite3's own, with its `fkey_collate_clause()` registered for the call.
public enum ForeignKeyIndexes {
    public struct Finding: Sendable, Encodable {
        /// `child(key1, key2)`.
        public var from: String
        /// `parent(col1,col2)`.
        public var target: String
        /// `CREATE INDEX 'child_key' ON 'child'('key');`.
        public var createIndex: String
        public var parent: String
        /// An index (or the rowid) already serves the lookup.
        public var indexed: Bool
    }

    /// Every foreign key, ordered by child table (or by parent table with `byParent`).
    public static func check(_ connection: Connection, byParent: Bool) throws -> [Finding] {
        let db = connection.handle
        // > sqlite3_create_function() ... with a NULL xFunc ... deletes the function.
        sqlite3_create_function(db, "fkey_collate_clause", 4, SQLITE_UTF8, nil, collateClause, nil, nil)
        defer { sqlite3_create_function(db, "fkey_collate_clause", 4, SQLITE_UTF8, nil, nil, nil, nil) }
        let query = try connection.prepare("""
            SELECT 'EXPLAIN QUERY PLAN SELECT 1 FROM ' || quote(s.name) || ' WHERE ' || group_concat(quote(s.name) || '.' || quote(f.[from]) || '=?' || fkey_collate_clause(f.[table], COALESCE(f.[to], p.[name]), s.name, f.[from]),' AND '), \
            'SEARCH ' || s.name || ' USING COVERING INDEX*(' || group_concat('*=?', ' AND ') || ')', \
            s.name || '(' || group_concat(f.[from], ', ') || ')', \
            f.[table] || '(' || group_concat(COALESCE(f.[to], p.[name])) || ')', \
            'CREATE INDEX ' || quote(s.name ||'_'|| group_concat(f.[from], '_')) || ' ON ' || quote(s.name) || '(' || group_concat(quote(f.[from]) || fkey_collate_clause(f.[table], COALESCE(f.[to], p.[name]), s.name, f.[from]), ', ') || ');', \
            f.[table] \
            FROM sqlite_schema AS s, pragma_foreign_key_list(s.name) AS f LEFT JOIN pragma_table_info AS p ON (pk-1=seq AND p.arg=f.[table]) \
            GROUP BY s.name, f.id ORDER BY (CASE WHEN ? THEN f.[table] ELSE s.name END)
            """)
        sqlite3_bind_int(query.handle, 1, byParent ? 1 : 0)
        var findings: [Finding] = []
        while try query.step() {
            guard !query.isNull(0), !query.isNull(1) else { continue }
            let plan = try connection.prepare(query.text(0))
            var indexed = false
            if try plan.step(), !plan.isNull(3) {
                let detail = plan.text(3)
                indexed = sqlite3_strglob(query.text(1), detail) == 0
                    || sqlite3_strglob("SEARCH * USING INTEGER PRIMARY KEY (rowid=?)", detail) == 0
            }
            findings.append(Finding(from: query.text(2), target: query.text(3), createIndex: query.text(4),
                                    parent: query.text(5), indexed: indexed))
        }
        return findings
    }

    /// sqlite3's shellFkeyCollateClause: ` COLLATE X` when the parent column's collation
    /// differs from the child column's, else "".
    private static let collateClause: @convention(c) (OpaquePointer?, Int32, UnsafeMutablePointer<OpaquePointer?>?) -> Void = { context, _, values in
        guard let context, let values else { return }
        let db = sqlite3_context_db_handle(context)
        sqlite3_result_text(context, "", -1, nil)
        func text(_ i: Int) -> UnsafePointer<CChar>? {
            sqlite3_value_text(values[i]).map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }
        }
        var parentCollation: UnsafePointer<CChar>?
        var childCollation: UnsafePointer<CChar>?
        guard sqlite3_table_column_metadata(db, "main", text(0), text(1), nil, &parentCollation, nil, nil, nil) == SQLITE_OK,
              sqlite3_table_column_metadata(db, "main", text(2), text(3), nil, &childCollation, nil, nil, nil) == SQLITE_OK,
              let parentCollation, let childCollation, sqlite3_stricmp(parentCollation, childCollation) != 0 else { return }
        let clause = " COLLATE " + String(cString: parentCollation)
        sqlite3_result_text(context, clause, -1, SQLITE_TRANSIENT)
    }
}
