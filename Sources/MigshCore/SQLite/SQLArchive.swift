import CMigshSQLite
import Glibc
import MigshBase

/// What `.archive` is asked to do, as sqlite3 3.40's `arParseCommand` reads it (the shell
/// parses the words; `SQLArchive.run` does the work).
public struct ArchiveRequest: Sendable, Equatable {
    public enum Action: Sendable, Equatable { case create, update, insert, remove, list, extract, help }
    /// nil when no command option was given: sqlite3 then runs an update.
    public var action: Action?
    public var verbose = false
    public var dryRun = false
    public var glob = false
    /// `-a FILE`: open FILE with sqlite3's apndvfs (`AppendVFS`).
    public var append = false
    public var file: String?
    public var directory: String?
    /// The files (create, update, insert) or archive members (list, extract, remove).
    public var members: [String] = []
    public init() {}
}

/// What `.archive` reports as it goes, in the order sqlite3 3.40 prints it. Names and SQLite's
/// messages are the bytes SQLite holds (nil: SQL NULL, which sqlite3 prints as "(null)").
public enum ArchiveEvent: Equatable, Sendable {
    /// `--dryrun` with `-f`: the archive file about to be opened, and whether through apndvfs.
    case opening(file: String, appendVFS: Bool)
    /// `--dryrun`: a statement that would run.
    case statement([UInt8]?)
    /// `--verbose`: a file archived or extracted; `--list`: a member.
    case name([UInt8]?)
    /// `--list --verbose`: one member.
    case listing(mode: [UInt8]?, size: Int32, time: [UInt8]?, name: [UInt8]?)
    /// `--help`: sqlite3's help for `.archive`.
    case help
    /// A statement run with sqlite3_exec failed with this message (sqlite3: `ERROR: …` on stdout).
    case execFailed([UInt8])
    /// A statement failed while stepping (sqlite3: `SQL error: …`).
    case stepFailed([UInt8])
    /// A statement failed to prepare (sqlite3: `sql error: … (N)`).
    case prepareFailed([UInt8], code: Int32)
    /// A name given is no member of the archive.
    case notFound(String)
    case cannotOpen(file: String, message: [UInt8])
    /// The database has no `sqlar` table.
    case noArchiveTable
}

/// How `.archive` ended: sqlite3's command returns SQLite's result code.
public enum ArchiveResult: Sendable, Equatable {
    case done
    /// Ctrl-C: what it had changed in the archive is rolled back.
    case interrupted
    case failed(code: Int32)
}

public enum ArchiveFormat: Sendable, Equatable {
    case zip
    case appendVFS
}

/// sqlite3 3.40's `.archive` over SQLite's C API: the same statements in the same order as
/// its shell.c (arDotCommand and the functions it calls), so that the archive, the files
/// extracted, the output and the errors are sqlite3's. SQL archives (the `sqlar` table) — in
/// a database file, or appended to another file through `AppendVFS` (`-a`, or a file that ends
/// with apndvfs' trailer) — and ZIP archives (the `zipfile` table, read and written as
/// sqlite3's is).
public enum SQLArchive {
    /// Runs `request` on `main` (the session's connection: the archive when no file is
    /// named); SQLite's result code says how it ended, as sqlite3's command returns it.
    /// Ctrl-C (`CancellationToken.interrupt`) stops it with SQLITE_INTERRUPT, and what it had
    /// changed in the archive is rolled back (the files it had extracted stay).
    /// The session's connection must have the shell's functions (`ShellSQLFunctions`).
    public static func run(_ request: ArchiveRequest, on main: Connection, report: @escaping (ArchiveEvent) -> Void) -> ArchiveResult {
        let run = ArchiveRun(request, report: report)
        switch run.run(main: main.sqliteHandle) {
        case SQLITE_OK: return .done
        case SQLITE_INTERRUPT: return .interrupted
        case let code: return .failed(code: code)
        }
    }

