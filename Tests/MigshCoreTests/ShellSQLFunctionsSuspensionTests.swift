import Foundation
import Testing
@testable import MigshCore

/// The second guard on migration files (the first is `MigrationGuard`, which refuses a file
/// calling a file function before it runs): while the migrator runs files on the session's
/// connection, `ShellSQLFunctions.suspended` takes every function of sqlite3's shell off it,
/// so SQLite itself answers "no such function" / "no such table"; afterwards they are back.
@Suite("sqlite3's shell functions are off the connection while migration files run")
struct ShellSQLFunctionsSuspensionTests {
    static let calls: [(sql: String, error: String)] = [
        ("SELECT readfile('/etc/hostname')", "no such function: readfile"),
        ("SELECT writefile('/dev/null', 'x')", "no such function: writefile"),
        ("SELECT lsmode(16877)", "no such function: lsmode"),
        ("SELECT edit('a', 'true')", "no such function: edit"),
        ("SELECT count(*) FROM fsdir('/etc/hostname')", "no such table: fsdir"),
        ("SELECT count(*) FROM completion('sel')", "no such table: completion"),
        ("SELECT count(*) FROM generate_series(1, 3)", "no such table: generate_series"),
        ("SELECT sqlar_compress(x'00')", "no such function: sqlar_compress"),
        ("SELECT count(*) FROM zipfile('/dev/null')", "no such table: zipfile"),
        ("SELECT length(zipfile('a', 420, 1, 'x'))", "no such function: zipfile"),
        ("CREATE VIRTUAL TABLE temp.zw USING zipfile('never-written.zip'); DROP TABLE temp.zw", "no such module: zipfile"),
        ("SELECT sqlar_uncompress(x'00', 1)", "no such function: sqlar_uncompress"),
    ]

    @Test("inside suspended(on:) each call fails as on a plain connection; after it, each runs", arguments: calls)
    func suspension(_ call: (sql: String, error: String)) throws {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        ShellSQLFunctions.register(on: db, fileAccess: .allowed)
        try db.execute(call.sql)
        ShellSQLFunctions.suspended(on: db) {
            #expect(throws: (any Error).self) { try db.execute(call.sql) }
            do {
                try db.execute(call.sql)
            } catch {
                #expect("\(error)".contains(call.error), "\(error)")
            }
        }
        try db.execute(call.sql)
    }
}
