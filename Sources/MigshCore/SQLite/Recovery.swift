import CMigshSQLite
import FoundationEssentials
import Glibc

/// SQLite's recovery (sqlite3 3.40's `.recover`, ext/recover/sqlite3recover.c), done in
/// Swift over `DatabasePages`: the schema is read from page 1's b-tree, each table's rows
/// from the pages its b-tree reaches, and the rows of pages no b-tree reaches (below a
/// damaged interior page, say) go to a `lost_and_found` table. The SQL that rebuilds the
/// database is handed over statement by statement, as sqlite3's recovery hands it to its
/// shell; a scratch in-memory database plays its "output database" (it checks each CREATE
/// and names the columns) and SQLite's own `quote()` writes every value.
public struct Recovery {
    public struct Options: Sendable {
        /// `--ignore-freelist`: pages on the freelist are not searched for lost rows.
        public var ignoreFreelist = false
        /// `--lost-and-found TABLE`.
        public var lostAndFound = "lost_and_found"
        /// `--no-rowids`: rowids that are not an INTEGER PRIMARY KEY are not kept.
        public var keepRowids = true
        public init() {}
    }

    struct SchemaRow {
        var type: String?
        var name: [UInt8]?
        var tableName: String?
        var rootPage: Int64?
        var sql: [UInt8]?
        var text: String { String(decoding: sql ?? [], as: UTF8.self).lowercased() }
    }

    struct Column {
        var name: [UInt8]
        var hidden: Int32
        var field: Int
        var bind: Int
        var isRowidAlias = false
    }

    struct Table {
        var name: [UInt8]
        var root: Int64
        var columns: [Column]
        var rowidBind = 0
    }

    let pages: DatabasePages
    let options: Options
    let output: Connection
    let emit: ([UInt8]) throws -> Void
    private let quoteStatement: OpaquePointer

    /// Runs the recovery of `schema` of `connection`, handing each statement (without its
    /// `;`) to `emit`.
    public static func run(_ connection: Connection, schema: String = "main", options: Options = Options(),
                           emit: @escaping ([UInt8]) throws -> Void) throws {
        let pages: DatabasePages
        do {
            pages = try DatabasePages(of: connection, schema: schema)
        } catch where (try? connection.scalarInt("PRAGMA \(quoteIdentifier(schema)).page_count")) == 0 {
            // A database without a page (an empty `:memory:`): sqlite3 3.40 writes its start,
            // the settings read through PRAGMAs, and then fails.
            try emit(Array("BEGIN".utf8))
            try emit(Array("PRAGMA writable_schema = on".utf8))
            for name in ["encoding", "page_size", "auto_vacuum", "user_version", "application_id"] {
                let value = try connection.scalarText("PRAGMA \(quoteIdentifier(schema)).\(name)") ?? ""
                try emit(Array("PRAGMA \(name) = ".utf8) + quoted(Array(value.utf8)))
            }
            throw MigshError(.sqlite, ResultCode.error.description, resultCode: .error)
        }
        let output = try Connection(path: ":memory:", mode: .readWriteCreate)
        try output.execute("PRAGMA writable_schema = 1")
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(output.handle, "SELECT quote(?1)", -1, &statement, nil) == SQLITE_OK, let statement else {
            throw output.error(sqlite3_errcode(output.handle))
        }
        defer { sqlite3_finalize(statement) }
        try Recovery(pages: pages, options: options, output: output, emit: emit, quoteStatement: statement).run()
    }

    private func run() throws {
        try emit(Array("BEGIN".utf8))
        try emit(Array("PRAGMA writable_schema = on".utf8))
        try transferSettings()
        let schema = readSchema()
        _ = sqlite3_exec(output.handle, "BEGIN", nil, nil, nil)
        let tables = try writeSchema1(schema)
        try writeData(schema, tables: tables)
        try writeLostAndFound(schema)
        try writeSchema2(schema)
        _ = sqlite3_exec(output.handle, "COMMIT", nil, nil, nil)
        try emit(Array("PRAGMA writable_schema = off".utf8))
        try emit(Array("COMMIT".utf8))
    }