    /// sqlite3's deduceDatabaseType(FILE, 1) for the formats `.archive` cares about: a file
    /// that ends with a ZIP end-of-central-directory record (or a missing or empty `*.zip`)
    /// is ZIP; one that ends with apndvfs' trailer is an appended database; nil otherwise
    /// (a file that starts with SQLite's header is an ordinary database, whatever its end).
    /// The shell's `.open` asks it too, as sqlite3's open_db does.
    public static func format(of file: String) -> ArchiveFormat? {
        // `file` (and the members, the folder) may carry bytes that are not UTF-8 (`CarriedBytes`).
        guard let f = CarriedBytes.withCString(file, { fopen($0, "rb") }) else {
            return CarriedBytes.withCString(file) { sqlite3_strlike("%.zip", $0, 0) } == 0 ? .zip : nil
        }
        defer { fclose(f) }
        var buffer = [UInt8](repeating: 0, count: 100)
        if fread(&buffer, 16, 1, f) == 1 && buffer.prefix(16).elementsEqual("SQLite format 3\0".utf8) { return nil }
        fseek(f, -25, SEEK_END)
        if fread(&buffer, 25, 1, f) == 1 && buffer.prefix(17).elementsEqual("Start-Of-SQLite3-".utf8) { return .appendVFS }
        fseek(f, -22, SEEK_END)
        let n = fread(&buffer, 22, 1, f)
        if n == 1 && buffer.prefix(4).elementsEqual([0x50, 0x4b, 0x05, 0x06]) { return .zip }
        if n == 0 && sqlite3_strlike("%.zip", file, 0) == 0 { return .zip }
        return nil
    }

    /// sqlite3_mprintf's `%q`: single quotes doubled.
    static func q(_ text: String) -> String {
        text.contains("'") ? text.split(separator: "'", omittingEmptySubsequences: false).joined(separator: "''") : text
    }

    /// sqlite3_mprintf's `%Q`: quoted, or NULL.
    static func Q(_ text: String?) -> String {
        text.map { "'" + q($0) + "'" } ?? "NULL"
    }
}

/// `shell_putsnl(X)`'s user data: where it reports X.
private final class NameSink {
    let report: (ArchiveEvent) -> Void
    init(_ report: @escaping (ArchiveEvent) -> Void) { self.report = report }
}

/// One `.archive` command: shell.c's ArCommand and the functions that work on it.
private final class ArchiveRun {
    let request: ArchiveRequest
    let report: (ArchiveEvent) -> Void
    /// The arguments; arCheckEntries strips their trailing slashes for what follows it.
    var members: [String]
    var db: OpaquePointer?
    /// "sqlar", or `zipfile('FILE')` for a ZIP archive.
    var sourceTable = "sqlar"
    var zip = false

    init(_ request: ArchiveRequest, report: @escaping (ArchiveEvent) -> Void) {
        self.request = request
        self.report = report
        members = request.members
    }

    func run(main: OpaquePointer) -> Int32 {
        var opened: OpaquePointer?
        let sink = Unmanaged.passRetained(NameSink(report))
        defer {
            if let opened {
                sqlite3_close(opened)
            } else {
                // > To delete an existing SQL function or aggregate, pass NULL pointers for all
                // > three function callbacks.
                sqlite3_create_function_v2(main, "shell_putsnl", 1, SQLITE_UTF8, nil, nil, nil, nil, nil)
            }
            sink.release()
        }
        if let file = request.file, SQLArchive.format(of: file) == .zip {
            // A ZIP archive is read and written through the session's `zipfile` table, as
            // sqlite3 does. As in sqlite3 3.40, only listing and extracting name a table to
            // read: `-r` on a ZIP archive fails as sqlite3's does (near "WHERE": syntax error).
            zip = true
            sourceTable = request.action == .list || request.action == .extract ? "zipfile(\(SQLArchive.Q(file)))" : ""
            db = main
        } else if let file = request.file {
            // As sqlite3: `-a`, or a file that ends with apndvfs' trailer, opens through apndvfs.
            let appended = request.append || SQLArchive.format(of: file) == .appendVFS
            let writes: Set<ArchiveRequest.Action> = [.create, .insert, .remove, .update]
            let flags = request.action.map(writes.contains) == true ? SQLITE_OPEN_READWRITE | SQLITE_OPEN_CREATE : SQLITE_OPEN_READONLY
            if request.dryRun { report(.opening(file: file, appendVFS: appended)) }
            if appended { AppendVFS.register() }
            let rc = CarriedBytes.withCString(file) { sqlite3_open_v2($0, &opened, flags, appended ? AppendVFS.name : nil) }
            if rc != SQLITE_OK {
                report(.cannotOpen(file: file, message: Self.bytes(sqlite3_errmsg(opened))))
                return rc
            }
            // Ctrl-C stops its statements too, as it stops the session's (`CancellationToken`).
            sqlite3_progress_handler(opened, 100, { _ in CancellationToken.interrupt.shouldStop ? 1 : 0 }, nil)
            // sqlite3_fileio_init and sqlite3_sqlar_init, as sqlite3 on the archive's connection.
            FileFunctions.register(on: opened!, access: .allowed)
            FsdirFunction.register(on: opened!, access: .allowed)
            SqlarFunctions.register(on: opened!)
            db = opened
        } else {
            db = main
        }
        sqlite3_create_function_v2(db, "shell_putsnl", 1, SQLITE_UTF8, sink.toOpaque(), { context, _, values in
            guard let context, let values, let data = sqlite3_user_data(context) else { return }
            let text = sqlite3_value_text(values[0])
            Unmanaged<NameSink>.fromOpaque(data).takeUnretainedValue().report(.name(text.map { ArchiveRun.bytes($0) }))
            sqlite3_result_value(context, values[0])
        }, nil, nil, nil)

        if request.action != .help && !zip {
            if request.action != .create
                && sqlite3_table_column_metadata(db, nil, "sqlar", "name", nil, nil, nil, nil, nil) != SQLITE_OK {
                report(.noArchiveTable)
                return SQLITE_ERROR
            }
        }
        switch request.action {
        case .create: return createOrUpdate(update: false, onlyIfChanged: false)
        case .extract: return extract()
        case .list: return list()
        case .help:
            report(.help)
            return SQLITE_OK
        case .insert: return createOrUpdate(update: true, onlyIfChanged: false)
        case .remove: return remove()
        case .update, nil: return createOrUpdate(update: true, onlyIfChanged: true)
        }
    }

