import CMigshSQLite
import FoundationEssentials
import Glibc

/// `sha3(X [, SIZE])` and `sha3_query(SQL [, SIZE])`, as sqlite3 3.40's shathree extension:
/// SIZE is 224, 256 (the default), 384 or 512, else an error (checked before a NULL X gives
/// NULL). `sha3` hashes a blob's bytes or
/// any other value's text; `sha3_query` hashes each read-only statement's text and its rows
/// (type tags, big-endian numbers, length-prefixed text and blobs), as `.sha3sum` does.
enum SHA3Functions {
    static func register(on db: OpaquePointer) {
        let flags = SQLITE_UTF8 | SQLITE_INNOCUOUS | SQLITE_DETERMINISTIC
        for count: Int32 in [1, 2] {
            sqlite3_create_function_v2(db, "sha3", count, flags, nil, { context, count, values in
                guard let context, let values else { return }
                guard let size = SHA3Functions.size(context, count, values) else { return }
                let type = sqlite3_value_type(values[0])
                let length = Int(sqlite3_value_bytes(values[0]))
                guard type != SQLITE_NULL else { return }
                var hash = SHA3(bits: size)
                if type == SQLITE_BLOB {
                    if let bytes = sqlite3_value_blob(values[0]) { hash.update(UnsafeRawBufferPointer(start: bytes, count: length)) }
                } else if let text = sqlite3_value_text(values[0]) {
                    hash.update(UnsafeBufferPointer(start: text, count: length))
                }
                let digest = hash.finalize()
                sqlite3_result_blob(context, digest, Int32(digest.count), SQLITE_TRANSIENT)
            }, nil, nil, nil)
            // Not deterministic: the result depends on the database's content.
            sqlite3_create_function_v2(db, "sha3_query", count, SQLITE_UTF8 | SQLITE_DIRECTONLY, nil, { context, count, values in
                guard let context, let values else { return }
                guard let size = SHA3Functions.size(context, count, values) else { return }
                guard let sqlText = sqlite3_value_text(values[0]) else { return }
                SHA3Functions.hashQuery(context, UnsafeRawPointer(sqlText).assumingMemoryBound(to: CChar.self), size: size)
            }, nil, nil, nil)
        }
    }

    /// SIZE (256 when absent), or nil after reporting the error.
    static func size(_ context: OpaquePointer, _ count: Int32, _ values: UnsafeMutablePointer<OpaquePointer?>) -> Int? {
        guard count == 2 else { return 256 }
        let size = Int(sqlite3_value_int(values[1]))
        guard [224, 256, 384, 512].contains(size) else {
            sqlite3_result_error(context, "SHA3 size should be one of: 224 256 384 512", -1)
            return nil
        }
        return size
    }

    static func hashQuery(_ context: OpaquePointer, _ sqlText: UnsafePointer<CChar>, size: Int) {
        let db = sqlite3_context_db_handle(context)
        var hash = SHA3(bits: size)
        var cursor: UnsafePointer<CChar>? = sqlText
        while let current = cursor, current.pointee != 0 {
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(db, current, -1, &statement, &cursor) == SQLITE_OK else {
                sqlite3_finalize(statement)
                // As shathree.c: the text from where the parser stopped.
                let rest = cursor.map { String(cString: $0) } ?? ""
                sqlite3_result_error(context, "error SQL statement [\(rest)]: " + String(cString: sqlite3_errmsg(db)), -1)
                return
            }
            guard let statement else { continue }
            defer { sqlite3_finalize(statement) }
            guard sqlite3_stmt_readonly(statement) != 0 else {
                sqlite3_result_error(context, "non-query: [" + String(cString: sqlite3_sql(statement)) + "]", -1)
                return
            }
            if let sql = sqlite3_sql(statement) {
                let length = strlen(sql)
                hash.update("S\(length):")
                hash.update(UnsafeRawBufferPointer(start: sql, count: length))
            }
            let columns = sqlite3_column_count(statement)
            var step = SQLITE_ROW
            while true {
                // Ctrl-C: the hash of part of the rows is no hash of the query. The error stops
                // the statement that called the function (`.sha3sum` prints no hash).
                TestPause.at("sha3.row")
                step = CancellationToken.interrupt.shouldStop ? SQLITE_INTERRUPT : sqlite3_step(statement)
                guard step == SQLITE_ROW else { break }
                hash.update([UInt8(ascii: "R")])
                for i in 0..<columns {
                    let type = sqlite3_column_type(statement, i)
                    switch type {
                    case SQLITE_NULL: hash.update([UInt8(ascii: "N")])
                    case SQLITE_INTEGER, SQLITE_FLOAT:
                        let bits: UInt64 = type == SQLITE_INTEGER
                            ? UInt64(bitPattern: sqlite3_column_int64(statement, i))
                            : sqlite3_column_double(statement, i).bitPattern
                        var bytes: [UInt8] = [type == SQLITE_INTEGER ? UInt8(ascii: "I") : UInt8(ascii: "F")]
                        for k in (0..<8).reversed() { bytes.append(UInt8(truncatingIfNeeded: bits >> (8 * UInt64(k)))) }
                        hash.update(bytes)
                    case SQLITE_TEXT:
                        let n = Int(sqlite3_column_bytes(statement, i))
                        hash.update("T\(n):")
                        if let p = sqlite3_column_text(statement, i) { hash.update(UnsafeBufferPointer(start: p, count: n)) }
                    default:
                        let n = Int(sqlite3_column_bytes(statement, i))
                        hash.update("B\(n):")
                        if let p = sqlite3_column_blob(statement, i) { hash.update(UnsafeRawBufferPointer(start: p, count: n)) }
                    }
                }
            }
            if step == SQLITE_INTERRUPT {
                sqlite3_result_error(context, "interrupted", -1)
                sqlite3_result_error_code(context, SQLITE_INTERRUPT)
                return
            }
        }
        let digest = hash.finalize()
        sqlite3_result_blob(context, digest, Int32(digest.count), SQLITE_TRANSIENT)
    }
}
