import CMigshSQLite
import MigshBase

/// `.dump`: the database as SQL text that rebuilds it, written exactly as the sqlite3 3.40
/// shell writes it (tables with their rows in schema order, `sqlite_sequence` last among them,
/// then indexes, triggers and views in creation order; values as `SQLLiteral` renders them).
public struct SQLDump {
    public struct Options: Sendable {
        public var dataOnly = false
        public var noSystemTables = false
        public var newlines = false
        public var preserveRowids = false
        public init() {}
    }

    public struct Summary: Sendable {
        public var tables = 0
        public var rows = 0
        public var errors = 0
        /// Ctrl-C stopped the dump: what was written is incomplete.
        public var interrupted = false
    }

    /// Where a dump is: the table being written, and the rows written of all the dumped
    /// tables' rows (counted before the dump starts), so one large table moves the share too.
    public struct Progress: Sendable {
        public var table: String
        public var tableNumber: Int
        public var tableCount: Int
        public var rowsWritten: Int
        public var totalRows: Int
        public var fraction: Double {
            totalRows > 0 ? min(1, Double(rowsWritten) / Double(totalRows)) : Double(tableNumber - 1) / Double(max(1, tableCount))
        }
    }

    let db: Connection
    let options: Options
    let patterns: [String]

    public init(db: Connection, options: Options, patterns: [String]) {
        self.db = db
        self.options = options
        self.patterns = patterns
    }

    /// Writes the dump through `write`, piece by piece (a large table is never held whole);
    /// `progress` is told as each table starts and every 256 rows.
    @discardableResult
    public func write(progress: ((Progress) -> Void)? = nil, _ write: ([UInt8]) -> Void) -> Summary {
        // Names read from the schema carry bytes that are not UTF-8 (`Statement.text`): written as stored.
        func text(_ s: String) { write(CarriedBytes.bytes(of: s)) }
        var summary = Summary()
        if !options.dataOnly { text("PRAGMA foreign_keys=OFF;\nBEGIN TRANSACTION;\n") }
        // As sqlite3: a savepoint and writable_schema, so a damaged schema can still be read.
        // The statements, and their order around the output, are sqlite3's (`.trace` shows them).
        try? db.execute("SAVEPOINT dump;")
        try? db.execute("PRAGMA writable_schema=ON")
        let filter = patterns.isEmpty ? "true" : patterns.map { p in
            let q = SQLParameters.quoteLiteral(p)
            return "name LIKE \(q) ESCAPE '\\' OR EXISTS (  SELECT 1 FROM sqlite_schema WHERE     name LIKE \(q) ESCAPE '\\' AND    sql LIKE 'CREATE VIRTUAL TABLE%' AND    substr(o.name, 1, length(name)+1) == (name||'_'))"
        }.joined(separator: " OR ")
        var wroteWritableSchema = false
        // Counted only when someone watches the progress (sqlite3 runs no such query).
        let tableCount = progress == nil ? 0 : Int((try? db.scalarInt("SELECT count(*) FROM sqlite_schema AS o WHERE (\(filter)) AND type=='table' AND sql NOT NULL")) ?? 0)
        var tableNumber = 0
        // The rows to write, counted only when someone watches the progress.
        var totalRows = 0
        if progress != nil, let tables = try? db.prepare("SELECT name FROM sqlite_schema AS o WHERE (\(filter)) AND type=='table' AND sql NOT NULL AND sql NOT LIKE 'CREATE VIRTUAL TABLE%'") {
            while (try? tables.step()) == true {
                totalRows += Int((try? db.scalarInt("SELECT count(*) FROM \(SQLLiteral.identifierIfNeeded(tables.text(0)))")) ?? 0)
            }
        }
        if let tables = try? db.prepare("SELECT name, type, sql FROM sqlite_schema AS o WHERE (\(filter)) AND type=='table'  AND sql NOT NULL ORDER BY tbl_name='sqlite_sequence', rowid") {
            while !summary.interrupted, (try? tables.step()) == true {
                let name = tables.text(0)
                let type = tables.text(1)
                let sql = tables.text(2)
                if name == "sqlite_sequence" && !options.noSystemTables {
                    if !options.dataOnly { text("DELETE FROM sqlite_sequence;\n") }
                } else if sqlite3_strglob("sqlite_stat?", name) == 0 && !options.noSystemTables {
                    if !options.dataOnly { text("ANALYZE sqlite_schema;\n") }
                } else if name.hasPrefix("sqlite_") {
                    continue
                } else if options.dataOnly {
                    // rows only
                } else if sql.hasPrefix("CREATE VIRTUAL TABLE") {
                    if !wroteWritableSchema {
                        text("PRAGMA writable_schema=ON;\n")
                        wroteWritableSchema = true
                    }
                    let q = SQLParameters.quoteLiteral
                    text("INSERT INTO sqlite_schema(type,name,tbl_name,rootpage,sql)VALUES('table',\(q(name)),\(q(name)),0,\(q(sql)));\n")
                    continue
                } else {
                    text(SchemaText.line(sql, tail: ";\n"))
                }
                guard type == "table" else { continue }
                tableNumber += 1
                var current = Progress(table: name, tableNumber: tableNumber, tableCount: tableCount, rowsWritten: summary.rows, totalRows: totalRows)
                progress?(current)
                summary.tables += 1
                let report = progress.map { tell in { (rows: Int) in current.rowsWritten = rows; tell(current) } }
                if !dumpRows(of: name, write: write, summary: &summary, progress: report) { summary.errors += 1 }
                if CancellationToken.interrupt.shouldStop { summary.interrupted = true }
            }
        }
        if CancellationToken.interrupt.shouldStop { summary.interrupted = true }
        if !summary.interrupted, !options.dataOnly, let others = try? db.prepare("SELECT sql FROM sqlite_schema AS o WHERE (\(filter)) AND sql NOT NULL  AND type IN ('index','trigger','view')") {
            while (try? others.step()) == true {
                let sql = others.text(0)
                text(sql + (sql.contains("--") ? "\n;\n" : ";\n"))
            }
        }
        if wroteWritableSchema { text("PRAGMA writable_schema=OFF;\n") }
        try? db.execute("PRAGMA writable_schema=OFF;")
        try? db.execute("RELEASE dump;")
        if summary.interrupted {
            // Run as a script, an incomplete dump changes nothing.
            if !options.dataOnly { text("ROLLBACK; -- interrupted: this dump is incomplete\n") }
        } else if !options.dataOnly {
            text(summary.errors > 0 ? "ROLLBACK; -- due to errors\n" : "COMMIT;\n")
        }
        return summary
    }

