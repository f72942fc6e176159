import CMigshSQLite

// What the shell reads from a statement while it prints rows: the kind of EXPLAIN it is, and
// the current row in place, without a copy (the formatter writes SQLite's own buffers out).

extension Statement {
    /// What `sqlite3_stmt_isexplain` says the statement is.
    public enum ExplainKind: Sendable {
        /// An ordinary statement.
        case none
        /// `EXPLAIN …`: the bytecode listing.
        case explain
        /// `EXPLAIN QUERY PLAN …`: the plan's rows.
        case queryPlan
    }

    public var explainKind: ExplainKind {
        switch sqlite3_stmt_isexplain(handle) {
        case 1: return .explain
        case 2: return .queryPlan
        default: return .none
        }
    }

    /// The current row, read in place. Step first; what it hands out is SQLite's memory:
    /// > The pointers returned are valid until a type conversion occurs …, or until
    /// > sqlite3_step() or sqlite3_reset() or sqlite3_finalize() is called.
    /// So a pointer from it is used before the statement steps again, and never kept.
    public var row: Row { Row(handle: handle) }

    /// The fundamental type of a value (`sqlite3_column_type`).
    public enum ColumnType: Int32, Sendable {
        case integer = 1, float = 2, text = 3, blob = 4, null = 5
    }

    /// A borrowed view of the statement's current row (see `Statement.row`): types, numbers,
    /// and the bytes of text and blobs where SQLite keeps them. Column numbers start at 0.
    public struct Row {
        @usableFromInline let handle: OpaquePointer

        @usableFromInline init(handle: OpaquePointer) { self.handle = handle }

        /// The number of result columns.
        @inlinable public var columnCount: Int { Int(sqlite3_column_count(handle)) }

        /// The value's type, before any conversion.
        @inlinable public func type(_ i: Int) -> ColumnType {
            ColumnType(rawValue: sqlite3_column_type(handle, Int32(truncatingIfNeeded: i))) ?? .null
        }

        @inlinable public func int64(_ i: Int) -> Int64 { sqlite3_column_int64(handle, Int32(truncatingIfNeeded: i)) }

        @inlinable public func double(_ i: Int) -> Double { sqlite3_column_double(handle, Int32(truncatingIfNeeded: i)) }

        /// The value as text: SQLite's UTF-8 bytes, followed by a NUL (so they may be read as a
        /// C string, as sqlite3 reads them: cut at a NUL inside). nil for NULL. A number is
        /// converted to its text here (after which `type` still says what it was).
        @inlinable public func text(_ i: Int) -> UnsafePointer<UInt8>? {
            sqlite3_column_text(handle, Int32(truncatingIfNeeded: i))
        }

        /// The value as text, whole (NUL bytes inside included); nil for NULL. The byte after
        /// the buffer's end is a NUL.
        @inlinable public func textBytes(_ i: Int) -> UnsafeRawBufferPointer? {
            let column = Int32(truncatingIfNeeded: i)
            // Text first, then its length: the order SQLite's documentation asks for.
            guard let p = sqlite3_column_text(handle, column) else { return nil }
            return UnsafeRawBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, column)))
        }

        /// The value's bytes as a blob (text as its UTF-8 bytes); an empty buffer for NULL or
        /// an empty blob.
        @inlinable public func blob(_ i: Int) -> UnsafeRawBufferPointer {
            let column = Int32(truncatingIfNeeded: i)
            let p = sqlite3_column_blob(handle, column)
            return UnsafeRawBufferPointer(start: p, count: p == nil ? 0 : Int(sqlite3_column_bytes(handle, column)))
        }

        /// The result column's name as a NUL-terminated C string (the AS name, else SQLite's
        /// choice); nil when SQLite has none (out of memory). Valid until the statement is
        /// finalized.
        @inlinable public func name(_ i: Int) -> UnsafePointer<UInt8>? {
            sqlite3_column_name(handle, Int32(truncatingIfNeeded: i)).map { UnsafeRawPointer($0).assumingMemoryBound(to: UInt8.self) }
        }
    }
}