    /// The header's settings, as sqlite3's recovery reads them through PRAGMAs.
    private func transferSettings() throws {
        let h = pages.header
        let encoding = ["UTF-8", "UTF-8", "UTF-16le", "UTF-16be"][min(max(pages.textEncoding, 0), 3)]
        let autoVacuum = DatabasePages.uint32(h, 52) == 0 ? 0 : (DatabasePages.uint32(h, 64) == 0 ? 1 : 2)
        let settings: [(String, String)] = [
            ("encoding", encoding), ("page_size", "\(pages.pageSize)"), ("auto_vacuum", "\(autoVacuum)"),
            ("user_version", "\(Int32(bitPattern: DatabasePages.uint32(h, 60)))"),
            ("application_id", "\(Int32(bitPattern: DatabasePages.uint32(h, 68)))"),
        ]
        for (name, value) in settings {
            try emit(Array("PRAGMA \(name) = ".utf8) + Self.quoted(Array(value.utf8)))
        }
    }

    /// The pages a b-tree reaches from `root`, in the order sqlite3's recursive query visits
    /// them (breadth first, each page's children in `sqlite_dbptr`'s order, each page once).
    /// Each page is handed to `visit` as it is read, so that a large table is never held whole.
    func tree(from root: Int, _ visit: (Int, BTreePage) throws -> Void) rethrows {
        var queue = [root]
        var seen: Set<Int> = [root]
        var i = 0
        while i < queue.count {
            let number = queue[i]
            i += 1
            let page = BTreePage(number: number, in: pages)
            try visit(number, page)
            for child in page.children where seen.insert(child).inserted { queue.append(child) }
        }
    }

    /// sqlite_schema's rows from the pages its b-tree reaches, ordered by page and cell.
    func readSchema() -> [SchemaRow] {
        var schemaPages: [(Int, BTreePage)] = []
        tree(from: 1) { schemaPages.append(($0, $1)) }
        return schemaPages.sorted { $0.0 < $1.0 }.flatMap { $0.1.cells }.map { cell in
            func field(_ i: Int) -> RecordValue { i < cell.fields.count ? cell.fields[i] : .null }
            func bytes(_ v: RecordValue) -> [UInt8]? {
                switch v {
                case .text(let b), .blob(let b): return b
                case .integer(let n): return Array("\(n)".utf8)
                case .real, .null: return nil
                }
            }
            var root: Int64?
            if case .integer(let n) = field(3) { root = n }
            return SchemaRow(type: bytes(field(0)).map { String(decoding: $0, as: UTF8.self) }, name: bytes(field(1)),
                             tableName: bytes(field(2)).map { String(decoding: $0, as: UTF8.self) }, rootPage: root, sql: bytes(field(4)))
        }
    }

    /// Runs `sql` on the output database; true when it worked.
    private func execute(_ sql: [UInt8]) -> Bool {
        (sql + [0]).withUnsafeBufferPointer { buffer in
            buffer.baseAddress!.withMemoryRebound(to: CChar.self, capacity: buffer.count) {
                sqlite3_exec(output.handle, $0, nil, nil, nil) == SQLITE_OK
            }
        }
    }

    /// Tables first (sqlite_sequence first of them), then UNIQUE indexes: what must exist
    /// before the rows go in.
    private func writeSchema1(_ schema: [SchemaRow]) throws -> [Table] {
        var tables: [Table] = []
        let chosen = schema.filter { $0.type == "table" || ($0.type == "index" && $0.text.contains("unique")) }
        let ordered = chosen.filter { $0.type == "table" && $0.name == Array("sqlite_sequence".utf8) }
            + chosen.filter { $0.type == "table" && $0.name != Array("sqlite_sequence".utf8) }
            + chosen.filter { $0.type != "table" }
        for row in ordered {
            guard let sqlBytes = row.sql else { continue }
            let isVirtual = row.text.hasPrefix("create virtual")
            let name = row.name ?? []
            let sql = isVirtual
                ? Array("INSERT INTO sqlite_schema VALUES('table', ".utf8) + Self.quoted(name) + Array(", ".utf8)
                    + Self.quoted(name) + Array(", 0, ".utf8) + Self.quoted(sqlBytes) + Array(")".utf8)
                : sqlBytes
            guard execute(sql) else { continue }
            try emit(sql)
            if row.type == "table" && !isVirtual, let created = lastCreatedTable() {
                tables.append(describe(created, root: row.rootPage ?? 0))
            }
        }
        return tables
    }

    private func lastCreatedTable() -> [UInt8]? {
        rows("SELECT name FROM sqlite_schema WHERE type='table' ORDER BY rowid DESC LIMIT 1").first?.first ?? nil
    }

