import CMigshSQLite

// SQLite's counters, as sqlite3's `.stats` prints them: the library's (sqlite3_status64), the
// connection's (sqlite3_db_status) and a statement's (sqlite3_stmt_status), and where a
// result column comes from (the column metadata functions).

/// A library-wide counter of `sqlite3_status64`.
public enum LibraryStatus: Sendable {
    case memoryUsed, mallocCount, pageCacheOverflow, mallocSize, pageCacheSize

    var op: Int32 {
        switch self {
        case .memoryUsed: return SQLITE_STATUS_MEMORY_USED
        case .mallocCount: return SQLITE_STATUS_MALLOC_COUNT
        case .pageCacheOverflow: return SQLITE_STATUS_PAGECACHE_OVERFLOW
        case .mallocSize: return SQLITE_STATUS_MALLOC_SIZE
        case .pageCacheSize: return SQLITE_STATUS_PAGECACHE_SIZE
        }
    }

    /// The current value and the highest since the start (-1, -1 if SQLite refuses).
    public var value: (current: Int64, highwater: Int64) {
        var current: Int64 = -1
        var highwater: Int64 = -1
        // > sqlite3_status64(op, pCurrent, pHighwater, resetFlag)
        sqlite3_status64(op, &current, &highwater, 0)
        return (current, highwater)
    }
}

/// A connection's counter of `sqlite3_db_status`.
public enum ConnectionStatus: Sendable {
    case lookasideUsed, lookasideHit, lookasideMissSize, lookasideMissFull, cacheUsed, cacheHit, cacheMiss,
         cacheWrite, cacheSpill, schemaUsed, statementUsed

    var op: Int32 {
        switch self {
        case .lookasideUsed: return SQLITE_DBSTATUS_LOOKASIDE_USED
        case .lookasideHit: return SQLITE_DBSTATUS_LOOKASIDE_HIT
        case .lookasideMissSize: return SQLITE_DBSTATUS_LOOKASIDE_MISS_SIZE
        case .lookasideMissFull: return SQLITE_DBSTATUS_LOOKASIDE_MISS_FULL
        case .cacheUsed: return SQLITE_DBSTATUS_CACHE_USED
        case .cacheHit: return SQLITE_DBSTATUS_CACHE_HIT
        case .cacheMiss: return SQLITE_DBSTATUS_CACHE_MISS
        case .cacheWrite: return SQLITE_DBSTATUS_CACHE_WRITE
        case .cacheSpill: return SQLITE_DBSTATUS_CACHE_SPILL
        case .schemaUsed: return SQLITE_DBSTATUS_SCHEMA_USED
        case .statementUsed: return SQLITE_DBSTATUS_STMT_USED
        }
    }
}

extension Connection {
    /// The counter's current value and highest value; `reset` sets the highest back to the current.
    public func status(_ status: ConnectionStatus, reset: Bool = false) -> (current: Int32, highwater: Int32) {
        var current: Int32 = -1
        var highwater: Int32 = -1
        sqlite3_db_status(sqliteHandle, status.op, &current, &highwater, reset ? 1 : 0)
        return (current, highwater)
    }
}

/// A statement's counter of `sqlite3_stmt_status`.
public enum StatementCounter: Sendable {
    case fullscanStep, sort, autoindex, vmStep, reprepare, run, filterHit, filterMiss, memoryUsed

    var op: Int32 {
        switch self {
        case .fullscanStep: return SQLITE_STMTSTATUS_FULLSCAN_STEP
        case .sort: return SQLITE_STMTSTATUS_SORT
        case .autoindex: return SQLITE_STMTSTATUS_AUTOINDEX
        case .vmStep: return SQLITE_STMTSTATUS_VM_STEP
        case .reprepare: return SQLITE_STMTSTATUS_REPREPARE
        case .run: return SQLITE_STMTSTATUS_RUN
        case .filterHit: return SQLITE_STMTSTATUS_FILTER_HIT
        case .filterMiss: return SQLITE_STMTSTATUS_FILTER_MISS
        case .memoryUsed: return SQLITE_STMTSTATUS_MEMUSED
        }
    }
}

extension Statement {
    /// Where a result column comes from; nil where SQLite has no answer (an expression).
    public struct ColumnOrigin: Sendable {
        public var name: String?
        public var declaredType: String?
        public var databaseName: String?
        public var tableName: String?
        public var originName: String?
    }

    public func counter(_ counter: StatementCounter) -> Int32 {
        sqlite3_stmt_status(sqliteHandle, counter.op, 0)
    }

    public var columnOrigins: [ColumnOrigin] {
        func text(_ p: UnsafePointer<CChar>?) -> String? { p.map { String(cString: $0) } }
        let handle = sqliteHandle
        return (0..<Int32(columnCount)).map { i in
            ColumnOrigin(name: text(sqlite3_column_name(handle, i)), declaredType: text(sqlite3_column_decltype(handle, i)),
                         databaseName: text(sqlite3_column_database_name(handle, i)), tableName: text(sqlite3_column_table_name(handle, i)),
                         originName: text(sqlite3_column_origin_name(handle, i)))
        }
    }
}
