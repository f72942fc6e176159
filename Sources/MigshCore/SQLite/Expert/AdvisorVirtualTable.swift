import CMigshSQLite

/// The `expert` virtual table module of sqlite3expert.c: in the advisor's first private
/// database every table of the user's schema is one of these, with the same columns and
/// collations. It holds no rows; its xBestIndex records each WHERE and ORDER BY term the
/// planner offers it (`IndexAdvisor.Scan`), which is how the advisor learns what a statement
/// would like an index on. Its rows, when `-sample` asks for them, are the user's table's,
/// read through the user's connection.
///
/// SQLite's callbacks are C functions that cannot capture: the advisor travels as the
/// module's client data, and the table and cursor objects are the two structs below, whose
/// first member is SQLite's own struct.
enum AdvisorVirtualTable {
    struct TableBox {
        var base = sqlite3_vtab()
        var advisor: Unmanaged<IndexAdvisor>
        var table: Int
    }

    struct CursorBox {
        var base = sqlite3_vtab_cursor()
        var rows: OpaquePointer?
    }

    /// Registers the module on the advisor's vtab database. The advisor outlives that
    /// database (it closes it), so the client data is not retained.
    static func register(on db: OpaquePointer, for advisor: IndexAdvisor) -> Int32 {
        sqlite3_create_module(db, "expert", module, Unmanaged.passUnretained(advisor).toOpaque())
    }

    static func box(_ table: UnsafeMutablePointer<sqlite3_vtab>) -> UnsafeMutablePointer<TableBox> {
        UnsafeMutableRawPointer(table).assumingMemoryBound(to: TableBox.self)
    }

    static func cursorBox(_ cursor: UnsafeMutablePointer<sqlite3_vtab_cursor>) -> UnsafeMutablePointer<CursorBox> {
        UnsafeMutableRawPointer(cursor).assumingMemoryBound(to: CursorBox.self)
    }

    /// `expertDequote`: the module argument is the `CREATE TABLE x(…)` to declare, quoted.
    static func dequote(_ quoted: [UInt8]) -> [UInt8] {
        var out: [UInt8] = []
        var i = 1
        while i < quoted.count - 1 {
            if quoted[i] == 0x27 { i += 1 }
            out.append(quoted[i])
            i += 1
        }
        return out
    }

