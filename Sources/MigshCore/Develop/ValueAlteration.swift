import FoundationEssentials
import MigshBase

/// SQLite's affinity of a column with declared type `declaredType` (the five rules of
/// "Datatypes In SQLite" §3.1, in their order).
public enum ColumnAffinity: String, Sendable, Equatable {
    case integer = "INTEGER", text = "TEXT", blob = "BLOB", real = "REAL", numeric = "NUMERIC"

    public init(declaredType: String) {
        let t = declaredType.uppercased()
        if t.contains("INT") { self = .integer }
        else if t.contains("CHAR") || t.contains("CLOB") || t.contains("TEXT") { self = .text }
        else if t.contains("BLOB") || t.allSatisfy({ $0 == " " || $0 == "\t" || $0 == "\n" || $0 == "\r" }) { self = .blob }
        else if t.contains("REAL") || t.contains("FLOA") || t.contains("DOUB") { self = .real }
        else { self = .numeric }
    }
}

/// The values of a column that a copy into a column of another type did not keep, found row
/// by row (by rowid, or by primary key for a table without one): a value is kept when its type
/// (`typeof`) and value are identical, or when an integer and a real are numerically identical
/// (1.0 → 1). Anything else — text that became a number ('007' → 7, '1e3' → 1000), a number
/// that became text, a real that lost digits — is altered. Rows present on one side only are
/// not compared (an INSERT's or a DELETE's work).
public struct ValueAlteration: Sendable, Encodable, Equatable {
    /// Rows compared whose value was altered.
    public var count: Int
    /// The first few, as `rowid 4: '007' → 7` (SQL literals, long ones cut).
    public var examples: [String]

    public static let exampleLimit = 3

    /// `count` values and the examples, as one phrase: `3 values altered by the new column's type (rowid 4: '007' → 7, …)`.
    public var phrase: String { "\(values) altered by the new column's type (\(examplesText))" }

    /// `3 values`.
    public var values: String { "\(count) value\(count == 1 ? "" : "s")" }

    /// The examples, `…` closing them when there are more.
    public var examplesText: String { examples.joined(separator: ", ") + (count > examples.count ? ", …" : "") }

    /// What giving `table.column` of the database at `path` the declared type `newType` would
    /// alter in its current rows (`.rebuild --type`, before the file is written): the values
    /// copied into a column of that type in a temporary table of a private read-only connection and compared row by
    /// row. nil when nothing would be altered, the affinity stays, or it cannot be told (no
    /// rowid, no such column, a database that cannot be opened).
    public static func preview(databasePath path: String, table: String, column: String, newType: String) -> ValueAlteration? {
        guard let db = try? Connection(path: path, mode: .readOnly),
              let old = affinity(db, schema: "main", table: table, column: column),
              old != ColumnAffinity(declaredType: newType),
              // The temporary schema: writable on a read-only connection, private to it.
              (try? db.prepare("CREATE TEMP TABLE migsh_retype (k INTEGER PRIMARY KEY, v \(newType))").run()) != nil,
              (try? db.prepare("INSERT INTO temp.migsh_retype (k, v) SELECT rowid, \(quoteIdentifier(column)) FROM main.\(quoteIdentifier(table))").run()) != nil,
              let found = find(db, old: ("main", table, column), new: ("temp", "migsh_retype", "v")), found.count > 0 else { return nil }
        return found
    }