    // MARK: shell.c's statement helpers

    /// shellPrepare: nil when `rc` is already an error or the SQL does not prepare.
    func prepare(_ sql: String, _ rc: inout Int32) -> OpaquePointer? {
        guard rc == SQLITE_OK else { return nil }
        var statement: OpaquePointer?
        let result = CarriedBytes.withCString(sql) { sqlite3_prepare_v2(db, $0, -1, &statement, nil) }
        if result != SQLITE_OK {
            report(.prepareFailed(Self.bytes(sqlite3_errmsg(db)), code: sqlite3_errcode(db)))
            rc = result
        }
        return statement
    }

    /// shellReset.
    func reset(_ statement: OpaquePointer?, _ rc: inout Int32) {
        let result = sqlite3_reset(statement)
        if rc == SQLITE_OK {
            if result != SQLITE_OK { report(.stepFailed(Self.bytes(sqlite3_errmsg(sqlite3_db_handle(statement))))) }
            rc = result
        }
    }

    /// shellFinalize.
    func finalize(_ statement: OpaquePointer?, _ rc: inout Int32) {
        guard let statement else { return }
        let handle = sqlite3_db_handle(statement)
        let result = sqlite3_finalize(statement)
        if rc == SQLITE_OK {
            if result != SQLITE_OK { report(.stepFailed(Self.bytes(sqlite3_errmsg(handle)))) }
            rc = result
        }
    }

    /// arExecSql: the statement run (or, with --dryrun, reported).
    func exec(_ sql: String) -> Int32 {
        if request.dryRun {
            report(.statement(Array(sql.utf8)))
            return SQLITE_OK
        }
        return execReportingError(sql)
    }

    func execReportingError(_ sql: String) -> Int32 {
        var message: UnsafeMutablePointer<CChar>?
        let rc = sqlite3_exec(db, sql, nil, nil, &message)
        if let message {
            report(.execFailed(Self.bytes(message)))
            sqlite3_free(message)
        }
        return rc
    }

    static func bytes(_ text: UnsafePointer<CChar>?) -> [UInt8] {
        guard let text else { return [] }
        return Array(UnsafeBufferPointer(start: UnsafeRawPointer(text).assumingMemoryBound(to: UInt8.self), count: strlen(text)))
    }

