import CMigshSQLite

/// sqlite3 3.40's index advisor (`.expert`, ext/expert/sqlite3expert.c), written against
/// SQLite's C API because the system library does not include it. Same algorithm, so the
/// same candidates, names and plans:
///
/// 1. The user's schema is copied into two private in-memory databases: `indexes` gets it as
///    it is (tables, indexes, views, triggers), `vtabs` gets every table as an `expert`
///    virtual table (`AdvisorVirtualTable`) with the same columns and collations.
/// 2. `add(sql:)` prepares each statement against `vtabs`: the planner offers each table's
///    WHERE and ORDER BY terms to xBestIndex, which records them (`Scan`). Writes are noted
///    through an authorizer, and `analyze()` prepares them again against copies of the
///    tables with their triggers, to record the triggers' scans too.
/// 3. `analyze()` makes the candidate indexes from each scan (equality columns first, then
///    one range column or the ORDER BY columns, with their collations and DESC), creates
///    them in `indexes` (with sqlite_stat1 computed from the user's rows under `-sample`),
///    and reports, for each statement, the candidates its EXPLAIN QUERY PLAN uses there.
///
/// Neither private database is a file; the user's database is only read (its schema, and its
/// rows for `-sample`), through the user's connection.
public final class IndexAdvisor {
    struct Column {
        var name: [UInt8]
        var collation: [UInt8]
        /// The table's only primary-key column: its constraints need no new index.
        var isPrimaryKey: Bool
    }

    struct Table {
        var name: [UInt8]
        var columns: [Column]
    }

    /// One WHERE term (`col = ?`, or one end of a range) or ORDER BY term of one scan.
    struct Constraint {
        var collation: [UInt8]
        var column: Int
        var descending = false
    }

    /// What the planner offered one table in one call of xBestIndex. The lists are in the
    /// order sqlite3expert.c's linked lists have: each term is put in front of the earlier ones.
    struct Scan {
        var table: Int
        var equalities: [Constraint] = []
        var ranges: [Constraint] = []
        var order: [Constraint] = []
    }

    /// A table that a statement (or a trigger it fires) writes: INSERT, UPDATE or DELETE.
    struct Write: Equatable {
        var table: Int
        var operation: Int32
    }

    struct CandidateIndex {
        var name: [UInt8]
        var sql: [UInt8]
        var stat1: [UInt8]?
    }

    /// A candidate index: its CREATE INDEX statement, and with `-sample` its statistics.
    public struct Candidate: Sendable, Equatable {
        public var sql: [UInt8]
        public var stat1: [UInt8]?
    }

    /// One analysed statement: its text, the candidates its plan uses (the one found last
    /// first, as sqlite3 lists them) and its query plan's lines.
    public struct StatementAdvice: Sendable, Equatable {
        public var sql: [UInt8]
        public var indexes: [[UInt8]]
        public var plan: [[UInt8]]
    }

    public struct Report: Sendable, Equatable {
        /// Every candidate, the one made last first.
        public var candidates: [Candidate]
        public var statements: [StatementAdvice]
    }

    /// A table name no user schema is expected to have (sqlite3expert.c's UNIQUE_TABLE_NAME).
    static let scratchTable = "t592690916721053953805701627921227776"
    /// The functions `-sample` puts on the user's connection while it reads the rows, under
    /// names no user function has (sqlite3expert.c calls them `sample` and `rem`, and leaves
    /// them there); they are removed when the statistics are done.
    static let sampleFunction = "migsh_expert_sample"
    static let previousValueFunction = "migsh_expert_rem"

    let connection: Connection
    var user: OpaquePointer { connection.sqliteHandle }
    /// sqlite3expert.c's `dbv`: the tables as virtual tables, and the views.
    let vtabs: OpaquePointer
    /// sqlite3expert.c's `dbm`: the schema as it is, then the candidate indexes.
    let indexes: OpaquePointer
    /// `-sample`: the percentage of each table's rows read for sqlite_stat1 (0: none).
    let samplePercent: Int

    var tables: [Table] = []
    var scans: [Scan] = []
    var writes: [Write] = []
    var statements: [[UInt8]] = []
    var candidates: [CandidateIndex] = []

