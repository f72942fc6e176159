import CMigshSQLite

/// One object of SQLite's session extension (sqlite3's `.session`): it records the changes
/// made through its connection to the tables of one schema, and writes them as a changeset
/// or a patchset. The system library is built with SQLITE_ENABLE_SESSION.
///
/// It keeps its connection alive: SQLite's documentation asks that a session be deleted
/// before the connection it was created on is closed, so `deinit` deletes it first.
public final class ChangesetSession {
    /// The name sqlite3's `.session open DB NAME` gives it.
    public let name: String
    public let connection: Connection
    private let handle: OpaquePointer
    /// `.session filter GLOB…`: tables whose name matches one of these are not recorded.
    /// NUL-terminated, as `sqlite3_strglob` reads them.
    private var filters: [[CChar]] = []

    /// sqlite3session_create on `schema` of `connection`: the session, or nil and SQLite's
    /// result code.
    public static func open(on connection: Connection, schema: String, name: String) -> (session: ChangesetSession?, rc: Int32) {
        var session: OpaquePointer?
        // > sqlite3session_create(sqlite3 *db, const char *zDb, sqlite3_session **ppSession):
        // > Create a new session object attached to database handle db.
        let rc = sqlite3session_create(connection.handle, schema, &session)
        guard rc == SQLITE_OK, let session else {
            if let session { sqlite3session_delete(session) }
            return (nil, rc)
        }
        return (ChangesetSession(name: name, connection: connection, handle: session), SQLITE_OK)
    }

    private init(name: String, connection: Connection, handle: OpaquePointer) {
        self.name = name
        self.connection = connection
        self.handle = handle
        // As sqlite3's session_filter: a table is recorded unless a filter GLOB matches its name.
        sqlite3session_table_filter(handle, { context, table in
            guard let context, let table else { return 1 }
            let session = Unmanaged<ChangesetSession>.fromOpaque(context).takeUnretainedValue()
            for glob in session.filters where sqlite3_strglob(glob, table) == 0 { return 0 }
            return 1
        }, Unmanaged.passUnretained(self).toOpaque())
    }

    deinit {
        // > Session objects must be deleted before the database handle to which they are
        // > attached is closed.
        sqlite3session_delete(handle)
    }

    /// Replaces the filter GLOBs.
    public func setFilters(_ globs: [String]) {
        filters = globs.map { Array($0.utf8CString) }
    }

    /// sqlite3session_attach: records `table` (never filtered); SQLite's result code.
    public func attach(_ table: String) -> Int32 {
        sqlite3session_attach(handle, table)
    }

    /// The changeset (or, `patchset`, the patchset) of what was recorded: SQLite's result
    /// code and the bytes it returned, if any.
    public func changes(patchset: Bool) -> (rc: Int32, bytes: [UInt8]?) {
        var size: Int32 = 0
        var buffer: UnsafeMutableRawPointer?
        let rc = patchset ? sqlite3session_patchset(handle, &size, &buffer) : sqlite3session_changeset(handle, &size, &buffer)
        guard let buffer else { return (rc, nil) }
        defer { sqlite3_free(buffer) }
        return (rc, Array(UnsafeRawBufferPointer(start: buffer, count: Int(size))))
    }

    /// sqlite3session_enable: `value` > 0 enables, 0 disables, < 0 only queries; the flag after.
    public func enable(_ value: Int32) -> Int32 { sqlite3session_enable(handle, value) }

    /// sqlite3session_indirect, likewise.
    public func indirect(_ value: Int32) -> Int32 { sqlite3session_indirect(handle, value) }

    /// sqlite3session_isempty: 1 when nothing was recorded.
    public var isEmpty: Int32 { sqlite3session_isempty(handle) }
}