    /// The table's columns as the output database declares them (`PRAGMA table_xinfo`), and
    /// where each is in the stored record (`PRAGMA index_xinfo` of a WITHOUT ROWID table).
    private func describe(_ name: [UInt8], root: Int64) -> Table {
        var columns: [Column] = []
        var primaryKey = -1
        var bind = 1
        var field = 0
        for row in rows("PRAGMA table_xinfo(" + String(decoding: Self.quoted(name), as: UTF8.self) + ")") {
            let pkField = Int(String(decoding: row[5] ?? [], as: UTF8.self)) ?? 0
            let type = String(decoding: row[2] ?? [], as: UTF8.self)
            let hidden = Int32(String(decoding: row[6] ?? [], as: UTF8.self)) ?? 0
            if primaryKey == -1 && pkField == 1 && type.lowercased() == "integer" { primaryKey = columns.count }
            if pkField > 1 { primaryKey = -2 }
            var column = Column(name: row[1] ?? [], hidden: hidden, field: -1, bind: 0)
            if hidden != 2 { column.field = field; field += 1 }
            if hidden != 2 && hidden != 3 { column.bind = bind; bind += 1 }
            columns.append(column)
        }
        var intKey = true
        for row in rows("PRAGMA index_xinfo(" + String(decoding: Self.quoted(name), as: UTF8.self) + ")") {
            let seq = Int(String(decoding: row[0] ?? [], as: UTF8.self)) ?? 0
            let cid = Int(String(decoding: row[1] ?? [], as: UTF8.self)) ?? -1
            if cid >= 0 && cid < columns.count { columns[cid].field = seq }
            intKey = false
            primaryKey = -2
        }
        var table = Table(name: name, root: root, columns: columns)
        if primaryKey >= 0 {
            table.columns[primaryKey].isRowidAlias = true
        } else if intKey {
            table.rowidBind = bind
        }
        return table
    }

    /// Every table's rows, table by table (sqlite_sequence last, emptied first), in the
    /// order of the pages of its b-tree.
    private func writeData(_ schema: [SchemaRow], tables: [Table]) throws {
        let wanted = schema.filter { $0.type == "table" && !$0.text.hasPrefix("create virtual") }
        let ordered = wanted.filter { $0.tableName != "sqlite_sequence" } + wanted.filter { $0.tableName == "sqlite_sequence" }
        for row in ordered {
            guard let root = row.rootPage, let table = tables.last(where: { $0.root == root }) else { continue }
            if table.name == Array("sqlite_sequence".utf8) {
                _ = execute(Array("DELETE FROM sqlite_sequence".utf8))
                try emit(Array("DELETE FROM sqlite_sequence".utf8))
            }
            guard root > 0 && root <= Int64(pages.pageCount) else { continue }
            try tree(from: Int(root)) { _, page in
                for cell in page.cells {
                    TestPause.at("recover.row")
                    try CancellationToken.interrupt.check()
                    let values = Array(cell.fields.prefix(table.columns.count))
                    guard !values.isEmpty else { continue }
                    try emit(insert(into: table, values: values, rowid: cell.rowid))
                }
            }
        }
    }

    /// `INSERT OR IGNORE INTO 't'(_rowid_, 'a', 'b') VALUES (…)`, as sqlite3's recovery
    /// writes it for a record of `values.count` fields.
    private func insert(into table: Table, values: [RecordValue], rowid: Int64?) throws -> [UInt8] {
        var names: [[UInt8]] = []
        var literals: [[UInt8]] = []
        if table.rowidBind > 0 {
            names.append(Array("_rowid_".utf8))
            literals.append(options.keepRowids ? rowid.map { Array("\($0)".utf8) } ?? Array("NULL".utf8) : Array("NULL".utf8))
        }
        // The columns the record holds. sqlite3 3.40 takes the first N columns for a record
        // of N fields, which drops the last ones of a table with generated columns (a
        // generated column is not in the record, or not written back); migsh takes each
        // column whose field the record has.
        for column in table.columns where column.hidden != 2 && column.hidden != 3 && (column.isRowidAlias || column.field < values.count) {
            names.append(Self.quoted(column.name))
            let value: RecordValue
            if column.isRowidAlias, !(column.field < values.count && values[column.field] != .null) {
                // A rowid alias is stored as NULL. One that holds a value is no alias
                // (`INTEGER PRIMARY KEY DESC`): sqlite3 3.40 writes the rowid over it.
                value = rowid.map { .integer($0) } ?? .null
            } else {
                value = column.field >= 0 && column.field < values.count ? values[column.field] : .null
            }
            literals.append(Self.escapeLineBreaks(try quote(value)))
        }
        return Array("INSERT OR IGNORE INTO ".utf8) + Self.quoted(table.name) + Array("(".utf8)
            + Array(names.joined(separator: Array(", ".utf8))) + Array(") VALUES (".utf8)
            + Array(literals.joined(separator: Array(", ".utf8))) + Array(")".utf8)
    }

