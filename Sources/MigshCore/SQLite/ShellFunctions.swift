import Foundation
import CMigshSQLite

/// The SQL functions the sqlite3 shell defines on its connection and `.schema` uses:
/// `shell_add_schema(sql, schema, name)` (the schema name put into a CREATE statement, and a
/// `/* view(columns) */` comment after a view or virtual table) and `shell_module_schema(name)`
/// (an eponymous virtual table's columns).
public enum ShellFunctions {
    public static func register(_ db: Connection) {
        let handle = db.sqliteHandle
        sqlite3_create_function_v2(handle, "shell_add_schema", 3, SQLITE_UTF8, nil, { context, _, values in
            guard let context, let values else { return }
            let sql = ShellFunctions.text(values[0])
            let schema = ShellFunctions.text(values[1])
            let name = ShellFunctions.text(values[2])
            if let result = ShellFunctions.addSchema(sql: sql, schema: schema, name: name, db: sqlite3_context_db_handle(context)) {
                sqlite3_result_text(context, result, -1, SQLITE_TRANSIENT)
            } else {
                sqlite3_result_value(context, values[0])
            }
        }, nil, nil, nil)
        sqlite3_create_function_v2(handle, "shell_module_schema", 1, SQLITE_UTF8, nil, { context, _, values in
            guard let context, let values else { return }
            if let name = ShellFunctions.text(values[0]), let fake = ShellFunctions.fakeSchema(db: sqlite3_context_db_handle(context), schema: nil, name: name) {
                sqlite3_result_text(context, "/* \(fake) */", -1, SQLITE_TRANSIENT)
            }
        }, nil, nil, nil)
    }

    /// `sha3_query(SQL, SIZE)`, as sqlite3's shathree extension: the SHA3 of each read-only
    /// statement's text and of its rows (type tags, big-endian numbers, length-prefixed text).
    public static func registerSHA3(_ db: Connection) {
        sqlite3_create_function_v2(db.sqliteHandle, "sha3_query", 2, SQLITE_UTF8, nil, { context, _, values in
            guard let context, let values else { return }
            let size = Int(sqlite3_value_int(values[1]))
            guard [224, 256, 384, 512].contains(size) else {
                sqlite3_result_error(context, "SHA3 size should be one of: 224 256 384 512", -1)
                return
            }
            guard let sqlText = sqlite3_value_text(values[0]) else { return }
            let db = sqlite3_context_db_handle(context)
            var hash = SHA3(bits: size)
            var cursor: UnsafePointer<CChar>? = UnsafeRawPointer(sqlText).assumingMemoryBound(to: CChar.self)
            while let current = cursor, current.pointee != 0 {
                var statement: OpaquePointer?
                guard sqlite3_prepare_v2(db, current, -1, &statement, &cursor) == SQLITE_OK else {
                    sqlite3_finalize(statement)
                    sqlite3_result_error(context, "error SQL statement: " + String(cString: sqlite3_errmsg(db)), -1)
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
                while sqlite3_step(statement) == SQLITE_ROW {
                    hash.update([UInt8(ascii: "R")])
                    for i in 0..<columns {
                        switch sqlite3_column_type(statement, i) {
                        case SQLITE_NULL: hash.update([UInt8(ascii: "N")])
                        case SQLITE_INTEGER, SQLITE_FLOAT:
                            let bits: UInt64 = sqlite3_column_type(statement, i) == SQLITE_INTEGER
                                ? UInt64(bitPattern: sqlite3_column_int64(statement, i))
                                : sqlite3_column_double(statement, i).bitPattern
                            var bytes: [UInt8] = [sqlite3_column_type(statement, i) == SQLITE_INTEGER ? UInt8(ascii: "I") : UInt8(ascii: "F")]
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
            }
            let digest = hash.finalize()
            sqlite3_result_blob(context, digest, Int32(digest.count), SQLITE_TRANSIENT)
        }, nil, nil, nil)
    }

    static func text(_ value: OpaquePointer?) -> String? {
        sqlite3_value_text(value).map { String(cString: $0) }
    }

    /// sqlite3's `shellAddSchemaName`.
    static func addSchema(sql: String?, schema: String?, name: String?, db: OpaquePointer?) -> String? {
        guard let sql, sql.hasPrefix("CREATE ") else { return nil }
        let rest = sql.dropFirst(7)
        for prefix in ["TABLE", "INDEX", "UNIQUE INDEX", "VIEW", "TRIGGER", "VIRTUAL TABLE"] {
            guard rest.hasPrefix(prefix + " ") else { continue }
            let head = "CREATE " + prefix
            let tail = String(rest.dropFirst(prefix.utf8.count + 1))
            var result: String?
            if let schema {
                let quoted = SQLLiteral.needsQuotes(schema) && schema.lowercased() != "temp"
                result = head + " " + (quoted ? "\"" + schema.replacingOccurrencesOfQuote() + "\"" : schema) + "." + tail
            }
            if let name, prefix.hasPrefix("V"), let fake = fakeSchema(db: db, schema: schema, name: name) {
                result = (result ?? sql) + "\n/* \(fake) */"
            }
            if let result { return result }
        }
        return nil
    }

    /// sqlite3's `shellFakeSchema`: `schema.name(col1,col2,…)`, names quoted where needed;
    /// nil when the table has no columns to show.
    static func fakeSchema(db: OpaquePointer?, schema: String?, name: String) -> String? {
        var statement: OpaquePointer?
        let pragma = "PRAGMA \"\((schema ?? "main").replacingOccurrencesOfQuote())\".table_info=\(SQLParameters.quoteLiteral(name));"
        guard sqlite3_prepare_v2(db, pragma, -1, &statement, nil) == SQLITE_OK, let statement else { return nil }
        defer { sqlite3_finalize(statement) }
        var text = ""
        if let schema {
            let quoted = SQLLiteral.needsQuotes(schema) && schema.lowercased() != "temp"
            text += (quoted ? "\"" + schema.replacingOccurrencesOfQuote() + "\"" : schema) + "."
        }
        text += SQLLiteral.identifierIfNeeded(name)
        var columns: [String] = []
        while sqlite3_step(statement) == SQLITE_ROW {
            columns.append(SQLLiteral.identifierIfNeeded(sqlite3_column_text(statement, 1).map { String(cString: $0) } ?? ""))
        }
        guard !columns.isEmpty else { return nil }
        return text + "(" + columns.joined(separator: ",") + ")"
    }
}
