import CMigshSQLite
import FoundationEssentials
import MigshBase

extension Connection {
    /// Loads the SQLite extension in `path` (sqlite3's `.load FILE ?ENTRY?`). Loading is
    /// enabled for this call only, and for the C API only: SQL's `load_extension()` stays off.
    /// Throws SQLite's message.
    public func loadExtension(_ path: String, entryPoint: String?) throws {
        // > SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION ... enables or disables only the C-API
        // > sqlite3_load_extension(); the SQL function load_extension() remains disabled.
        set(.loadExtension, on: true)
        defer { set(.loadExtension, on: false) }
        var message: UnsafeMutablePointer<CChar>?
        let rc = FileSystem.withPath(path) { sqlite3_load_extension(handle, $0, entryPoint, &message) }
        guard rc != SQLITE_OK else { return }
        // The message names the file: its bytes are kept (carried), as sqlite3 prints them.
        let text = message.map { FileSystem.string(fromPath: $0) } ?? String(cString: sqlite3_errstr(rc))
        sqlite3_free(message)
        throw MigshError(.sqlite, text, resultCode: ResultCode(rawValue: rc))
    }
}
