import CMigshSQLite

// A connection's run-time settings as sqlite3's dot-commands show and change them (`.limit`,
// `.dbconfig`, `.databases`), and its interruption from another thread.

/// A run-time limit of `sqlite3_limit`, named as sqlite3's `.limit` names it, in its order.
public enum SQLiteLimit: String, CaseIterable, Sendable {
    case length, sqlLength = "sql_length", column, exprDepth = "expr_depth", compoundSelect = "compound_select",
         vdbeOp = "vdbe_op", functionArg = "function_arg", attached, likePatternLength = "like_pattern_length",
         variableNumber = "variable_number", triggerDepth = "trigger_depth", workerThreads = "worker_threads"

    /// sqlite3's name for it.
    public var name: String { rawValue }

    var code: Int32 {
        switch self {
        case .length: return SQLITE_LIMIT_LENGTH
        case .sqlLength: return SQLITE_LIMIT_SQL_LENGTH
        case .column: return SQLITE_LIMIT_COLUMN
        case .exprDepth: return SQLITE_LIMIT_EXPR_DEPTH
        case .compoundSelect: return SQLITE_LIMIT_COMPOUND_SELECT
        case .vdbeOp: return SQLITE_LIMIT_VDBE_OP
        case .functionArg: return SQLITE_LIMIT_FUNCTION_ARG
        case .attached: return SQLITE_LIMIT_ATTACHED
        case .likePatternLength: return SQLITE_LIMIT_LIKE_PATTERN_LENGTH
        case .variableNumber: return SQLITE_LIMIT_VARIABLE_NUMBER
        case .triggerDepth: return SQLITE_LIMIT_TRIGGER_DEPTH
        case .workerThreads: return SQLITE_LIMIT_WORKER_THREADS
        }
    }
}

/// A switch of `sqlite3_db_config`, named as sqlite3's `.dbconfig` names it, in its order.
public enum DatabaseConfigOption: String, CaseIterable, Sendable {
    case defensive, dqsDDL = "dqs_ddl", dqsDML = "dqs_dml", enableForeignKeys = "enable_fkey",
         enableQPSG = "enable_qpsg", enableTrigger = "enable_trigger", enableView = "enable_view",
         fts3Tokenizer = "fts3_tokenizer", legacyAlterTable = "legacy_alter_table",
         legacyFileFormat = "legacy_file_format", loadExtension = "load_extension",
         noCheckpointOnClose = "no_ckpt_on_close", resetDatabase = "reset_database", triggerEQP = "trigger_eqp",
         trustedSchema = "trusted_schema", writableSchema = "writable_schema"

    /// sqlite3's name for it.
    public var name: String { rawValue }

    var code: Int32 {
        switch self {
        case .defensive: return SQLITE_DBCONFIG_DEFENSIVE
        case .dqsDDL: return SQLITE_DBCONFIG_DQS_DDL
        case .dqsDML: return SQLITE_DBCONFIG_DQS_DML
        case .enableForeignKeys: return SQLITE_DBCONFIG_ENABLE_FKEY
        case .enableQPSG: return SQLITE_DBCONFIG_ENABLE_QPSG
        case .enableTrigger: return SQLITE_DBCONFIG_ENABLE_TRIGGER
        case .enableView: return SQLITE_DBCONFIG_ENABLE_VIEW
        case .fts3Tokenizer: return SQLITE_DBCONFIG_ENABLE_FTS3_TOKENIZER
        case .legacyAlterTable: return SQLITE_DBCONFIG_LEGACY_ALTER_TABLE
        case .legacyFileFormat: return SQLITE_DBCONFIG_LEGACY_FILE_FORMAT
        case .loadExtension: return SQLITE_DBCONFIG_ENABLE_LOAD_EXTENSION
        case .noCheckpointOnClose: return SQLITE_DBCONFIG_NO_CKPT_ON_CLOSE
        case .resetDatabase: return SQLITE_DBCONFIG_RESET_DATABASE
        case .triggerEQP: return SQLITE_DBCONFIG_TRIGGER_EQP
        case .trustedSchema: return SQLITE_DBCONFIG_TRUSTED_SCHEMA
        case .writableSchema: return SQLITE_DBCONFIG_WRITABLE_SCHEMA
        }
    }
}

/// A schema's transaction state (`sqlite3_txn_state`).
public enum TransactionState: Sendable {
    case none, read, write
}

extension Connection {
    /// The limit's current value.
    public func limit(_ limit: SQLiteLimit) -> Int32 { sqlite3_limit(handle, limit.code, -1) }

    /// Sets the limit (SQLite lowers a value above its compile-time bound to that bound).
    public func setLimit(_ limit: SQLiteLimit, to value: Int32) { sqlite3_limit(handle, limit.code, value) }

