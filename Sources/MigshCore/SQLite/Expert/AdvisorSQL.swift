import CMigshSQLite

/// SQL text built from bytes, as sqlite3expert.c builds it with `sqlite3_mprintf`: names and
/// statements read from a schema need not be UTF-8, and go back into SQLite unchanged.
struct AdvisorSQL: ExpressibleByStringLiteral {
    private(set) var bytes: [UInt8] = []

    init(stringLiteral text: String) { bytes = Array(text.utf8) }
    init(_ bytes: [UInt8]) { self.bytes = bytes }

    /// Plain text (`%s`).
    mutating func add(_ text: String) { bytes += Array(text.utf8) }
    mutating func add(bytes more: [UInt8]) { bytes += more }

    /// `%Q`: `'…'` with `'` doubled; `NULL` for no value.
    mutating func addQuoted(_ value: [UInt8]?) {
        guard let value else { add("NULL"); return }
        bytes.append(0x27)
        for b in value {
            bytes.append(b)
            if b == 0x27 { bytes.append(0x27) }
        }
        bytes.append(0x27)
    }

    /// `"%w"`: `"…"` with `"` doubled.
    mutating func addIdentifier(_ name: [UInt8]) {
        bytes.append(0x22)
        for b in name {
            bytes.append(b)
            if b == 0x22 { bytes.append(0x22) }
        }
        bytes.append(0x22)
    }

    static func + (lhs: AdvisorSQL, rhs: String) -> AdvisorSQL { var sql = lhs; sql.add(rhs); return sql }

    /// The text as a C string for the duration of `body`.
    func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try (bytes + [0]).withUnsafeBufferPointer { buffer in
            try body(UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self))
        }
    }
}

/// What the advisor's work failed with: SQLite's message where sqlite3expert.c keeps one,
/// nil where it returns only a result code (sqlite3's shell then prints the user
/// connection's last message, kept in `databaseMessage`).
public struct IndexAdvisorError: Error, Sendable {
    public var message: [UInt8]?
    public var databaseMessage: [UInt8]

    init(_ message: [UInt8]?, database: OpaquePointer) {
        self.message = message
        databaseMessage = errorMessage(of: database)
    }
}

/// `sqlite3_errmsg`, as bytes.
func errorMessage(of db: OpaquePointer) -> [UInt8] {
    guard let message = sqlite3_errmsg(db) else { return [] }
    return Array(UnsafeRawBufferPointer(start: message, count: strlen(message)))
}

/// A C string's bytes (nil for a NULL pointer).
func bytes(of text: UnsafePointer<CChar>?) -> [UInt8]? {
    guard let text else { return nil }
    return Array(UnsafeRawBufferPointer(start: text, count: strlen(text)))
}

/// One statement of the advisor's own, on any of its connections, finalized when released.
/// Stepping reports a row or not, as sqlite3expert.c's `while( SQLITE_ROW==sqlite3_step(p) )`
/// loops do; an error that ends the loop is read from `finalize()`.
final class AdvisorStatement {
    let handle: OpaquePointer
    private var finalized = false

    /// > *ppStmt is left pointing to a compiled prepared statement … or NULL if there is an
    /// > error … or if the input text contains no SQL (if the input is an empty string or a comment)
    init(_ sql: AdvisorSQL, on db: OpaquePointer, origin: OpaquePointer) throws {
        var stmt: OpaquePointer?
        let rc = sql.withCString { sqlite3_prepare_v2(db, $0, -1, &stmt, nil) }
        guard rc == SQLITE_OK, let stmt else {
            sqlite3_finalize(stmt)
            throw IndexAdvisorError(rc == SQLITE_OK ? nil : errorMessage(of: db), database: origin)
        }
        handle = stmt
    }

    deinit { if !finalized { sqlite3_finalize(handle) } }

    func step() -> Bool { sqlite3_step(handle) == SQLITE_ROW }

    /// sqlite3expert.c's `idxFinalize`: the statement's error, if it had one, with no message.
    func finalize(origin: OpaquePointer) throws {
        finalized = true
        let rc = sqlite3_finalize(handle)
        if rc != SQLITE_OK { throw IndexAdvisorError(nil, database: origin) }
    }

    func reset() -> Int32 { sqlite3_reset(handle) }

    func text(_ column: Int32) -> [UInt8]? {
        guard let p = sqlite3_column_text(handle, column) else { return nil }
        return Array(UnsafeBufferPointer(start: p, count: Int(sqlite3_column_bytes(handle, column))))
    }

    func int(_ column: Int32) -> Int32 { sqlite3_column_int(handle, column) }
    func int64(_ column: Int32) -> Int64 { sqlite3_column_int64(handle, column) }

    /// The bytes as text (SQLite copies them: SQLITE_TRANSIENT).
    func bind(_ value: [UInt8], at index: Int32) {
        (value + [0]).withUnsafeBufferPointer { buffer in
            _ = sqlite3_bind_text(handle, index, UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self),
                                  Int32(value.count), SQLITE_TRANSIENT)
        }
    }
}

/// `sqlite3_exec` on bytes: every statement run in turn; the error with SQLite's message.
func execute(_ sql: AdvisorSQL, on db: OpaquePointer, origin: OpaquePointer) throws {
    var message: UnsafeMutablePointer<CChar>?
    let rc = sql.withCString { sqlite3_exec(db, $0, nil, nil, &message) }
    defer { sqlite3_free(message) }
    if rc != SQLITE_OK { throw IndexAdvisorError(bytes(of: message) ?? errorMessage(of: db), database: origin) }
}

/// `sqlite3_stricmp`: ASCII case-insensitive; a missing string sorts first.
func sameIgnoringCase(_ a: [UInt8]?, _ b: [UInt8]?) -> Bool {
    guard let a, let b else { return a == nil && b == nil }
    guard a.count == b.count else { return false }
    for (x, y) in zip(a, b) where x != y {
        let lx = (0x41...0x5a).contains(x) ? x + 32 : x
        let ly = (0x41...0x5a).contains(y) ? y + 32 : y
        if lx != ly { return false }
    }
    return true
}
