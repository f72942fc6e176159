import CMigshSQLite
import CMigshZlib

/// `sqlar_compress(X)` and `sqlar_uncompress(X, SZ)`, as sqlite3 3.40's shell has them
/// (ext/misc/sqlar.c of that release), for SQL archives (`.archive`): the "zlib format"
/// (zlib's compress()/uncompress(), a two-byte header and a checksum, not ZIP's raw deflate).
/// `sqlar_compress` returns a blob compressed when that makes it smaller, anything else as it
/// is; `sqlar_uncompress` returns X as it is when SZ is 0 or X's size, else X inflated to SZ
/// bytes, or the error "error in uncompress()". They touch no file: sqlite3 3.40 has them under
/// -safe too.
enum SqlarFunctions {
    static let names: [(String, Int32)] = [("sqlar_compress", 1), ("sqlar_uncompress", 2)]

    static func register(on db: OpaquePointer) {
        let flags = SQLITE_UTF8 | SQLITE_INNOCUOUS
        sqlite3_create_function_v2(db, "sqlar_compress", 1, flags, nil, { context, _, values in
            guard let context, let values else { return }
            SqlarFunctions.compress(context, values[0])
        }, nil, nil, nil)
        sqlite3_create_function_v2(db, "sqlar_uncompress", 2, flags, nil, { context, _, values in
            guard let context, let values else { return }
            SqlarFunctions.uncompress(context, values[0], values[1])
        }, nil, nil, nil)
    }

    static func compress(_ context: OpaquePointer, _ value: OpaquePointer?) {
        guard sqlite3_value_type(value) == SQLITE_BLOB else {
            sqlite3_result_value(context, value)
            return
        }
        let data = sqlite3_value_blob(value)
        let count = uLong(sqlite3_value_bytes(value))
        var outCount = compressBound(count)
        var out = [Bytef](repeating: 0, count: Int(outCount))
        let rc = out.withUnsafeMutableBufferPointer { buffer in
            CMigshZlib.compress(buffer.baseAddress, &outCount, data?.assumingMemoryBound(to: Bytef.self), count)
        }
        if rc != Z_OK {
            sqlite3_result_error(context, "error in compress()", -1)
        } else if outCount < count {
            sqlite3_result_blob(context, out, Int32(outCount), SQLITE_TRANSIENT)
        } else {
            sqlite3_result_value(context, value)
        }
    }

    static func uncompress(_ context: OpaquePointer, _ value: OpaquePointer?, _ size: OpaquePointer?) {
        // As sqlar.c: SZ is read as a C int and kept in an unsigned long (a negative SZ is
        // huge), and the buffer is sqlite3_malloc((int)SZ), NULL when that is not positive,
        // which zlib refuses.
        var outCount = uLongf(bitPattern: Int(sqlite3_value_int(size)))
        let count = uLong(sqlite3_value_bytes(value))
        if outCount == 0 || outCount == count {
            sqlite3_result_value(context, value)
            return
        }
        let data = sqlite3_value_blob(value)?.assumingMemoryBound(to: Bytef.self)
        let allocated = Int32(truncatingIfNeeded: outCount)
        var out = [Bytef](repeating: 0, count: max(Int(allocated), 0))
        let rc = out.withUnsafeMutableBufferPointer { buffer in
            CMigshZlib.uncompress(allocated > 0 ? buffer.baseAddress : nil, &outCount, data, count)
        }
        if rc != Z_OK {
            sqlite3_result_error(context, "error in uncompress()", -1)
        } else {
            sqlite3_result_blob(context, out, Int32(outCount), SQLITE_TRANSIENT)
        }
    }
}
