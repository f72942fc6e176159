import Foundation
import MigshTestSupport
import Testing

// The tests look at databases only through `/usr/bin/sqlite3`, the reference tool, so that what
// they check does not depend on migsh's own reading of the file.

let sqlite3Binary = "/usr/bin/sqlite3"

/// Runs `sqlite3 -batch DB SQL` and returns its standard output without the final newline.
/// A failure of sqlite3 itself (unreadable file, SQL error) is recorded as a test issue.
func sqlite(
    _ db: String, _ sql: String,
    sourceLocation: SourceLocation = #_sourceLocation
) -> String {
    var output = sqliteRaw(db, sql, sourceLocation: sourceLocation)
    while output.hasSuffix("\n") { output.removeLast() }
    return output
}

/// `sqlite3 -batch DB .dump`, byte for byte.
func dump(_ db: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    sqliteRaw(db, ".dump", sourceLocation: sourceLocation)
}

private func sqliteRaw(_ db: String, _ sql: String, sourceLocation: SourceLocation) -> String {
    do {
        let result = try runProcess(sqlite3Binary, ["-batch", db, sql], timeout: 30)
        if result.status != 0 || !result.stderr.isEmpty {
            Issue.record("sqlite3 \(db) \(sql): \(result)", sourceLocation: sourceLocation)
        }
        return result.stdout
    } catch {
        Issue.record("sqlite3 \(db) \(sql): \(error)", sourceLocation: sourceLocation)
        return ""
    }
}

/// `select max(version) from Schema_Version`, as sqlite3 prints it.
func schemaVersion(_ db: String, sourceLocation: SourceLocation = #_sourceLocation) -> String {
    sqlite(db, "select max(version) from Schema_Version", sourceLocation: sourceLocation)
}

/// The user tables (neither SQLite's nor migsh's bookkeeping), sorted by name.
func userTables(_ db: String) -> [String] {
    sqlite(db, """
        select name from sqlite_master where type = 'table'
          and name not like 'sqlite\\_%' escape '\\' and name not like 'migsh\\_%' escape '\\'
        order by name
        """)
        .split(separator: "\n").map(String.init)
}

/// The number of rows of each table in `tables`.
func rowCounts(_ db: String, tables: [String]) -> [String: Int] {
    var counts: [String: Int] = [:]
    for table in tables {
        counts[table] = Int(sqlite(db, "select count(*) from \"\(table)\""))
    }
    return counts
}

/// Every row of `table`, in a stable order, as sqlite3 prints them in list mode.
func sortedContent(_ db: String, table: String) -> String {
    sqlite(db, "select * from \"\(table)\" order by 1, 2, 3")
}

/// A long-lived `sqlite3` session on a database, fed through its standard input: the "other
/// process" of the lock and WAL tests. Always close it (`withSQLiteSession` does).
///
/// `@unchecked Sendable`: the output buffer is guarded by `lock`; the rest is set in `init`
/// and only used from the test's own thread.
final class SQLiteSession: @unchecked Sendable {
    private let child: ChildProcess
    private let input = RawPipe()
    private let output = RawPipe()
    private let lock = NSLock()
    private var received = ""
    private var markers = 0
    private var closed = false

    init(database: String, cwd: String? = nil) throws {
        child = try ChildProcess(executable: sqlite3Binary, arguments: ["-batch", database],
                                 environment: ProcessInfo.processInfo.environment, cwd: cwd,
                                 stdin: .descriptor(input.readEnd), stdout: .descriptor(output.writeEnd),
                                 stderr: .descriptor(output.writeEnd))
        input.closeRead()
        output.closeWrite()
        signal(SIGPIPE, SIG_IGN)
        output.drain({ [self] chunk in
            lock.lock()
            received += String(decoding: chunk, as: UTF8.self)
            lock.unlock()
        }, done: DispatchSemaphore(value: 0))
    }

    /// Everything the session printed so far (results and errors).
    var transcript: String {
        lock.lock()
        defer { lock.unlock() }
        return received
    }

    /// Sends `sql` and waits until sqlite3 has run it (a marker query printed after it).
    func run(_ sql: String, timeout: TimeInterval = 10) throws {
        markers += 1
        let marker = "session-ready-\(markers)"
        input.writeAll(Data("\(sql)\nSELECT '\(marker)';\n".utf8))
        let deadline = Date().addingTimeInterval(timeout)
        while !transcript.contains(marker) {
            if Date() > deadline || !child.isRunning {
                throw EndToEndError.timedOut("sqlite3 session running \(sql) (so far: \(transcript))", seconds: timeout)
            }
            Thread.sleep(forTimeInterval: 0.01)
        }
    }

    /// Sends `finalSQL` (if any), closes standard input and waits for sqlite3 to exit.
    /// Closing twice is harmless.
    func close(finalSQL: String? = nil) {
        if closed { return }
        closed = true
        if let finalSQL { input.writeAll(Data((finalSQL + "\n").utf8)) }
        input.closeWrite()
        if !child.wait(timeout: 10) { child.kill() }
    }
}

/// Opens a `SQLiteSession` on `database` for the duration of `body`, closing it (after
/// `finalSQL`) whatever happens.
func withSQLiteSession<R>(
    _ database: String, cwd: String? = nil, finalSQL: String? = nil,
    _ body: (SQLiteSession) throws -> R
) throws -> R {
    let session = try SQLiteSession(database: database, cwd: cwd)
    defer { session.close(finalSQL: finalSQL) }
    return try body(session)
}
