import FoundationEssentials
import Glibc
import MigshBase
import CMigshSQLite

/// sqlite3's parameter bindings (`.parameter`): values kept in `temp.sqlite_parameters`
/// (key TEXT PRIMARY KEY, value), bound to every statement the shell runs, by the
/// parameter's full name (`:name`, `@name`, `$name`, `?NNN`; a nameless `?` as `?N`).
/// Unknown parameters stay NULL. The table is the session's own: TEMP, never in the file.
public enum SQLParameters {
    static let createTable = "CREATE TABLE IF NOT EXISTS temp.sqlite_parameters(\n  key TEXT PRIMARY KEY,\n  value\n) WITHOUT ROWID;"

    /// Creates the table (`.parameter init`). Like sqlite3, with defensive mode off for the
    /// moment, since `sqlite_` names are reserved.
    public static func initialize(_ db: Connection) throws {
        let defensive = db.set(.defensive, on: false)
        let writable = db.set(.writableSchema, on: true)
        defer {
            db.set(.writableSchema, on: writable)
            db.set(.defensive, on: defensive)
        }
        try db.execute(createTable)
    }

    /// `.parameter set KEY VALUE`: VALUE as an SQL expression, evaluated now; if it does not
    /// compile, as text.
    public static func set(_ db: Connection, key: String, value: String) throws {
        try initialize(db)
        let quotedKey = quoteLiteral(key)
        let statement: Statement
        if let asExpression = try? db.prepare("REPLACE INTO temp.sqlite_parameters(key,value)VALUES(\(quotedKey),\(value));") {
            statement = asExpression
        } else {
            statement = try db.prepare("REPLACE INTO temp.sqlite_parameters(key,value)VALUES(\(quotedKey),\(quoteLiteral(value)));")
        }
        try statement.run()
    }

    public static func unset(_ db: Connection, key: String) {
        try? db.execute("DELETE FROM temp.sqlite_parameters WHERE key=\(quoteLiteral(key))")
    }

    public static func clear(_ db: Connection) throws {
        try db.execute("DROP TABLE IF EXISTS temp.sqlite_parameters;")
    }

    /// The bindings, in key order, each value as SQL's `quote()` shows it.
    public static func list(_ db: Connection) -> [(key: String, value: String)] {
        guard let statement = try? db.prepare("SELECT key, quote(value) FROM temp.sqlite_parameters") else { return [] }
        var rows: [(String, String)] = []
        while (try? statement.step()) == true { rows.append((statement.text(0), statement.text(1))) }
        return rows
    }

    /// Binds `statement`'s parameters from the table, as sqlite3's `bind_prepared_stmt`.
    public static func bind(_ statement: Statement, in db: Connection) {
        let stmt = statement.sqliteHandle
        let count = sqlite3_bind_parameter_count(stmt)
        guard count > 0, let lookup = try? db.prepare("SELECT value FROM temp.sqlite_parameters WHERE key=?1") else { return }
        let lookupHandle = lookup.sqliteHandle
        for i in 1...count {
            // The name's bytes as written (a Latin-1 `$é` finds the key `.parameter set` stored).
            if let name = sqlite3_bind_parameter_name(stmt, i) {
                sqlite3_bind_text(lookupHandle, 1, name, -1, SQLITE_TRANSIENT)
            } else {
                sqlite3_bind_text(lookupHandle, 1, "?\(i)", -1, SQLITE_TRANSIENT)
            }
            if sqlite3_step(lookupHandle) == SQLITE_ROW {
                sqlite3_bind_value(stmt, i, sqlite3_column_value(lookupHandle, 0))
            } else {
                sqlite3_bind_null(stmt, i)
            }
            sqlite3_reset(lookupHandle)
        }
    }

    /// The statement as `.record` keeps it: with the values `bind` gave it written in as SQL
    /// literals (`sqlite3_expanded_sql`), since a migration file binds nothing. nil when it
    /// has no parameters. `sqlite3_expanded_sql` writes a REAL with 15 significant digits; a
    /// bound REAL those do not give back exactly cannot be recorded: refused, naming it.
    public static func recordable(_ statement: Statement, in db: Connection) throws -> String? {
        let stmt = statement.sqliteHandle
        let count = sqlite3_bind_parameter_count(stmt)
        guard count > 0 else { return nil }
        if let lookup = try? db.prepare("SELECT 1 FROM temp.sqlite_parameters WHERE key=?1 AND typeof(value) = 'real' AND value <> CAST(printf('%!.15g', value) AS REAL)") {
            var lossy: [String] = []
            for i in 1...count {
                let key = sqlite3_bind_parameter_name(stmt, i).map { String(cString: $0) } ?? "?\(i)"
                sqlite3_bind_text(lookup.sqliteHandle, 1, key, -1, SQLITE_TRANSIENT)
                if sqlite3_step(lookup.sqliteHandle) == SQLITE_ROW { lossy.append(key) }
                sqlite3_reset(lookup.sqliteHandle)
            }
            if !lossy.isEmpty {
                throw MigshError(.refused, "recording: \(lossy.joined(separator: ", ")) is bound to a REAL that 15 digits cannot write exactly, so the recorded migration would store another number; not run. Write the value into the statement instead")
            }
        }
        // Text a migration file cannot hold as a '…' literal (bytes that are not UTF-8, which
        // the folder refuses; a NUL, which ends the literal) is written as CAST(X'…' AS TEXT):
        // the same bytes, the same type. A placeholder is bound while the SQL is expanded.
        var swaps: [(placeholder: String, literal: String)] = []
        var swapped: [Int32] = []
        if let lookup = try? db.prepare("SELECT CAST(value AS BLOB) FROM temp.sqlite_parameters WHERE key=?1 AND typeof(value) = 'text'") {
            for i in 1...count {
                let key = sqlite3_bind_parameter_name(stmt, i).map { String(cString: $0) } ?? "?\(i)"
                sqlite3_bind_text(lookup.sqliteHandle, 1, key, -1, SQLITE_TRANSIENT)
                if sqlite3_step(lookup.sqliteHandle) == SQLITE_ROW {
                    let bytes = lookup.blobBytes(0)
                    if bytes.contains(0) || String(validating: bytes, as: UTF8.self) == nil {
                        let placeholder = "migsh_recorded_text_\(i)_\(UInt64.random(in: 0...UInt64.max))"
                        sqlite3_bind_text(stmt, i, placeholder, -1, SQLITE_TRANSIENT)
                        let hex = bytes.withUnsafeBytes { String(decoding: SQLLiteral.hexBlob($0.baseAddress, count: $0.count), as: UTF8.self) }
                        swaps.append(("'\(placeholder)'", "CAST(\(hex) AS TEXT)"))
                        swapped.append(i)
                    }
                }
                sqlite3_reset(lookup.sqliteHandle)
            }
        }
        // > sqlite3_expanded_sql(P) returns a pointer to a UTF-8 string containing the SQL
        // > text of prepared statement P with bound parameters expanded.
        let expanded = sqlite3_expanded_sql(stmt)
        if !swapped.isEmpty { bind(statement, in: db) }   // the values themselves again
        guard let expanded else {
            throw MigshError(.refused, "recording: the statement's bound values cannot be written into the record (too long); not run")
        }
        defer { sqlite3_free(expanded) }
        var text = String(cString: expanded)
        for swap in swaps { text = text.replacingAll(swap.placeholder, with: swap.literal) }
        return text
    }

    /// `'text'` with `'` doubled.
    public static func quoteLiteral(_ text: String) -> String {
        "'" + text.replacingAll("'", with: "''") + "'"
    }
}