    /// True when the switch is on.
    public func isOn(_ option: DatabaseConfigOption) -> Bool {
        var on: Int32 = 0
        migsh_sqlite3_db_config_int(handle, option.code, -1, &on)
        return on != 0
    }

    /// Turns the switch on or off; returns whether it was on.
    @discardableResult
    public func set(_ option: DatabaseConfigOption, on: Bool) -> Bool {
        let was = isOn(option)
        migsh_sqlite3_db_config_int(handle, option.code, on ? 1 : 0, nil)
        return was
    }

    /// True when `schema` (main, temp, an attached name) is read-only (`sqlite3_db_readonly`);
    /// false for no such schema.
    public func isReadOnly(schema: String) -> Bool { sqlite3_db_readonly(handle, schema) == 1 }

    /// The transaction `schema` is in.
    public func transactionState(schema: String) -> TransactionState {
        switch sqlite3_txn_state(handle, schema) {
        case SQLITE_TXN_READ: return .read
        case SQLITE_TXN_WRITE: return .write
        default: return .none
        }
    }

    /// Stops the statement running on this connection at its next step (`sqlite3_interrupt`);
    /// safe from another thread.
    public func interrupt() { sqlite3_interrupt(handle) }

    /// `sqlite3_table_column_metadata`: collation and AUTOINCREMENT, which no pragma reports.
    func columnMetadata(table: String, column: String) -> (collation: String, autoincrement: Bool)? {
        var type: UnsafePointer<CChar>?
        var collation: UnsafePointer<CChar>?
        var notNull: Int32 = 0, primaryKey: Int32 = 0, autoincrement: Int32 = 0
        let rc = sqlite3_table_column_metadata(handle, "main", table, column, &type, &collation, &notNull, &primaryKey, &autoincrement)
        guard rc == SQLITE_OK else { return nil }
        return (collation.map { String(cString: $0) } ?? "BINARY", autoincrement != 0)
    }
}

/// What PRAGMAs set on one connection alone, not in the file (`recursive_triggers`,
/// `case_sensitive_like`, `cache_size`, …), as read at one moment. `.apply` runs migration
/// files on the session's connection: it reads these before and puts back after, so that a
/// migration's `PRAGMA recursive_triggers = ON` ends with the migration instead of changing
/// what the user's later SQL does. (The file's own settings — `user_version`,
/// `application_id` — are the migration's to change, and stay.)
public struct ConnectionPragmas: Equatable, Sendable {
    /// The connection's flags and numbers, as `PRAGMA name` reads them and `PRAGMA name = value`
    /// sets them (SQLite 3.40). A pragma this SQLite lacks reads as no row, and is skipped.
    static let connectionWide = [
        "recursive_triggers", "reverse_unordered_selects", "automatic_index", "cell_size_check",
        "ignore_check_constraints", "query_only", "legacy_alter_table", "defer_foreign_keys",
        "full_column_names", "short_column_names", "count_changes", "empty_result_callbacks",
        "trusted_schema", "checkpoint_fullfsync", "fullfsync", "busy_timeout", "wal_autocheckpoint",
        "threads", "analysis_limit", "soft_heap_limit", "temp_store",
    ]
    /// The main schema's settings on this connection (`PRAGMA main.name`).
    static let mainSchema = ["cache_size", "cache_spill", "synchronous", "mmap_size", "journal_size_limit", "secure_delete"]

    fileprivate var values: [String: Int64] = [:]
    /// `case_sensitive_like` has no read form: its effect is read instead ('a' LIKE 'A').
    fileprivate var caseSensitiveLike = false

    fileprivate static func pragma(_ name: String) -> String {
        mainSchema.contains(name) ? "main." + name : name
    }
}

extension Connection {
    /// The connection's own PRAGMA settings now.
    public func connectionPragmas() -> ConnectionPragmas {
        var saved = ConnectionPragmas()
        for name in ConnectionPragmas.connectionWide + ConnectionPragmas.mainSchema {
            if let value = try? scalarInt("PRAGMA " + ConnectionPragmas.pragma(name)) { saved.values[name] = value }
        }
        saved.caseSensitiveLike = (try? scalarInt("SELECT 'a' LIKE 'A'")) == 0
        return saved
    }

    /// Puts back the settings `saved` read, where they changed since.
    public func restore(_ saved: ConnectionPragmas) {
        let now = connectionPragmas()
        for (name, value) in saved.values where now.values[name] != value {
            // secure_delete reads 2 for FAST; `= 2` would mean plain ON.
            let text = name == "secure_delete" && value == 2 ? "fast" : String(value)
            try? execute("PRAGMA \(ConnectionPragmas.pragma(name)) = \(text)")
        }
        if now.caseSensitiveLike != saved.caseSensitiveLike {
            try? execute("PRAGMA case_sensitive_like = \(saved.caseSensitiveLike ? "ON" : "OFF")")
        }
    }
}
