import CMigshSQLite

/// The SQL functions sqlite3 3.40's shell registers on its connection, so that scripts
/// written for sqlite3 run unchanged: `generate_series`, `regexp`/`regexpi`, `sha3`,
/// `sha3_query`, the `decimal` family, the `ieee754` family, the `uint` collation,
/// `completion`, the file functions (`readfile`, `writefile`, `lsmode`, `fsdir`, `edit`), and
/// `sqlar_compress`/`sqlar_uncompress` (under -safe too, as in sqlite3 3.40), and `zipfile`
/// for reading and writing ZIP archives (a file function: off under --readonly; the
/// `zipfile()` aggregate, which touches no file, is not). They go on the connection that runs the user's SQL only — never on one
/// that runs migration files: the replay, the rehearsal and the data probe open connections
/// of their own without them, and the migrator runs the files on the session's connection
/// inside `suspended(on:)`, so that a migration cannot depend on a function the
/// application's own connection does not have.
public enum ShellSQLFunctions {
    /// Whether the file functions (`readfile`, `writefile`, `fsdir`, `edit`) may touch files.
    public enum FileAccess: Equatable, Sendable {
        case allowed
        /// Refused with this reason (`--readonly`): the functions exist and every call fails
        /// with "readfile() refused: REASON", so a script learns why rather than "no such
        /// function". (`-safe` is sqlite3's authorizer, which stops them before they run.)
        case refused(String)
    }

    /// The scalar functions by name and argument count, for unregistering.
    static let scalarFunctions: [(String, Int32)] = [
        ("regexp", 2), ("regexpi", 2), ("sha3", 1), ("sha3", 2), ("sha3_query", 1), ("sha3_query", 2),
        ("decimal", 1), ("decimal_add", 2), ("decimal_sub", 2), ("decimal_mul", 2), ("decimal_cmp", 2), ("decimal_sum", 1),
        ("ieee754", 1), ("ieee754", 2), ("ieee754_mantissa", 1), ("ieee754_exponent", 1),
        ("ieee754_from_blob", 1), ("ieee754_to_blob", 1),
    ]
    static let tableFunctions = ["generate_series", "fsdir", "completion", "zipfile"]
    static let collations = ["decimal", "uint"]

    public static func register(on db: Connection, fileAccess: FileAccess) {
        let handle = db.sqliteHandle
        SeriesFunction.register(on: handle)
        RegexpFunction.register(on: handle)
        SHA3Functions.register(on: handle)
        DecimalFunctions.register(on: handle)
        IEEE754Functions.register(on: handle)
        UIntCollation.register(on: handle)
        CompletionFunction.register(on: handle)
        FileFunctions.register(on: handle, access: fileAccess)
        FsdirFunction.register(on: handle, access: fileAccess)
        SqlarFunctions.register(on: handle)
        ZipfileFunction.register(on: handle, access: fileAccess)
        ZipfileWriter.register(on: handle)
        db.shellFunctions = fileAccess
    }

    /// Runs `body` with every function above removed from `db` (and puts them back after),
    /// for running migration files: they must fail here as they would on the application's
    /// connection ("no such function: readfile"), never reach a file.
    public static func suspended<R>(on db: Connection, _ body: () throws -> R) rethrows -> R {
        guard let access = db.shellFunctions else { return try body() }
        let handle = db.sqliteHandle
        for (name, count) in scalarFunctions + FileFunctions.names + SqlarFunctions.names {
            // > To delete an existing SQL function or aggregate, pass NULL pointers for all
            // > three function callbacks.
            sqlite3_create_function_v2(handle, name, count, SQLITE_UTF8, nil, nil, nil, nil, nil)
        }
        ZipfileWriter.unregister(on: handle)
        for name in tableFunctions { TableFunctions.unregister(name, on: handle) }
        // > If the xCompare argument is NULL then the collating function is deleted.
        for name in collations { sqlite3_create_collation_v2(handle, name, SQLITE_UTF8, nil, nil, nil) }
        db.shellFunctions = nil
        defer { register(on: db, fileAccess: access) }
        return try body()
    }
}