    /// Column `i` of the current row as sqlite3's `.dump` and `.mode insert` write a value.
    public static func literal(_ row: Statement.Row, _ i: Int, newlines: Bool = false) -> [UInt8] {
        switch row.type(i) {
        case .null: return Array("NULL".utf8)
        case .integer: return Array(String(row.int64(i)).utf8)
        case .float: return Array(SQLLiteral.real(row.double(i)).utf8)
        case .blob:
            let blob = row.blob(i)
            return SQLLiteral.hexBlob(blob.baseAddress, count: blob.count)
        case .text:
            let text = row.text(i)
            guard newlines else { return SQLLiteral.escapedText(text.map { UnsafeRawPointer($0) }) }
            return text.map { SQLLiteral.quoted($0) } ?? [0x27, 0x27]
        }
    }

    /// `INSERT INTO t VALUES(…);` for every row of `table`; false when its columns or rows
    /// cannot be read.
    private func dumpRows(of table: String, write: ([UInt8]) -> Void, summary: inout Summary, progress: ((Int) -> Void)? = nil) -> Bool {
        guard let info = try? db.prepare("PRAGMA table_info=\(SQLParameters.quoteLiteral(table))") else { return false }
        var columns: [String] = []
        var primaryKeyColumns = 0
        var isIntegerPrimaryKey = false
        while (try? info.step()) == true {
            columns.append(info.text(1))
            if info.int64(5) != 0 {
                primaryKeyColumns += 1
                isIntegerPrimaryKey = primaryKeyColumns == 1 && info.text(2).uppercased() == "INTEGER"
            }
        }
        guard !columns.isEmpty else { return false }
        var rowid: String?
        if options.preserveRowids {
            var keep = true
            if isIntegerPrimaryKey {
                keep = ((try? db.scalarInt("SELECT 1 FROM pragma_index_list(\(SQLParameters.quoteLiteral(table))) WHERE origin='pk'")) ?? nil) != nil
            }
            if keep, let candidate = ["rowid", "_rowid_", "oid"].first(where: { c in !columns.contains { $0.lowercased() == c } }),
               sqlite3_table_column_metadata(db.sqliteHandle, nil, table, candidate, nil, nil, nil, nil, nil) == SQLITE_OK {
                rowid = candidate
            }
        }
        let quotedColumns = columns.map(SQLLiteral.identifierIfNeeded)
        var target = SQLLiteral.identifierIfNeeded(table)
        if let rowid { target += "(" + ([rowid] + quotedColumns).joined(separator: ",") + ")" }
        let select = "SELECT " + ((rowid.map { [$0] } ?? []) + quotedColumns).joined(separator: ",") + " FROM " + SQLLiteral.identifierIfNeeded(table)
        guard let rows = try? db.prepare(select) else { return false }
        let prefix = CarriedBytes.bytes(of: "INSERT INTO \(target) VALUES(")
        let stmt = rows.sqliteHandle
        let n = sqlite3_column_count(stmt)
        while true {
            if summary.rows == 1 { TestPause.at("dump.row") }
            if CancellationToken.interrupt.shouldStop {
                summary.interrupted = true
                return true
            }
            let rc = sqlite3_step(stmt)
            if rc == SQLITE_DONE { break }
            guard rc == SQLITE_ROW else { return false }
            var line = prefix
            for i in 0..<n {
                if i > 0 { line.append(UInt8(ascii: ",")) }
                line += SQLDump.literal(rows.row, Int(i), newlines: options.newlines)
            }
            line += Array(");\n".utf8)
            write(line)
            summary.rows += 1
            if summary.rows % 256 == 1 { progress?(summary.rows) }
        }
        return true
    }
}
