import CMigshSQLite
import MigshBase

/// SQL text run statement by statement: each statement is prepared only when the one before
/// it has run, because a later statement may use what an earlier one made. The one loop over
/// SQL text in migsh: `Connection.execute` and the shell's SQL runner both walk it.
///
/// The text is read as SQLite reads it: bytes, up to the end or to a NUL byte inside.
/// A cursor lives inside `Connection.withStatements(in:_:)`, which owns the text.
public struct StatementCursor {
    private let connection: Connection
    private let base: UnsafePointer<CChar>
    /// Bytes of text (the NUL `withStatements` appends not counted).
    private let count: Int
    /// Where the next statement starts (or the white space before it).
    public private(set) var offset = 0
    /// Where the statement `prepareNext` prepared last starts.
    private var lastStart = 0

    fileprivate init(connection: Connection, base: UnsafePointer<CChar>, count: Int) {
        self.connection = connection
        self.base = base
        self.count = count
    }

    /// True when nothing is left (or a NUL byte ends the text here).
    public var isAtEnd: Bool { base[offset] == 0 }

    /// Skips white space (C's `isspace`, as sqlite3's shell); false at the end of the text.
    public mutating func skipWhiteSpace() -> Bool {
        while base[offset] != 0, isCSpace(UInt8(bitPattern: base[offset])) { offset += 1 }
        return base[offset] != 0
    }

    /// Prepares the statement at the cursor and moves past it. nil when the text up to the
    /// next statement is only white space or comments. A failure leaves the cursor where it
    /// was and carries the text from there on, with SQLite's error offset into it (sqlite3's
    /// caret).
    public mutating func prepareNext() throws -> Statement? {
        var stmt: OpaquePointer?
        var tail: UnsafePointer<CChar>?
        let start = base + offset
        let rc = sqlite3_prepare_v2(connection.handle, start, -1, &stmt, &tail)
        guard rc == SQLITE_OK else {
            sqlite3_finalize(stmt)
            throw connection.error(rc, sql: String(cString: start))
        }
        lastStart = offset
        if let tail { offset = tail - base }
        return stmt.map { Statement(connection: connection, handle: $0) }
    }

    /// The bytes of the statement `prepareNext` prepared last, as written (comments and the
    /// white space up to the next statement included).
    public var lastText: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + lastStart, count: offset - lastStart)
    }

    /// The bytes from the cursor to the end of the text (past any NUL byte inside).
    public var remaining: UnsafeRawBufferPointer {
        UnsafeRawBufferPointer(start: base + offset, count: count - offset)
    }

    /// The text from the cursor on, up to a NUL byte (what SQLite reads), decoded.
    public var remainingText: String { String(cString: base + offset) }

    private func isCSpace(_ c: UInt8) -> Bool { c == 0x20 || (c >= 0x09 && c <= 0x0d) }
}

extension Connection {
    /// Runs `body` with a cursor over the statements of `sql` (see `StatementCursor`).
    public func withStatements<R>(in sql: [UInt8], _ body: (inout StatementCursor) throws -> R) rethrows -> R {
        var text = sql
        text.append(0)
        return try text.withUnsafeBufferPointer { buffer in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var cursor = StatementCursor(connection: self, base: base, count: buffer.count - 1)
            return try body(&cursor)
        }
    }

    /// Runs every statement of `sql` in order, stepping each one to completion (rows
    /// discarded) before preparing the next. `sql` may carry bytes that are not UTF-8 (a
    /// name the user gave, `CarriedBytes`): SQLite gets those bytes.
    public func execute(_ sql: String) throws {
        try withStatements(in: CarriedBytes.bytes(of: sql)) { statements in
            while !statements.isAtEnd {
                try statements.prepareNext()?.run()
            }
        }
    }
}