    /// Rows of pages that no b-tree of the schema reaches (and, unless `--ignore-freelist`,
    /// of free pages), in a table of their own: the root of the orphaned subtree, the page,
    /// the number of fields, the rowid, then the fields.
    private func writeLostAndFound(_ schema: [SchemaRow]) throws {
        let count = pages.pageCount
        var used = Set<Int>()
        for root in [1] + schema.compactMap({ $0.rootPage }).filter({ $0 > 0 }).map({ Int($0) }) {
            tree(from: root) { number, _ in used.insert(number) }
        }
        if options.ignoreFreelist { used.formUnion(freelist()) }
        var parent: [Int: Int?] = [:]
        var maxFields = 0
        var all: [Int: BTreePage] = [:]  // the pages no b-tree reaches: the only ones whose rows are kept
        for number in 1...max(count, 1) where count > 0 {
            let page = BTreePage(number: number, in: pages)
            if !used.contains(number) { all[number] = page }
            for child in page.children where !used.contains(child) && parent[child] == nil { parent[child] = .some(number) }
        }
        for number in 1...max(count, 1) where count > 0 && !used.contains(number) {
            if parent[number] == nil { parent[number] = .some(nil) }
            maxFields = max(maxFields, all[number]?.cells.map(\.fields.count).max() ?? 0)
        }
        guard maxFields > 0 else { return }
        var name = Array(options.lostAndFound.utf8)
        var suffix = -1
        while !rows("SELECT 1 FROM sqlite_schema WHERE name=" + String(decoding: Self.quoted(name), as: UTF8.self)).isEmpty {
            suffix += 1
            guard suffix < 1000 else { throw MigshError(.sqlite, "failed to create \(options.lostAndFound) output table") }
            name = Array("\(options.lostAndFound)_\(suffix)".utf8)
        }
        let create = Array("CREATE TABLE ".utf8) + name + Array("(rootpgno INTEGER, pgno INTEGER, nfield INTEGER, id INTEGER, ".utf8)
            + Array((0..<maxFields).map { "c\($0)" }.joined(separator: ", ").utf8) + Array(")".utf8)
        _ = execute(create)
        try emit(create)
        func root(of page: Int) -> Int {
            var current = page
            var seen: Set<Int> = [page]
            while let up = parent[current] {
                guard let next = up else { return current }
                guard seen.insert(next).inserted else { return page }
                current = next
            }
            return page
        }
        for number in 1...count where !used.contains(number) {
            for cell in all[number]?.cells ?? [] where !(cell.fields.isEmpty && cell.rowid == nil) {
                var literals: [[UInt8]] = [Array("\(root(of: number))".utf8), Array("\(number)".utf8),
                                           Array("\(cell.fields.count)".utf8), cell.rowid.map { Array("\($0)".utf8) } ?? Array("NULL".utf8)]
                for i in 0..<maxFields { literals.append(try quote(i < cell.fields.count ? cell.fields[i] : .null)) }
                try emit(Array("INSERT INTO ".utf8) + name + Array(" VALUES(".utf8) + Array(literals.joined(separator: Array(", ".utf8))) + Array(")".utf8))
            }
        }
    }

    /// The pages on the freelist: the trunk pages and the leaves each lists.
    private func freelist() -> Set<Int> {
        var result = Set<Int>()
        var trunk = Int(DatabasePages.uint32(pages.header, 32))
        var trunks = Set<Int>()
        while trunk > 0, trunks.insert(trunk).inserted, let data = pages.page(trunk) {
            result.insert(trunk)
            let n = min(16384, Int(DatabasePages.uint32(data, 4)) - 1)
            if n >= 0 { for i in 0...n { result.insert(Int(DatabasePages.uint32(data, 8 + 4 * i))) } }
            trunk = Int(DatabasePages.uint32(data, 0))
        }
        return result
    }

    /// Views, triggers and the indexes that are not UNIQUE, after the rows.
    private func writeSchema2(_ schema: [SchemaRow]) throws {
        for row in schema where row.type != nil && row.type != "table" && (row.type != "index" || (row.sql != nil && !row.text.contains("unique"))) {
            guard let sql = row.sql, execute(sql) else { continue }
            try emit(sql)
        }
    }