    /// sqlite3_expert_new: the two private databases, holding the schema of `database`.
    public init(database: Connection, samplePercent: Int) throws(IndexAdvisorError) {
        connection = database
        self.samplePercent = min(100, max(0, samplePercent))
        let origin = database.sqliteHandle
        func open() throws(IndexAdvisorError) -> OpaquePointer {
            var db: OpaquePointer?
            let rc = sqlite3_open(":memory:", &db)
            guard rc == SQLITE_OK, let db else {
                sqlite3_close_v2(db)
                throw IndexAdvisorError(nil, database: origin)
            }
            return db
        }
        vtabs = try open()
        do {
            indexes = try open()
        } catch {
            sqlite3_close_v2(vtabs)
            throw error
        }
        // So that a write's plan shows what its triggers do, as sqlite3 shows it.
        migsh_sqlite3_db_config_int(indexes, SQLITE_DBCONFIG_TRIGGER_EQP, 1, nil)
        do {
            try copySchema()
            try createVirtualTables()
        } catch let error as IndexAdvisorError {
            throw error
        } catch {
            throw IndexAdvisorError(nil, database: origin)
        }
        installWriteObserver()
    }

    deinit {
        sqlite3_close_v2(indexes)
        sqlite3_close_v2(vtabs)
    }

    /// A statement of the advisor's on `db`. `withMessage`: false where sqlite3expert.c
    /// keeps only the result code of a failure (sqlite3 then shows the user connection's message).
    func statement(_ sql: AdvisorSQL, on db: OpaquePointer, withMessage: Bool = true) throws -> AdvisorStatement {
        do {
            return try AdvisorStatement(sql, on: db, origin: user)
        } catch var error as IndexAdvisorError {
            if !withMessage { error.message = nil }
            throw error
        }
    }

    /// `sqlite3_exec` on `db`, as `statement`.
    func run(_ sql: AdvisorSQL, on db: OpaquePointer, withMessage: Bool = true) throws {
        do {
            try execute(sql, on: db, origin: user)
        } catch var error as IndexAdvisorError {
            if !withMessage { error.message = nil }
            throw error
        }
    }

    /// Every CREATE statement of the user's schema, but virtual tables and SQLite's own, into `indexes`.
    private func copySchema() throws {
        let schema = try statement("SELECT sql FROM sqlite_schema WHERE name NOT LIKE 'sqlite_%' AND sql NOT LIKE 'CREATE VIRTUAL %'", on: user)
        while schema.step() {
            if let sql = schema.text(0) { try run(AdvisorSQL(sql), on: indexes) }
        }
        try schema.finalize(origin: user)
    }

    /// Every table of the user's schema as an `expert` virtual table in `vtabs`; its views,
    /// and the triggers on them, as they are.
    private func createVirtualTables() throws {
        guard AdvisorVirtualTable.register(on: vtabs, for: self) == SQLITE_OK else { throw IndexAdvisorError(nil, database: user) }
        let schema = try statement("""
            SELECT type, name, sql, 1 FROM sqlite_schema WHERE type IN ('table','view') AND name NOT LIKE 'sqlite_%%' \
             UNION ALL SELECT type, name, sql, 2 FROM sqlite_schema WHERE type = 'trigger'  AND tbl_name IN(SELECT name \
            FROM sqlite_schema WHERE type = 'view') ORDER BY 4, 1
            """, on: user)
        while schema.step() {
            guard let type = schema.text(0), let name = schema.text(1) else { continue }
            if type.first == UInt8(ascii: "v") || (type.count > 1 && type[1] == UInt8(ascii: "r")) {
                if let sql = schema.text(2) { try run(AdvisorSQL(sql), on: vtabs) }
                continue
            }
            let table = try tableInfo(name)
            tables.append(table)
            var inner: AdvisorSQL = "CREATE TABLE x("
            for (i, column) in table.columns.enumerated() {
                if i > 0 { inner.add(", ") }
                inner.addQuoted(column.name)
                inner.add(" COLLATE ")
                inner.add(bytes: column.collation)
            }
            inner.add(")")
            var outer: AdvisorSQL = "CREATE VIRTUAL TABLE "
            outer.addQuoted(name)
            outer.add(" USING expert(")
            outer.addQuoted(inner.bytes)
            outer.add(")")
            try run(outer, on: vtabs)
        }
        try schema.finalize(origin: user)
    }

