import CMigshSQLite
import FoundationEssentials
import Glibc
import MigshBase

/// sqlite3's own `.backup ?DB? FILE` / `.save FILE` and `.restore ?DB? FILE`: a plain copy
/// through the backup API, of one schema, as sqlite3 3.40 makes it (no verification, an
/// existing FILE overwritten). migsh's verified backup and restore are `BackupStore` and
/// `Restorer`; these are for scripts written for sqlite3.
extension OnlineBackup {
    /// Why a plain copy failed, with sqlite3's wording for each.
    public enum PlainCopyFailure: Error {
        /// `Error: cannot open "FILE"`.
        case cannotOpen(String)
        /// `Error: MESSAGE` (SQLite's message).
        case failed([UInt8])
        /// `Error: source database is busy`.
        case busy
    }

    /// Copies `schema` of `connection` into the database file `path` (created when missing).
    /// Both may carry bytes that are not UTF-8 (`CarriedBytes`): SQLite gets those bytes.
    public static func plainCopy(of connection: Connection, schema: String, to path: String) throws(PlainCopyFailure) {
        var destination: OpaquePointer?
        let rc = CarriedBytes.withCString(path) { sqlite3_open_v2($0, &destination, SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE, nil) }
        defer { sqlite3_close_v2(destination) }
        guard rc == SQLITE_OK, let destination else { throw .cannotOpen(path) }
        guard let backup = CarriedBytes.withCString(schema, { sqlite3_backup_init(destination, "main", connection.handle, $0) }) else {
            throw .failed(message(destination))
        }
        var step = sqlite3_backup_step(backup, 100)
        while step == SQLITE_OK { step = sqlite3_backup_step(backup, 100) }
        sqlite3_backup_finish(backup)
        guard step == SQLITE_DONE else { throw .failed(message(destination)) }
    }

    /// Overwrites `schema` of `connection` with the database file `path`; as sqlite3, a busy
    /// source is retried three times, 100 ms apart.
    public static func plainRestore(into connection: Connection, schema: String, from path: String) throws(PlainCopyFailure) {
        var source: OpaquePointer?
        let rc = CarriedBytes.withCString(path) { sqlite3_open($0, &source) }
        defer { sqlite3_close_v2(source) }
        guard rc == SQLITE_OK, let source else { throw .cannotOpen(path) }
        guard let backup = CarriedBytes.withCString(schema, { sqlite3_backup_init(connection.handle, $0, source, "main") }) else {
            throw .failed(message(connection.handle))
        }
        var retries = 0
        var step = sqlite3_backup_step(backup, 100)
        while step == SQLITE_OK || step == SQLITE_BUSY {
            if step == SQLITE_BUSY {
                if retries >= 3 { break }
                retries += 1
                sqlite3_sleep(100)
            }
            step = sqlite3_backup_step(backup, 100)
        }
        sqlite3_backup_finish(backup)
        if step == SQLITE_DONE { return }
        if step == SQLITE_BUSY || step == SQLITE_LOCKED { throw .busy }
        throw .failed(message(connection.handle))
    }

    private static func message(_ db: OpaquePointer) -> [UInt8] {
        Array(String(cString: sqlite3_errmsg(db)).utf8)
    }
}
