import CMigshSQLite
import FoundationEssentials
import Glibc
import MigshBase

/// sqlite3 3.40's `.clone NEWDB`: a new database built object by object from the main
/// schema's SQL, each table's rows copied with `INSERT OR IGNORE` (read forwards, and where
/// a damaged table stops the read, again backwards from its last rowid), with
/// `writable_schema` on so that a damaged schema is read as far as it goes.
public enum DatabaseClone {
    public enum Event {
        /// An object of the schema is being created (and, for a table, filled).
        case started([UInt8])
        case finished
        /// A message in sqlite3's words, for standard error, with its own line end (one has none).
        case problem(String)
    }

    public enum Failure: Error {
        /// `File "NEWDB" already exists.`
        case exists(String)
        /// `Cannot create output database: MESSAGE`.
        case cannotCreate(String)
        /// Ctrl-C stopped the copy: the new file was removed (it did not exist before).
        case interrupted(String)
    }

    public static func run(_ connection: Connection, to path: String, report: (Event) -> Void) throws(Failure) {
        // `path` may carry bytes that are not UTF-8 (`CarriedBytes`): the file gets those bytes.
        if CarriedBytes.withCString(path, { access($0, F_OK) }) == 0 { throw .exists(path) }
        var target: OpaquePointer?
        let rc = CarriedBytes.withCString(path) { sqlite3_open($0, &target) }
        defer { sqlite3_close_v2(target) }
        guard rc == SQLITE_OK, let target else {
            throw .cannotCreate(target.map { String(cString: sqlite3_errmsg($0)) } ?? "out of memory")
        }
        let source = connection.handle
        sqlite3_exec(source, "PRAGMA writable_schema=ON;", nil, nil, nil)
        sqlite3_exec(target, "BEGIN EXCLUSIVE;", nil, nil, nil)
        cloneSchema(source, target, where: "type='table'", copyRows: true, report: report)
        cloneSchema(source, target, where: "type!='table'", copyRows: false, report: report)
        if CancellationToken.interrupt.isRequested {
            // A clone cut short is not a copy: nothing of it is kept.
            sqlite3_exec(source, "PRAGMA writable_schema=OFF;", nil, nil, nil)
            CancellationToken.interrupt.finishing("removing the partial clone \(path)") {
                // The rollback removes the journal; the file goes now (closed by the defer).
                sqlite3_exec(target, "ROLLBACK;", nil, nil, nil)
                _ = FileSystem.unlink(path)
            }
            throw .interrupted(path)
        }
        sqlite3_exec(target, "COMMIT;", nil, nil, nil)
        sqlite3_exec(source, "PRAGMA writable_schema=OFF;", nil, nil, nil)
    }

    private static func cloneSchema(_ source: OpaquePointer, _ target: OpaquePointer, where condition: String, copyRows: Bool,
                                    report: (Event) -> Void) {
        for backwards in [false, true] {
            let query = "SELECT name, sql FROM sqlite_schema WHERE \(condition)" + (backwards ? " ORDER BY rowid DESC" : "")
            var statement: OpaquePointer?
            guard sqlite3_prepare_v2(source, query, -1, &statement, nil) == SQLITE_OK, let statement else {
                report(.problem("Error: (\(sqlite3_extended_errcode(source))) \(String(cString: sqlite3_errmsg(source))) on [\(query)]\n"))
                sqlite3_finalize(statement)
                return
            }
            defer { sqlite3_finalize(statement) }
            var rc = sqlite3_step(statement)
            while rc == SQLITE_ROW && !CancellationToken.interrupt.shouldStop {
                if let name = sqlite3_column_text(statement, 0), let sql = sqlite3_column_text(statement, 1) {
                    let nameBytes = Array(UnsafeBufferPointer(start: name, count: strlen(UnsafeRawPointer(name).assumingMemoryBound(to: CChar.self))))
                    report(.started(nameBytes))
                    var message: UnsafeMutablePointer<CChar>?
                    let sqlText = UnsafeRawPointer(sql).assumingMemoryBound(to: CChar.self)
                    sqlite3_exec(target, sqlText, nil, nil, &message)
                    if let message {
                        report(.problem("Error: \(String(cString: message))\nSQL: [\(String(cString: sqlText))]\n"))
                        sqlite3_free(message)
                    }
                    if copyRows { cloneRows(source, target, table: String(decoding: nameBytes, as: UTF8.self), report: report) }
                    if CancellationToken.interrupt.shouldStop { return }  // cut short: not "done"
                    report(.finished)
                }
                rc = sqlite3_step(statement)
            }
            if backwards || rc == SQLITE_DONE { return }
        }
    }