    /// Written once and never freed: SQLite keeps the pointer while the module is registered.
    nonisolated(unsafe) static let module: UnsafeMutablePointer<sqlite3_module> = {
        let m = UnsafeMutablePointer<sqlite3_module>.allocate(capacity: 1)
        var module = sqlite3_module()
        module.iVersion = 2
        let connect: @convention(c) (OpaquePointer?, UnsafeMutableRawPointer?, Int32, UnsafePointer<UnsafePointer<CChar>?>?,
                                     UnsafeMutablePointer<UnsafeMutablePointer<sqlite3_vtab>?>?, UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>?) -> Int32 = {
            db, aux, argc, argv, tablePointer, errorPointer in
            guard let db, let aux, let argv, let tablePointer else { return SQLITE_ERROR }
            tablePointer.pointee = nil
            guard argc == 4, let quoted = bytes(of: argv[3]), quoted.count >= 2 else {
                errorPointer?.pointee = sqliteOwnedString(Array("internal error!".utf8))
                return SQLITE_ERROR
            }
            let declaration = AdvisorSQL(dequote(quoted))
            let rc = declaration.withCString { sqlite3_declare_vtab(db, $0) }
            guard rc == SQLITE_OK else { return rc }
            let advisor = Unmanaged<IndexAdvisor>.fromOpaque(aux)
            let name = bytes(of: argv[2])
            let tables = advisor.takeUnretainedValue().tables
            let table = tables.lastIndex { sameIgnoringCase($0.name, name) } ?? tables.count - 1
            let box = UnsafeMutablePointer<TableBox>.allocate(capacity: 1)
            box.initialize(to: TableBox(advisor: advisor, table: table))
            tablePointer.pointee = UnsafeMutableRawPointer(box).assumingMemoryBound(to: sqlite3_vtab.self)
            return SQLITE_OK
        }
        module.xCreate = connect
        module.xConnect = connect
        let disconnect: @convention(c) (UnsafeMutablePointer<sqlite3_vtab>?) -> Int32 = { table in
            guard let table else { return SQLITE_OK }
            let box = AdvisorVirtualTable.box(table)
            sqlite3_free(box.pointee.base.zErrMsg)
            box.deinitialize(count: 1)
            box.deallocate()
            return SQLITE_OK
        }
        module.xDisconnect = disconnect
        module.xDestroy = disconnect
        module.xBestIndex = { table, info in
            guard let table, let info else { return SQLITE_ERROR }
            let box = AdvisorVirtualTable.box(table)
            box.pointee.advisor.takeUnretainedValue().recordScan(of: box.pointee.table, info)
            return SQLITE_OK
        }
        module.xOpen = { _, cursorPointer in
            guard let cursorPointer else { return SQLITE_ERROR }
            let box = UnsafeMutablePointer<CursorBox>.allocate(capacity: 1)
            box.initialize(to: CursorBox())
            cursorPointer.pointee = UnsafeMutableRawPointer(box).assumingMemoryBound(to: sqlite3_vtab_cursor.self)
            return SQLITE_OK
        }
        module.xClose = { cursor in
            guard let cursor else { return SQLITE_OK }
            let box = cursorBox(cursor)
            sqlite3_finalize(box.pointee.rows)
            box.deinitialize(count: 1)
            box.deallocate()
            return SQLITE_OK
        }
        module.xEof = { cursor in
            guard let cursor else { return 1 }
            return cursorBox(cursor).pointee.rows == nil ? 1 : 0
        }
        module.xNext = { cursor in
            guard let cursor else { return SQLITE_ERROR }
            return next(cursorBox(cursor))
        }
        module.xRowid = { _, rowid in
            rowid?.pointee = 0
            return SQLITE_OK
        }
        module.xColumn = { cursor, context, column in
            guard let cursor, let context else { return SQLITE_ERROR }
            // > sqlite3_column_value … returns an unprotected sqlite3_value object, which may
            // > be passed to sqlite3_result_value().
            if let rows = cursorBox(cursor).pointee.rows, let value = sqlite3_column_value(rows, column) {
                sqlite3_result_value(context, value)
            }
            return SQLITE_OK
        }
        // -sample: the user's rows, those the sampling function keeps, read through the
        // user's connection (sqlite3expert.c's expertFilter).
        module.xFilter = { cursor, _, _, _, _ in
            guard let cursor, let table = cursor.pointee.pVtab else { return SQLITE_ERROR }
            let box = cursorBox(cursor)
            var rc = sqlite3_finalize(box.pointee.rows)
            box.pointee.rows = nil
            guard rc == SQLITE_OK else { return rc }
            let tableBox = AdvisorVirtualTable.box(table)
            let advisor = tableBox.pointee.advisor.takeUnretainedValue()
            var sql: AdvisorSQL = "SELECT * FROM main."
            sql.addQuoted(advisor.tables[tableBox.pointee.table].name)
            sql.add(" WHERE \(IndexAdvisor.sampleFunction)()")
            var rows: OpaquePointer?
            rc = sql.withCString { sqlite3_prepare_v2(advisor.user, $0, -1, &rows, nil) }
            guard rc == SQLITE_OK else {
                sqlite3_finalize(rows)
                sqlite3_free(table.pointee.zErrMsg)
                table.pointee.zErrMsg = sqliteOwnedString(errorMessage(of: advisor.user))
                return rc
            }
            box.pointee.rows = rows
            return next(box)
        }
        // Writes are prepared (to learn what triggers they fire), never run.
        module.xUpdate = { _, _, _, _ in SQLITE_OK }
        m.initialize(to: module)
        return m
    }()

    static func next(_ box: UnsafeMutablePointer<CursorBox>) -> Int32 {
        guard let rows = box.pointee.rows else { return SQLITE_OK }
        if sqlite3_step(rows) == SQLITE_ROW { return SQLITE_OK }
        box.pointee.rows = nil
        return sqlite3_finalize(rows)
    }
}