    static func bytes(_ text: UnsafePointer<UInt8>) -> [UInt8] {
        Array(UnsafeBufferPointer(start: text, count: strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self))))
    }

    static func columnText(_ statement: OpaquePointer?, _ column: Int32) -> [UInt8]? {
        sqlite3_column_text(statement, column).map { bytes($0) }
    }

    // MARK: the commands

    /// arCheckEntries: every name given is a member (equal, or matching with --glob); trailing
    /// slashes are stripped from the names first.
    func checkEntries() -> Int32 {
        var rc = SQLITE_OK
        guard !members.isEmpty else { return rc }
        let select = request.glob ? "SELECT name FROM \(sourceTable) WHERE glob($name,name)"
                                  : "SELECT name FROM \(sourceTable) WHERE name=$name"
        let test = prepare(select, &rc)
        let j = sqlite3_bind_parameter_index(test, "$name")
        var i = 0
        while i < members.count && rc == SQLITE_OK {
            var name = members[i].utf8[...]
            while name.last == UInt8(ascii: "/") { name = name.dropLast() }
            members[i] = String(decoding: name, as: UTF8.self)
            CarriedBytes.withCString(members[i]) { _ = sqlite3_bind_text(test, j, $0, -1, SQLITE_TRANSIENT) }
            let found = sqlite3_step(test) == SQLITE_ROW
            reset(test, &rc)
            if rc == SQLITE_OK && !found {
                report(.notFound(members[i]))
                rc = SQLITE_ERROR
            }
            i += 1
        }
        finalize(test, &rc)
        return rc
    }

    /// arWhereClause: the members named (each and everything below it), or "1" for all;
    /// nil (sqlite3's empty "%s") when `rc` is an error.
    func whereClause(_ rc: Int32) -> String? {
        guard rc == SQLITE_OK else { return nil }
        if members.isEmpty { return "1" }
        let same = request.glob ? "GLOB" : "="
        return members.map { z in
            " name \(same) '\(SQLArchive.q(z))' OR substr(name,1,\(CarriedBytes.bytes(of: z).count + 1)) \(same) '\(SQLArchive.q(z))/'"
        }.joined(separator: " OR ")
    }

    func list() -> Int32 {
        var rc = checkEntries()
        let clause = whereClause(rc)
        let columns = request.verbose ? "lsmode(mode), sz, datetime(mtime, 'unixepoch'), name" : "name"
        let statement = prepare("SELECT \(columns) FROM \(sourceTable) WHERE \(clause ?? "")", &rc)
        if request.dryRun {
            report(.statement(statement.flatMap { Self.bytes(sqlite3_sql($0)) }))
        } else {
            while rc == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW {
                if request.verbose {
                    report(.listing(mode: Self.columnText(statement, 0), size: sqlite3_column_int(statement, 1),
                                    time: Self.columnText(statement, 2), name: Self.columnText(statement, 3)))
                } else {
                    report(.name(Self.columnText(statement, 0)))
                }
            }
        }
        finalize(statement, &rc)
        return rc
    }

    func remove() -> Int32 {
        var rc = SQLITE_OK
        var clause: String?
        if !members.isEmpty {
            rc = checkEntries()
            clause = whereClause(rc)
        }
        guard rc == SQLITE_OK else { return rc }
        let sql = "DELETE FROM \(sourceTable) WHERE \(clause ?? "");"
        if request.dryRun {
            report(.statement(Array(sql.utf8)))
            return rc
        }
        rc = sqlite3_exec(db, "SAVEPOINT ar;", nil, nil, nil)
        if rc == SQLITE_OK {
            var message: UnsafeMutablePointer<CChar>?
            rc = sqlite3_exec(db, sql, nil, nil, &message)
            if rc != SQLITE_OK {
                sqlite3_exec(db, "ROLLBACK TO ar; RELEASE ar;", nil, nil, nil)
            } else {
                rc = sqlite3_exec(db, "RELEASE ar;", nil, nil, nil)
            }
            if let message {
                report(.execFailed(Self.bytes(message)))
                sqlite3_free(message)
            }
        }
        return rc
    }

    func extract() -> Int32 {
        var rc = checkEntries()
        let clause = whereClause(rc)
        let directory = request.directory.map { $0 + "/" } ?? ""
        let sql = "SELECT  ($dir || name), writefile(($dir || name), \(zip ? "data" : "sqlar_uncompress(data, sz)"), mode, mtime) "
            + "FROM \(sourceTable) WHERE (\(clause ?? "")) AND (data IS NULL OR $dirOnly = 0) AND name NOT GLOB '*..[/\\]*'"
        let statement = prepare(sql, &rc)
        guard rc == SQLITE_OK else { return rc }
        CarriedBytes.withCString(directory) { _ = sqlite3_bind_text(statement, sqlite3_bind_parameter_index(statement, "$dir"), $0, -1, SQLITE_TRANSIENT) }
        // Twice, as sqlite3: every member, then the folders alone, whose times the files
        // written into them changed.
        for pass: Int32 in 0..<2 {
            sqlite3_bind_int(statement, sqlite3_bind_parameter_index(statement, "$dirOnly"), pass)
            if request.dryRun {
                report(.statement(Self.bytes(sqlite3_sql(statement))))
            } else {
                while rc == SQLITE_OK && sqlite3_step(statement) == SQLITE_ROW {
                    if pass == 0 && request.verbose { report(.name(Self.columnText(statement, 0))) }
                }
            }
            reset(statement, &rc)
        }
        finalize(statement, &rc)
        return rc
    }

    func createOrUpdate(update: Bool, onlyIfChanged: Bool) -> Int32 {
        let create = """
            CREATE TABLE IF NOT EXISTS sqlar(
              name TEXT PRIMARY KEY,  -- name of the file
              mode INT,               -- access permissions
              mtime INT,              -- last modification time
              sz INT,                 -- original file size
              data BLOB               -- compressed content
            )
            """
        _ = exec("PRAGMA page_size=512")
        var rc = exec("SAVEPOINT ar;")
        guard rc == SQLITE_OK else { return rc }
        var table = "sqlar"
        if zip {
            // A ZIP archive is written through a temporary zipfile table with a random name.
            var random: UInt64 = 0
            sqlite3_randomness(8, &random)
            let digits = String(random, radix: 16)
            table = "zip" + String(repeating: "0", count: 16 - digits.count) + digits
            rc = exec("CREATE VIRTUAL TABLE temp.\(table) USING zipfile(\(SQLArchive.Q(request.file)))")
        } else if !update {
            rc = exec("DROP TABLE IF EXISTS sqlar")
        }
        if rc == SQLITE_OK {
            if !zip { rc = exec(create) }
            let unchanged = onlyIfChanged
                ? " AND NOT EXISTS(SELECT 1 FROM \(table) AS mem WHERE mem.name=disk.name AND mem.mtime=disk.mtime AND mem.mode=disk.mode)"
                : ""
            var i = 0
            while i < members.count && rc == SQLITE_OK {
                // Ctrl-C between two folders: what was added is rolled back below.
                TestPause.at("archive.insert")
                if !request.dryRun && CancellationToken.interrupt.shouldStop {
                    rc = SQLITE_INTERRUPT
                    break
                }
                rc = exec(zip ? """
                    REPLACE INTO \(table)(name,mode,mtime,data)
                      SELECT
                        \(request.verbose ? "shell_putsnl(name)" : "name"),
                        mode,
                        mtime,
                        data
                      FROM fsdir(\(SQLArchive.Q(members[i])),\(SQLArchive.Q(request.directory))) AS disk
                      WHERE lsmode(mode) NOT LIKE '?%'\(unchanged);
                    """ : """
                    REPLACE INTO \(table)(name,mode,mtime,sz,data)
                      SELECT
                        \(request.verbose ? "shell_putsnl(name)" : "name"),
                        mode,
                        mtime,
                        CASE substr(lsmode(mode),1,1)
                          WHEN '-' THEN length(data)
                          WHEN 'd' THEN 0
                          ELSE -1 END,
                        sqlar_compress(data)
                      FROM fsdir(\(SQLArchive.Q(members[i])),\(SQLArchive.Q(request.directory))) AS disk
                      WHERE lsmode(mode) NOT LIKE '?%'\(unchanged);
                    """)
                i += 1
            }
            // Ctrl-C during the last folder's insert (one large file is one statement, which
            // the progress handler does not stop inside its compression): rolled back as well.
            TestPause.at("archive.inserted")
            if rc == SQLITE_OK && !request.dryRun && CancellationToken.interrupt.shouldStop { rc = SQLITE_INTERRUPT }
        }
        if rc != SQLITE_OK {
            sqlite3_exec(db, "ROLLBACK TO ar; RELEASE ar;", nil, nil, nil)
        } else {
            rc = exec("RELEASE ar;")
            if zip { _ = exec("DROP TABLE \(table)") }
        }
        return rc
    }
}
