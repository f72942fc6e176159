import CMigshSQLite
import FoundationEssentials

/// A table-valued function (an eponymous virtual table: `generate_series`, `fsdir`,
/// `completion`) written in Swift. SQLite's callbacks are C functions that cannot capture, so
/// they are written once here and reach the Swift objects through the C structs SQLite hands
/// back: the module object through `sqlite3_create_module_v2`'s client data, the table and
/// cursor objects through the two structs below, whose first member is SQLite's own struct.
/// Each struct is allocated with `UnsafeMutablePointer` and freed in xDisconnect / xClose.
final class TableFunctionModule {
    /// The `CREATE TABLE x(…)` given to `sqlite3_declare_vtab`.
    let schema: String
    /// `SQLITE_VTAB_INNOCUOUS` or `SQLITE_VTAB_DIRECTONLY`.
    let risk: Int32
    /// xBestIndex: the plan's result code, or an error message.
    let bestIndex: (UnsafeMutablePointer<sqlite3_index_info>) -> TableFunctionPlan
    let makeCursor: () -> TableFunctionCursor
    /// For a table that can also be made with CREATE VIRTUAL TABLE and written (`zipfile`):
    /// makes the table's object from the connection, the table's name and the module's
    /// arguments (sqlite3's argv[2] and argv[3…]), or throws the constructor's error.
    var makeTable: ((OpaquePointer, [UInt8], [[UInt8]]) throws -> TableFunctionTable)?
    /// A function the table overloads (xFindFunction: `zipfile_cds(z)`), used when its first
    /// argument is one of the table's columns: its name, and what it does with the table's
    /// object, the function's context and its arguments. The connection must also have
    /// `sqlite3_overload_function` for the name.
    var overload: (name: String, call: (TableFunctionTable?, OpaquePointer, [OpaquePointer?]) -> Void)?

    init(schema: String, risk: Int32, bestIndex: @escaping (UnsafeMutablePointer<sqlite3_index_info>) -> TableFunctionPlan,
         makeCursor: @escaping () -> TableFunctionCursor) {
        self.schema = schema
        self.risk = risk
        self.bestIndex = bestIndex
        self.makeCursor = makeCursor
    }
}

enum TableFunctionPlan {
    case ok
    /// `SQLITE_CONSTRAINT`: this plan is unusable (an argument's value is not known yet).
    case unusable
    case error(String)
}

/// The object behind one writable virtual table (xUpdate and the transaction methods).
class TableFunctionTable {
    /// xUpdate: SQLite's argv (old key, new key, the columns).
    func update(_ values: [OpaquePointer?]) throws {}
    func begin() throws {}
    func commit() throws {}
    func rollback() throws {}
}

/// One scan of a table-valued function. Subclasses override every method.
class TableFunctionCursor {
    /// The table it scans, for a writable one.
    var table: TableFunctionTable?
    /// xFilter: positions the cursor on the first row; throws the message of an error.
    func filter(indexNumber: Int32, arguments: [OpaquePointer?]) throws {}
    func next() throws {}
    var isAtEnd: Bool { true }
    func column(_ index: Int32, into context: OpaquePointer) {}
    var rowid: Int64 { 0 }
}

struct TableFunctionError: Error {
    /// The message's bytes: a file name in it is the system's bytes, UTF-8 or not.
    var message: [UInt8]
    /// The result code xUpdate and the transaction methods return.
    var code: Int32 = SQLITE_ERROR
    init(_ message: String, code: Int32 = SQLITE_ERROR) {
        self.message = Array(message.utf8)
        self.code = code
    }
    init(bytes: [UInt8], code: Int32 = SQLITE_ERROR) {
        message = bytes
        self.code = code
    }
}

/// sqlite3_vtab with the module that made it. The layout puts SQLite's struct first, as a C
/// "subclass" does: SQLite only ever sees the pointer to `base`.
private struct TableBox {
    var base = sqlite3_vtab()
    var module: Unmanaged<TableFunctionModule>
    var table: TableFunctionTable?
}

private struct CursorBox {
    var base = sqlite3_vtab_cursor()
    var cursor: Unmanaged<TableFunctionCursor>
}

/// A string SQLite frees with sqlite3_free (zErrMsg).
func sqliteOwnedString(_ bytes: [UInt8]) -> UnsafeMutablePointer<CChar>? {
    guard let memory = sqlite3_malloc64(UInt64(bytes.count + 1)) else { return nil }
    let pointer = memory.bindMemory(to: CChar.self, capacity: bytes.count + 1)
    bytes.withUnsafeBufferPointer { buffer in
        for (i, byte) in buffer.enumerated() { pointer[i] = CChar(bitPattern: byte) }
    }
    pointer[bytes.count] = 0
    return pointer
}