    // MARK: Values

    /// SQLite's `quote()` of the value; an infinite REAL is `9.0e+999` (3.40's quote() writes
    /// `Inf`, which no SQL reads back: its .recover loses the value, migsh's script loads).
    private func quote(_ value: RecordValue) throws -> [UInt8] {
        if case .real(let d) = value, d.isInfinite { return Array((d < 0 ? "-9.0e+999" : "9.0e+999").utf8) }
        let s = quoteStatement
        sqlite3_reset(s)
        sqlite3_clear_bindings(s)
        switch value {
        case .null: sqlite3_bind_null(s, 1)
        case .integer(let n): sqlite3_bind_int64(s, 1, n)
        case .real(let d): sqlite3_bind_double(s, 1, d)
        case .blob(let b): _ = b.withUnsafeBytes { sqlite3_bind_blob(s, 1, $0.baseAddress ?? UnsafeRawPointer(bitPattern: 1), Int32($0.count), SQLITE_TRANSIENT) }
        case .text(let b):
            let encoding: UInt8 = pages.textEncoding == 2 ? UInt8(SQLITE_UTF16LE) : pages.textEncoding == 3 ? UInt8(SQLITE_UTF16BE) : UInt8(SQLITE_UTF8)
            _ = b.withUnsafeBytes {
                sqlite3_bind_text64(s, 1, ($0.baseAddress ?? UnsafeRawPointer(bitPattern: 1)!).assumingMemoryBound(to: CChar.self),
                                    sqlite3_uint64($0.count), SQLITE_TRANSIENT, encoding)
            }
        }
        guard sqlite3_step(s) == SQLITE_ROW, let text = sqlite3_column_text(s, 0) else {
            throw output.error(sqlite3_errcode(output.handle))
        }
        // As a C string: sqlite3 prints each statement with "%s".
        return Array(UnsafeBufferPointer(start: text, count: strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self))))
    }

    /// The rows of a query on the output database, each column as bytes (nil for NULL).
    private func rows(_ sql: String) -> [[[UInt8]?]] {
        var statement: OpaquePointer?
        guard sqlite3_prepare_v2(output.handle, sql, -1, &statement, nil) == SQLITE_OK, let statement else { return [] }
        defer { sqlite3_finalize(statement) }
        var result: [[[UInt8]?]] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            result.append((0..<sqlite3_column_count(statement)).map { i in
                guard let text = sqlite3_column_text(statement, i) else { return nil }
                return Array(UnsafeBufferPointer(start: text, count: Int(sqlite3_column_bytes(statement, i))))
            })
        }
        return result
    }

    /// sqlite3_mprintf's `%Q`: in single quotes, quotes doubled.
    static func quoted(_ bytes: [UInt8]) -> [UInt8] {
        var out: [UInt8] = [39]
        for b in bytes { out.append(b); if b == 39 { out.append(39) } }
        out.append(39)
        return out
    }

    /// sqlite3's `escape_crnl`: a quoted text holding newlines or carriage returns becomes
    /// `replace(…,'\n',char(10))`, with a marker the text does not hold.
    static func escapeLineBreaks(_ quoted: [UInt8]) -> [UInt8] {
        guard quoted.first == 39, quoted.contains(10) || quoted.contains(13) else { return quoted }
        func unused(_ a: String, _ b: String) -> [UInt8] {
            func holds(_ s: [UInt8]) -> Bool {
                guard s.count <= quoted.count else { return false }
                return (0...(quoted.count - s.count)).contains { Array(quoted[$0..<$0 + s.count]) == s }
            }
            if !holds(Array(a.utf8)) { return Array(a.utf8) }
            if !holds(Array(b.utf8)) { return Array(b.utf8) }
            var i = 0
            while holds(Array("(\(a)\(i))".utf8)) { i += 1 }
            return Array("(\(a)\(i))".utf8)
        }
        let nl = quoted.contains(10) ? unused("\\n", "\\012") : nil
        let cr = quoted.contains(13) ? unused("\\r", "\\015") : nil
        var out: [UInt8] = Array((nl != nil && cr != nil ? "replace(replace(" : "replace(").utf8)
        for b in quoted {
            if b == 10, let nl { out += nl } else if b == 13, let cr { out += cr } else { out.append(b) }
        }
        if let nl { out += Array(",'".utf8) + nl + Array("', char(10))".utf8) }
        if let cr { out += Array(",'".utf8) + cr + Array("', char(13))".utf8) }
        return out
    }
}