    /// A table's columns (hidden and generated ones included) with their collations, from
    /// the user's database (sqlite3expert.c's idxGetTableInfo).
    private func tableInfo(_ name: [UInt8]) throws -> Table {
        var pragma: AdvisorSQL = "PRAGMA table_xinfo="
        pragma.addQuoted(name)
        let info = try statement(pragma, on: user)
        var rows: [(name: [UInt8], pk: Int32, collation: [UInt8])] = []
        var failed = false
        while info.step() {
            guard let column = info.text(1) else { failed = true; break }
            var collation: UnsafePointer<CChar>?
            let rc = (name + [0]).withUnsafeBufferPointer { table in
                (column + [0]).withUnsafeBufferPointer { col in
                    sqlite3_table_column_metadata(user, "main", UnsafeRawPointer(table.baseAddress!).assumingMemoryBound(to: CChar.self),
                                                  UnsafeRawPointer(col.baseAddress!).assumingMemoryBound(to: CChar.self),
                                                  nil, &collation, nil, nil, nil)
                }
            }
            if rc != SQLITE_OK { failed = true; break }
            rows.append((column, info.int(5), collation.flatMap(bytes(of:)) ?? Array("binary".utf8)))
        }
        try info.finalize(origin: user)
        if failed { throw IndexAdvisorError(nil, database: user) }
        let keyColumns = rows.filter { $0.pk > 0 }.count
        return Table(name: name, columns: rows.map { Column(name: $0.name, collation: $0.collation, isPrimaryKey: $0.pk == 1 && keyColumns == 1) })
    }

    // MARK: Statements

    /// sqlite3_expert_sql: each statement of `sql` prepared against the virtual tables, which
    /// records what the planner asked of them. On an error nothing of `sql` is kept.
    public func add(sql: [UInt8]) throws(IndexAdvisorError) {
        let (scanCount, statementCount) = (scans.count, statements.count)
        var text = sql
        text.append(0)
        let failure: [UInt8]? = text.withUnsafeBufferPointer { buffer in
            var cursor: UnsafePointer<CChar>? = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            while let current = cursor, current.pointee != 0 {
                var stmt: OpaquePointer?
                var tail: UnsafePointer<CChar>?
                guard sqlite3_prepare_v2(vtabs, current, -1, &stmt, &tail) == SQLITE_OK else { return errorMessage(of: vtabs) }
                if let stmt {
                    statements.append(bytes(of: sqlite3_sql(stmt)) ?? [])
                    sqlite3_finalize(stmt)
                }
                cursor = tail
            }
            return nil
        }
        if let failure {
            scans.removeLast(scans.count - scanCount)
            statements.removeLast(statements.count - statementCount)
            throw IndexAdvisorError(failure, database: user)
        }
    }

    /// xBestIndex of table number `table`: the usable terms on its columns (but its only
    /// primary-key column) and its ORDER BY, as one scan; the cost falls with each term, so
    /// that the planner takes the plan with the most.
    func recordScan(of table: Int, _ info: UnsafeMutablePointer<sqlite3_index_info>) {
        var scan = Scan(table: table)
        var used: Int32 = 0
        // EQ, GT, LE, LT, GE: sqlite3expert.c tests the bits of the operator, so that the
        // other operators sharing one of them (GLOB, NE, IS NOT, IS [NOT] NULL, IS, …) are ranges too.
        let mask = SQLITE_INDEX_CONSTRAINT_EQ | SQLITE_INDEX_CONSTRAINT_GT | SQLITE_INDEX_CONSTRAINT_LT
            | SQLITE_INDEX_CONSTRAINT_GE | SQLITE_INDEX_CONSTRAINT_LE
        let columns = tables[table].columns
        for i in 0..<Int(info.pointee.nConstraint) {
            let constraint = info.pointee.aConstraint[i]
            let column = Int(constraint.iColumn)
            guard constraint.usable != 0, column >= 0, column < columns.count, !columns[column].isPrimaryKey,
                  Int32(constraint.op) & mask != 0 else { continue }
            // > The sqlite3_vtab_collation() interface … returns the name of the collating
            // > sequence that should be used by the constraint.
            let collation = bytes(of: sqlite3_vtab_collation(info, Int32(i))) ?? Array("BINARY".utf8)
            let term = Constraint(collation: collation, column: column)
            if Int32(constraint.op) == SQLITE_INDEX_CONSTRAINT_EQ {
                scan.equalities.insert(term, at: 0)
            } else {
                scan.ranges.insert(term, at: 0)
            }
            used += 1
            info.pointee.aConstraintUsage[i].argvIndex = used
        }
        for i in stride(from: Int(info.pointee.nOrderBy) - 1, through: 0, by: -1) {
            let term = info.pointee.aOrderBy[i]
            let column = Int(term.iColumn)
            guard column >= 0, column < columns.count else { continue }
            scan.order.insert(Constraint(collation: columns[column].collation, column: column, descending: term.desc != 0), at: 0)
            used += 1
        }
        scans.append(scan)
        info.pointee.estimatedCost = 1000000.0 / Double(used + 1)
    }