    /// Compares `old` (schema, table, column) with `new` on one connection (the two schemas
    /// attached to it). nil when the rows cannot be matched (no rowid and no primary key on
    /// both sides) or a side cannot be read.
    public static func find(_ db: Connection, old: (schema: String, table: String, column: String),
                            new: (schema: String, table: String, column: String)) -> ValueAlteration? {
        let o = "\(quoteIdentifier(old.schema)).\(quoteIdentifier(old.table))"
        let n = "\(quoteIdentifier(new.schema)).\(quoteIdentifier(new.table))"
        var keys: [String]
        let byRowid = (try? db.prepare("SELECT rowid FROM \(o) LIMIT 0")) != nil && (try? db.prepare("SELECT rowid FROM \(n) LIMIT 0")) != nil
        if byRowid {
            keys = ["rowid"]
        } else {
            keys = (try? db.column("SELECT name FROM pragma_table_info(\(SQLParameters.quoteLiteral(old.table)), \(SQLParameters.quoteLiteral(old.schema))) WHERE pk > 0 ORDER BY pk")) ?? []
            guard !keys.isEmpty else { return nil }
        }
        let join = keys.map { "n.\(quoteIdentifier($0)) IS o.\(quoteIdentifier($0))" }.joined(separator: " AND ")
        let oc = "o.\(quoteIdentifier(old.column))", nc = "n.\(quoteIdentifier(new.column))"
        let label = keys.map { "quote(o.\(quoteIdentifier($0)))" }.joined(separator: " || ', ' || ")
        guard let stmt = try? db.prepare("SELECT \(oc), \(nc), quote(\(oc)), quote(\(nc)), \(label) FROM \(o) AS o JOIN \(n) AS n ON \(join)") else { return nil }
        var result = ValueAlteration(count: 0, examples: [])
        let row = stmt.row
        do {
            while try stmt.step() {
                guard !preserved(row, 0, 1) else { continue }
                result.count += 1
                guard result.examples.count < exampleLimit else { continue }
                func text(_ i: Int) -> String {
                    guard let bytes = row.textBytes(i) else { return "NULL" }
                    let s = String(decoding: bytes, as: UTF8.self)
                    return s.count > 40 ? String(s.prefix(37)) + "…" : s
                }
                result.examples.append("\(byRowid ? "rowid " : "key ")\(text(4)): \(text(2)) → \(text(3))")
            }
        } catch {
            return nil
        }
        return result
    }

    /// True when column `b` keeps column `a`'s value (see the type's comment).
    static func preserved(_ row: Statement.Row, _ a: Int, _ b: Int) -> Bool {
        switch (row.type(a), row.type(b)) {
        case (.null, .null): return true
        case (.integer, .integer): return row.int64(a) == row.int64(b)
        case (.float, .float): return row.double(a) == row.double(b)
        case (.integer, .float): return Double(exactly: row.int64(a)).map { $0 == row.double(b) } ?? false
        case (.float, .integer): return Double(exactly: row.int64(b)).map { $0 == row.double(a) } ?? false
        case (.text, .text):
            guard let x = row.textBytes(a) else { return false }
            let first = Array(x)
            guard let y = row.textBytes(b) else { return false }
            return first.elementsEqual(y)
        case (.blob, .blob):
            let first = Array(row.blob(a))
            return first.elementsEqual(row.blob(b))
        default: return false
        }
    }

    /// Whether a migration's text can give a column another type: it creates a table (SQLite
    /// changes a column's type only by a rebuild).
    public static func mayRetype(_ sql: String) -> Bool {
        let words = TableDefinition.tokens(sql).filter { $0.kind != .punctuation }.map { $0.text.uppercased() }
        for i in words.indices.dropLast() where words[i] == "CREATE" {
            if words[i + 1] == "TABLE" { return true }
        }
        return false
    }

    /// The affinity of `table.column` in `schema`, nil when there is no such column.
    public static func affinity(_ db: Connection, schema: String, table: String, column: String) -> ColumnAffinity? {
        guard let types = try? db.column("SELECT type FROM pragma_table_xinfo(\(SQLParameters.quoteLiteral(table)), \(SQLParameters.quoteLiteral(schema))) WHERE name = \(SQLParameters.quoteLiteral(column)) COLLATE NOCASE"),
              let type = types.first else { return nil }
        return ColumnAffinity(declaredType: type)
    }
}
