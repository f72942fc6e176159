import CMigshSQLite
import FoundationEssentials
import MigshBase

/// sqlite3's `.imposter`: a WITHOUT ROWID table over an index's b-tree (or a WITHOUT ROWID
/// table's), made with SQLITE_TESTCTRL_IMPOSTER, as sqlite3 3.40's shell makes it.
extension Connection {
    public enum ImposterOutcome: Equatable, Sendable {
        /// Made by `sql`; `ofTable` when the original is a WITHOUT ROWID table, not an index.
        case created(sql: String, ofTable: Bool)
        /// No index (nor WITHOUT ROWID table) of that name in `main`.
        case noSuchIndex
        /// `sql` failed with SQLite's `message`.
        case failed(sql: String, message: String)
        /// sqlite3_test_control returned this code.
        case testControlFailed(Int32)
    }

    /// Makes `imposter` over `index`'s b-tree. The queries are sqlite3's: an error in reading
    /// the schema reads as "no such index", as there.
    public func createImposter(of index: String, named imposter: String) -> ImposterOutcome {
        var rootPage: Int64 = 0
        var isWithoutRowid = false
        if let stmt = try? prepare("""
            SELECT rootpage, 0 FROM sqlite_schema WHERE name=?1 AND type='index' \
            UNION ALL SELECT rootpage, 1 FROM sqlite_schema WHERE name=?1 AND type='table' \
            AND sql LIKE '%without%rowid%'
            """) {
            try? stmt.bind(index, at: 1)
            if (try? stmt.step()) == true {
                rootPage = Int64(Int32(truncatingIfNeeded: stmt.int64(0)))
                isWithoutRowid = stmt.int64(1) != 0
            }
        }
        var columns: [String] = []
        var primaryKeyCount: Int?
        if let stmt = try? prepare("PRAGMA index_xinfo='" + index.replacingAll("'", with: "''") + "'") {
            while (try? stmt.step()) == true {
                var name = stmt.optionalText(2)
                if name == nil { name = stmt.int64(1) == -1 ? "_ROWID_" : "expr\(columns.count + 1)" }
                if isWithoutRowid && primaryKeyCount == nil && stmt.int64(5) == 0 && !columns.isEmpty { primaryKeyCount = columns.count }
                columns.append(quoteIdentifier(name!))
            }
        }
        guard !columns.isEmpty, rootPage != 0 else { return .noSuchIndex }
        let list = columns.joined(separator: ",")
        let key = primaryKeyCount.map { columns[..<$0].joined(separator: ",") } ?? list
        let sql = "CREATE TABLE \(quoteIdentifier(imposter))(\(list),PRIMARY KEY(\(key)))WITHOUT ROWID"
        let rc = migsh_sqlite3_test_control_imposter(handle, "main", 1, Int32(truncatingIfNeeded: rootPage))
        guard rc == SQLITE_OK else { return .testControlFailed(rc) }
        defer { migsh_sqlite3_test_control_imposter(handle, "main", 0, 0) }
        do {
            try execute(sql)
            return .created(sql: sql, ofTable: isWithoutRowid)
        } catch {
            return .failed(sql: sql, message: String(cString: sqlite3_errmsg(handle)))
        }
    }

    /// `.imposter off`: SQLITE_TESTCTRL_IMPOSTER with its "off" arguments (schema writable
    /// again after a by-hand edit).
    public func imposterOff() {
        migsh_sqlite3_test_control_imposter(handle, "main", 0, 1)
    }
}
