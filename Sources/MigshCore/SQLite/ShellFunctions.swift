import FoundationEssentials
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

    /// `sha3_query(SQL, SIZE)` for `.sha3sum` (`SHA3Functions`: the session's connection
    /// has it already; a connection of its own may not).
    public static func registerSHA3(_ db: Connection) {
        SHA3Functions.register(on: db.sqliteHandle)
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