    private static func cloneRows(_ source: OpaquePointer, _ target: OpaquePointer, table: String, report: (Event) -> Void) {
        let quoted = "\"" + table.replacingAll("\"", with: "\"\"") + "\""
        var query = "SELECT * FROM \(quoted)"
        var select: OpaquePointer?
        guard sqlite3_prepare_v2(source, query, -1, &select, nil) == SQLITE_OK, let first = select else {
            report(.problem("Error \(sqlite3_extended_errcode(source)): \(String(cString: sqlite3_errmsg(source))) on [\(query)]\n"))
            sqlite3_finalize(select)
            return
        }
        var reading: OpaquePointer? = first
        defer { sqlite3_finalize(reading) }
        let n = sqlite3_column_count(first)
        // sqlite3 writes the name with %s inside double quotes, unescaped.
        let insertSQL = "INSERT OR IGNORE INTO \"\(table)\" VALUES(?" + String(repeating: ",?", count: max(0, Int(n) - 1)) + ");"
        var insert: OpaquePointer?
        guard sqlite3_prepare_v2(target, insertSQL, -1, &insert, nil) == SQLITE_OK, let insert else {
            report(.problem("Error \(sqlite3_extended_errcode(target)): \(String(cString: sqlite3_errmsg(target))) on [\(query)]\n"))
            sqlite3_finalize(insert)
            return
        }
        defer { sqlite3_finalize(insert) }
        for pass in 0..<2 {
            var rc = sqlite3_step(reading)
            while rc == SQLITE_ROW {
                TestPause.at("clone.row")
                if CancellationToken.interrupt.shouldStop { return }
                for i in 0..<n {
                    switch sqlite3_column_type(reading, i) {
                    case SQLITE_INTEGER: sqlite3_bind_int64(insert, i + 1, sqlite3_column_int64(reading, i))
                    case SQLITE_FLOAT: sqlite3_bind_double(insert, i + 1, sqlite3_column_double(reading, i))
                    case SQLITE_TEXT: sqlite3_bind_text(insert, i + 1, sqlite3_column_text(reading, i).map { UnsafeRawPointer($0).assumingMemoryBound(to: CChar.self) }, -1, nil)
                    case SQLITE_BLOB: sqlite3_bind_blob(insert, i + 1, sqlite3_column_blob(reading, i), sqlite3_column_bytes(reading, i), nil)
                    default: sqlite3_bind_null(insert, i + 1)
                    }
                }
                let step = sqlite3_step(insert)
                if step != SQLITE_OK && step != SQLITE_ROW && step != SQLITE_DONE {
                    report(.problem("Error \(sqlite3_extended_errcode(target)): \(String(cString: sqlite3_errmsg(target)))\n"))
                }
                sqlite3_reset(insert)
                rc = sqlite3_step(reading)
            }
            if rc == SQLITE_DONE || pass == 1 { return }
            sqlite3_finalize(reading)
            reading = nil
            query = "SELECT * FROM \(quoted) ORDER BY rowid DESC;"
            var again: OpaquePointer?
            guard sqlite3_prepare_v2(source, query, -1, &again, nil) == SQLITE_OK, let again else {
                // sqlite3 writes this one without a newline.
                report(.problem("Warning: cannot step \"\(table)\" backwards"))
                sqlite3_finalize(again)
                return
            }
            reading = again
        }
    }
}
