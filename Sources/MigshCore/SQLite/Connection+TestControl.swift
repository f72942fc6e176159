import CMigshSQLite

/// The `sqlite3_test_control` calls of sqlite3 3.40's `.testctrl`, each with the argument
/// list SQLite expects for it (the function is variadic: the shim has one wrapper per list).
/// > sqlite3_test_control … is used to read out internal state of SQLite and to inject
/// > faults into SQLite for testing purposes. … The details of the operation codes, their
/// > meanings, the parameters they take, and what they do are all subject to change without notice.
public enum TestControl: Sendable, Equatable {
    case always(Int32)
    case assert(Int32)
    case byteOrder
    case imposter(schema: String, on: Int32, rootPage: Int32)
    case internalFunctions
    case localtimeFault(Int32)
    case neverCorrupt(Int32)
    case optimizations(UInt32)
    case pendingByte(UInt32)
    case prngRestore
    case prngSave
    /// `withConnection`: the seed goes through the connection's schema (sqlite3's `SEED db`).
    case prngSeed(Int32, withConnection: Bool)
    case seekCount
    case sorterMmap(Int32)

    /// sqlite3's `random` seed: a random int from SQLite's PRNG.
    public static func randomSeed() -> Int32 {
        var value: Int32 = 0
        sqlite3_randomness(Int32(MemoryLayout<Int32>.size), &value)
        return value
    }
}

extension Connection {
    /// Runs `control`: SQLite's return value, and for `.seekCount` the count it wrote.
    public func testControl(_ control: TestControl) -> (rc: Int32, count: UInt64) {
        switch control {
        case .always(let v): return (migsh_sqlite3_test_control_int(SQLITE_TESTCTRL_ALWAYS, v), 0)
        case .assert(let v): return (migsh_sqlite3_test_control_int(SQLITE_TESTCTRL_ASSERT, v), 0)
        case .byteOrder: return (migsh_sqlite3_test_control(SQLITE_TESTCTRL_BYTEORDER), 0)
        case .imposter(let schema, let on, let rootPage):
            return (migsh_sqlite3_test_control_imposter(handle, schema, on, rootPage), 0)
        case .internalFunctions: return (migsh_sqlite3_test_control_db(SQLITE_TESTCTRL_INTERNAL_FUNCTIONS, handle), 0)
        case .localtimeFault(let v): return (migsh_sqlite3_test_control_int(SQLITE_TESTCTRL_LOCALTIME_FAULT, v), 0)
        case .neverCorrupt(let v): return (migsh_sqlite3_test_control_int(SQLITE_TESTCTRL_NEVER_CORRUPT, v), 0)
        case .optimizations(let mask): return (migsh_sqlite3_test_control_db_uint(SQLITE_TESTCTRL_OPTIMIZATIONS, handle, mask), 0)
        case .pendingByte(let offset): return (migsh_sqlite3_test_control_uint(SQLITE_TESTCTRL_PENDING_BYTE, offset), 0)
        case .prngRestore: return (migsh_sqlite3_test_control(SQLITE_TESTCTRL_PRNG_RESTORE), 0)
        case .prngSave: return (migsh_sqlite3_test_control(SQLITE_TESTCTRL_PRNG_SAVE), 0)
        case .prngSeed(let seed, let withConnection):
            guard withConnection else { return (migsh_sqlite3_test_control_int_db(SQLITE_TESTCTRL_PRNG_SEED, seed, nil), 0) }
            // As sqlite3: the schema is loaded first (the seed is then read from it).
            sqlite3_table_column_metadata(handle, nil, "x", nil, nil, nil, nil, nil, nil)
            return (migsh_sqlite3_test_control_int_db(SQLITE_TESTCTRL_PRNG_SEED, seed, handle), 0)
        case .seekCount:
            var count: sqlite3_uint64 = 0
            let rc = migsh_sqlite3_test_control_db_u64(SQLITE_TESTCTRL_SEEK_COUNT, handle, &count)
            return (rc, UInt64(count))
        case .sorterMmap(let n): return (migsh_sqlite3_test_control_db_int(SQLITE_TESTCTRL_SORTER_MMAP, handle, n), 0)
        }
    }
}