private func setError(_ table: UnsafeMutablePointer<sqlite3_vtab>?, _ message: [UInt8]) {
    guard let table else { return }
    sqlite3_free(table.pointee.zErrMsg)
    table.pointee.zErrMsg = sqliteOwnedString(message)
}

enum TableFunctions {
    /// The one sqlite3_module every table-valued function shares: its callbacks dispatch on
    /// the objects above. Written once and never freed (SQLite keeps the pointer for as long
    /// as the module is registered).
    nonisolated(unsafe) static let module: UnsafeMutablePointer<sqlite3_module> = {
        let m = UnsafeMutablePointer<sqlite3_module>.allocate(capacity: 1)
        var module = sqlite3_module()
        module.iVersion = 0
        // xCreate stays nil: an eponymous-only table (CREATE VIRTUAL TABLE … USING it fails).
        module.xConnect = { db, aux, count, arguments, tablePointer, errorPointer in
            guard let db, let aux, let tablePointer else { return SQLITE_ERROR }
            let object = Unmanaged<TableFunctionModule>.fromOpaque(aux)
            var table: TableFunctionTable?
            if let makeTable = object.takeUnretainedValue().makeTable {
                let words: [[UInt8]] = (0..<Int(count)).map { i in
                    arguments?[i].map { Array(UnsafeBufferPointer(start: UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self), count: strlen($0))) } ?? []
                }
                do {
                    table = try makeTable(db, words.count > 2 ? words[2] : [], Array(words.dropFirst(3)))
                } catch {
                    errorPointer?.pointee = sqliteOwnedString((error as? TableFunctionError)?.message ?? Array("\(error)".utf8))
                    return SQLITE_ERROR
                }
            }
            let rc = sqlite3_declare_vtab(db, object.takeUnretainedValue().schema)
            guard rc == SQLITE_OK else { return rc }
            let box = UnsafeMutablePointer<TableBox>.allocate(capacity: 1)
            box.initialize(to: TableBox(module: object.retain(), table: table))
            _ = migsh_sqlite3_vtab_config(db, object.takeUnretainedValue().risk)
            tablePointer.pointee = UnsafeMutableRawPointer(box).assumingMemoryBound(to: sqlite3_vtab.self)
            return SQLITE_OK
        }
        module.xDisconnect = { table in
            guard let table else { return SQLITE_OK }
            let box = UnsafeMutableRawPointer(table).assumingMemoryBound(to: TableBox.self)
            sqlite3_free(box.pointee.base.zErrMsg)
            box.pointee.module.release()
            box.deinitialize(count: 1)
            box.deallocate()
            return SQLITE_OK
        }
        module.xBestIndex = { table, info in
            guard let table, let info else { return SQLITE_ERROR }
            let box = UnsafeMutableRawPointer(table).assumingMemoryBound(to: TableBox.self)
            switch box.pointee.module.takeUnretainedValue().bestIndex(info) {
            case .ok: return SQLITE_OK
            case .unusable: return SQLITE_CONSTRAINT
            case .error(let message):
                setError(table, Array(message.utf8))
                return SQLITE_ERROR
            }
        }
        module.xOpen = { table, cursorPointer in
            guard let table, let cursorPointer else { return SQLITE_ERROR }
            let tableBox = UnsafeMutableRawPointer(table).assumingMemoryBound(to: TableBox.self)
            let cursor = tableBox.pointee.module.takeUnretainedValue().makeCursor()
            cursor.table = tableBox.pointee.table
            let box = UnsafeMutablePointer<CursorBox>.allocate(capacity: 1)
            box.initialize(to: CursorBox(cursor: Unmanaged.passRetained(cursor)))
            cursorPointer.pointee = UnsafeMutableRawPointer(box).assumingMemoryBound(to: sqlite3_vtab_cursor.self)
            return SQLITE_OK
        }
        module.xClose = { cursor in
            guard let cursor else { return SQLITE_OK }
            let box = UnsafeMutableRawPointer(cursor).assumingMemoryBound(to: CursorBox.self)
            box.pointee.cursor.release()
            box.deinitialize(count: 1)
            box.deallocate()
            return SQLITE_OK
        }
        module.xFilter = { cursor, indexNumber, _, count, values in
            guard let cursor else { return SQLITE_ERROR }
            let arguments = (0..<Int(count)).map { values?[$0] }
            do {
                try TableFunctions.cursor(cursor).filter(indexNumber: indexNumber, arguments: arguments)
                return SQLITE_OK
            } catch {
                setError(cursor.pointee.pVtab, (error as? TableFunctionError)?.message ?? Array("\(error)".utf8))
                return SQLITE_ERROR
            }
        }
        module.xNext = { cursor in
            guard let cursor else { return SQLITE_ERROR }
            do {
                try TableFunctions.cursor(cursor).next()
                return SQLITE_OK
            } catch {
                setError(cursor.pointee.pVtab, (error as? TableFunctionError)?.message ?? Array("\(error)".utf8))
                return SQLITE_ERROR
            }
        }
        module.xEof = { cursor in
            guard let cursor else { return 1 }
            return TableFunctions.cursor(cursor).isAtEnd ? 1 : 0
        }
        module.xColumn = { cursor, context, index in
            guard let cursor, let context else { return SQLITE_ERROR }
            TableFunctions.cursor(cursor).column(index, into: context)
            return SQLITE_OK
        }
        module.xRowid = { cursor, rowid in
            guard let cursor, let rowid else { return SQLITE_ERROR }
            rowid.pointee = TableFunctions.cursor(cursor).rowid
            return SQLITE_OK
        }
        // > The function pointer and the user data (ppArg) are used for the overloaded function
        // > for as long as the virtual table is in use: the table's box is the user data.
        module.xFindFunction = { table, _, name, function, userData in
            guard let table, let name, let function, let userData else { return 0 }
            let box = UnsafeMutableRawPointer(table).assumingMemoryBound(to: TableBox.self)
            guard let overload = box.pointee.module.takeUnretainedValue().overload,
                  sqlite3_stricmp(overload.name, name) == 0 else { return 0 }
            function.pointee = { context, count, values in
                guard let context, let data = sqlite3_user_data(context) else { return }
                let box = data.assumingMemoryBound(to: TableBox.self)
                let arguments = (0..<Int(count)).map { values?[$0] }
                box.pointee.module.takeUnretainedValue().overload?.call(box.pointee.table, context, arguments)
            }
            userData.pointee = UnsafeMutableRawPointer(box)
            return 1
        }
        m.initialize(to: module)
        return m
    }()

    /// The module of a table that CREATE VIRTUAL TABLE can make (xCreate is xConnect, so it is
    /// eponymous too) and that can be written: `module` with xUpdate and the transaction methods.
    nonisolated(unsafe) static let writableModule: UnsafeMutablePointer<sqlite3_module> = {
        let m = UnsafeMutablePointer<sqlite3_module>.allocate(capacity: 1)
        var writable = module.pointee
        writable.iVersion = 1
        writable.xCreate = writable.xConnect
        writable.xDestroy = writable.xDisconnect
        writable.xUpdate = { table, count, values, _ in
            guard let table else { return SQLITE_ERROR }
            return TableFunctions.run(table) { try $0.update((0..<Int(count)).map { values?[$0] }) }
        }
        writable.xBegin = { table in TableFunctions.run(table) { try $0.begin() } }
        writable.xCommit = { table in TableFunctions.run(table) { try $0.commit() } }
        writable.xRollback = { table in TableFunctions.run(table) { try $0.rollback() } }
        m.initialize(to: writable)
        return m
    }()

    /// Runs `body` on the table's object; an error it throws becomes the table's zErrMsg.
    static func run(_ table: UnsafeMutablePointer<sqlite3_vtab>?, _ body: (TableFunctionTable) throws -> Void) -> Int32 {
        guard let table else { return SQLITE_ERROR }
        let box = UnsafeMutableRawPointer(table).assumingMemoryBound(to: TableBox.self)
        guard let object = box.pointee.table else { return SQLITE_OK }
        do {
            try body(object)
            return SQLITE_OK
        } catch {
            let failure = error as? TableFunctionError
            setError(table, failure?.message ?? Array("\(error)".utf8))
            return failure?.code ?? SQLITE_ERROR
        }
    }

    static func cursor(_ pointer: UnsafeMutablePointer<sqlite3_vtab_cursor>) -> TableFunctionCursor {
        UnsafeMutableRawPointer(pointer).assumingMemoryBound(to: CursorBox.self).pointee.cursor.takeUnretainedValue()
    }

    /// Registers `object` as the eponymous table `name` on `db`; SQLite releases it when the
    /// module is dropped or the connection closes.
    static func register(_ name: String, _ object: TableFunctionModule, on db: OpaquePointer) {
        sqlite3_create_module_v2(db, name, object.makeTable == nil ? module : writableModule, Unmanaged.passRetained(object).toOpaque()) { aux in
            if let aux { Unmanaged<TableFunctionModule>.fromOpaque(aux).release() }
        }
    }

    /// > If the third parameter (the pointer to the sqlite3_module object) is NULL then no new
    /// > module is created and any existing modules with the same name are dropped.
    static func unregister(_ name: String, on db: OpaquePointer) {
        sqlite3_create_module_v2(db, name, nil, nil, nil)
    }
}
