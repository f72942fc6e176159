import CMigshSQLite
import MigshBase

/// A prepared statement, finalized when released.
public final class Statement {
    unowned let connection: Connection
    let handle: OpaquePointer

    init(connection: Connection, handle: OpaquePointer) {
        self.connection = connection
        self.handle = handle
    }

    /// The statement's text (`sqlite3_sql`).
    public var sql: String { String(cString: sqlite3_sql(handle)) }

    deinit { sqlite3_finalize(handle) }

    /// The raw `sqlite3_stmt*`, for the code of this folder only; outside it, rows are read
    /// through `row` (`Statement.Row`) and stepping goes through `step()`.
    var sqliteHandle: OpaquePointer { handle }

    /// Steps once; true when a row is available, false when done.
    @discardableResult
    public func step() throws -> Bool {
        // A statement starting (again) starts with no steps taken against the step limit.
        if sqlite3_stmt_busy(handle) == 0 { connection.stepsTaken = 0 }
        let rc = sqlite3_step(handle)
        switch rc {
        case SQLITE_ROW: return true
        case SQLITE_DONE: return false
        default: throw connection.error(rc, sql: sql)
        }
    }

    /// Steps to completion, discarding rows.
    public func run() throws { while try step() {} }

    public func reset() { sqlite3_reset(handle) }

    public var columnCount: Int { Int(sqlite3_column_count(handle)) }
    /// The result column's name (`sqlite3_column_name`: the AS name, else SQLite's choice).
    public func columnName(_ i: Int) -> String { sqlite3_column_name(handle, Int32(i)).map { String(cString: $0) } ?? "" }
    /// > sqlite3_stmt_readonly() returns true if and only if the prepared statement makes no
    /// > direct changes to the content of the database file.
    public var isReadOnly: Bool { sqlite3_stmt_readonly(handle) != 0 }
    public func columnType(_ i: Int) -> Int32 { sqlite3_column_type(handle, Int32(i)) }
    public func isNull(_ i: Int) -> Bool { columnType(i) == SQLITE_NULL }
    public func int64(_ i: Int) -> Int64 { sqlite3_column_int64(handle, Int32(i)) }
    public func double(_ i: Int) -> Double { sqlite3_column_double(handle, Int32(i)) }
    /// The value as text. Bytes that are not UTF-8 (a Latin-1 table name) are carried, not
    /// replaced (`CarriedBytes`): written out, or put into SQL again, they are the bytes stored.
    public func text(_ i: Int) -> String {
        guard let p = sqlite3_column_text(handle, Int32(i)) else { return "" }
        let n = Int(sqlite3_column_bytes(handle, Int32(i)))
        let bytes = UnsafeBufferPointer(start: p, count: n)
        if !bytes.contains(0xF4), let text = String(validating: bytes, as: UTF8.self) { return text }
        return CarriedBytes.string(carrying: bytes)
    }
    public func optionalText(_ i: Int) -> String? { isNull(i) ? nil : text(i) }
    /// The value's bytes as a blob (text as its UTF-8 bytes).
    public func blobBytes(_ i: Int) -> [UInt8] {
        guard let p = sqlite3_column_blob(handle, Int32(i)) else { return [] }
        return Array(UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, Int32(i)))))
    }
    /// Binds text; bytes it carries (`CarriedBytes`) are bound as those bytes.
    public func bind(_ text: String, at index: Int32) throws {
        var bytes = CarriedBytes.bytes(of: text)
        bytes.append(0)  // never an empty buffer: a nil pointer would bind NULL
        let rc = bytes.withUnsafeBufferPointer {
            sqlite3_bind_text(handle, index, UnsafeRawPointer($0.baseAddress!).assumingMemoryBound(to: CChar.self), Int32($0.count - 1), SQLITE_TRANSIENT)
        }
        if rc != SQLITE_OK { throw connection.error(rc, sql: sql) }
    }
    public func bind(_ value: Int64, at index: Int32) throws {
        let rc = sqlite3_bind_int64(handle, index, value)
        if rc != SQLITE_OK { throw connection.error(rc, sql: sql) }
    }
    public func bindNull(at index: Int32) throws {
        let rc = sqlite3_bind_null(handle, index)
        if rc != SQLITE_OK { throw connection.error(rc, sql: sql) }
    }
}