    /// An authorizer on `vtabs` that notes each table of the user's schema written, and how
    /// (sqlite3expert.c's idxAuthCallback); it allows everything.
    private func installWriteObserver() {
        sqlite3_set_authorizer(vtabs, { context, action, table, _, database, _ in
            guard let context, action == SQLITE_INSERT || action == SQLITE_UPDATE || action == SQLITE_DELETE,
                  sameIgnoringCase(bytes(of: database), Array("main".utf8)) else { return SQLITE_OK }
            let advisor = Unmanaged<IndexAdvisor>.fromOpaque(context).takeUnretainedValue()
            let name = bytes(of: table)
            guard let index = advisor.tables.lastIndex(where: { sameIgnoringCase($0.name, name) }) else { return SQLITE_OK }
            let write = Write(table: index, operation: action)
            if !advisor.writes.contains(write) { advisor.writes.append(write) }
            return SQLITE_OK
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    // MARK: Analysis

    /// sqlite3_expert_analyze: the candidates, created in `indexes` (with statistics under
    /// `-sample`), and for each statement the ones its plan uses there.
    public func analyze() throws(IndexAdvisorError) -> Report {
        do {
            try prepareTriggeredWrites()
            try createCandidates()
            try computeStatistics()
            let advice = try adviseStatements()
            return Report(candidates: candidates.reversed().map { Candidate(sql: $0.sql, stat1: $0.stat1) }, statements: advice)
        } catch let error as IndexAdvisorError {
            throw error
        } catch {
            throw IndexAdvisorError(nil, database: user)
        }
    }

    /// Each table written, with its triggers, copied as a real table into `vtabs`' temp
    /// schema under another name, and the write prepared against it, so that the triggers'
    /// statements are planned (their scans recorded); writes those triggers make are done
    /// the same way in the next round (sqlite3expert.c's idxProcessTriggers).
    private func prepareTriggeredWrites() throws {
        var done = 0
        while done < writes.count {
            let end = writes.count
            for write in writes[done..<end].reversed() { try prepareTriggers(of: write) }
            done = end
        }
    }

    private func prepareTriggers(of write: Write) throws {
        let table = tables[write.table]
        var select: AdvisorSQL = "SELECT 'CREATE TEMP' || substr(sql, 7) FROM sqlite_schema WHERE tbl_name = "
        select.addQuoted(table.name)
        select.add(" AND type IN ('table', 'trigger') ORDER BY type;")
        let creates = try statement(select, on: user)
        while creates.step() {
            if let sql = creates.text(0) { try run(AdvisorSQL(sql), on: vtabs) }
        }
        try creates.finalize(origin: user)

        var rename: AdvisorSQL = "ALTER TABLE temp."
        rename.addQuoted(table.name)
        rename.add(" RENAME TO ")
        rename.addQuoted(Array(Self.scratchTable.utf8))
        try run(rename, on: vtabs)

        let scratch = Array(Self.scratchTable.utf8)
        var sql: AdvisorSQL
        switch write.operation {
        case SQLITE_INSERT:
            sql = "INSERT INTO "
            sql.addQuoted(scratch)
            sql.add(" VALUES(" + table.columns.map { _ in "?" }.joined(separator: ", ") + ")")
        case SQLITE_UPDATE:
            sql = "UPDATE "
            sql.addQuoted(scratch)
            sql.add(" SET ")
            for (i, column) in table.columns.enumerated() {
                if i > 0 { sql.add(", ") }
                sql.addQuoted(column.name)
                sql.add("=?")
            }
        default:
            sql = "DELETE FROM "
            sql.addQuoted(scratch)
        }
        let prepared = try statement(sql, on: vtabs)
        do {
            try prepared.finalize(origin: user)
        } catch {
            throw IndexAdvisorError(errorMessage(of: vtabs), database: user)
        }
        try run("DROP TABLE " + Self.scratchTable, on: vtabs)
    }
}
