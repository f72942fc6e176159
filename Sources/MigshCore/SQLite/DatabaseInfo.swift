import CMigshSQLite
import FoundationEssentials
import Glibc

/// What sqlite3 3.40's `.dbinfo` shows: the header of page 1, the schema's counts and the
/// data version. The header comes from `DatabasePages` (sqlite3 reads it through
/// `sqlite_dbpage`, which the system library lacks).
public struct DatabaseInfo: Sendable, Encodable {
    /// The header's 100 bytes.
    public var header: [UInt8]
    public var tables: Int
    public var indexes: Int
    public var triggers: Int
    public var views: Int
    /// `total(length(sql))` of the schema, as sqlite3 reads it (an integer).
    public var schemaSize: Int
    public var dataVersion: UInt32

    /// Reads `schema` (default main) of `connection`; throws `notFound` when its header
    /// cannot be read (no such schema, an empty temp schema).
    public static func read(_ connection: Connection, schema: String = "main") throws -> DatabaseInfo {
        let pages = try DatabasePages(of: connection, schema: schema)
        let table = schema == "temp" ? "sqlite_temp_schema" : quoteIdentifier(schema) + ".sqlite_schema"
        // sqlite3's db_int: 0 when the query fails (a damaged schema).
        func count(_ sql: String) -> Int { Int((try? connection.scalarInt(sql)) ?? 0) }
        var version: UInt32 = 0
        sqlite3_file_control(connection.handle, schema, SQLITE_FCNTL_DATA_VERSION, &version)
        return DatabaseInfo(header: pages.header,
                            tables: count("SELECT count(*) FROM \(table) WHERE type='table'"),
                            indexes: count("SELECT count(*) FROM \(table) WHERE type='index'"),
                            triggers: count("SELECT count(*) FROM \(table) WHERE type='trigger'"),
                            views: count("SELECT count(*) FROM \(table) WHERE type='view'"),
                            schemaSize: count("SELECT total(length(sql)) FROM \(table)"),
                            dataVersion: version)
    }

    public func uint32(at offset: Int) -> UInt32 { DatabasePages.uint32(header, offset) }
    public var pageSize: Int { let raw = Int(header[16]) << 8 | Int(header[17]); return raw == 1 ? 65536 : raw }
}
