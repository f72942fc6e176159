import Foundation
import Testing

/// `.recover` and `.dbinfo` on intact and damaged files. The oracle is sqlite3 3.40.1's own
/// output for the same files (`Tests/Fixtures/recover`: Debian's sqlite3 cannot produce it,
/// its library lacks `sqlite_dbpage`), and `/usr/bin/sqlite3` loading what `.recover` wrote.
@Suite(".recover and .dbinfo: sqlite3 3.40.1's output, damaged files included")
struct RecoverTests {
    static let fixtures = repositoryRoot + "/Tests/Fixtures/recover"
    static let pageSize = 512

    enum Damage: String, CaseIterable, Sendable {
        case intact, zeroed, truncated, scribbled
    }

    /// The fixture database, built by /usr/bin/sqlite3 from `make.sql`, then damaged.
    static func database(_ damage: Damage, in dir: String) throws -> String {
        let db = dir + "/\(damage.rawValue).sqlite"
        let script = try String(contentsOfFile: fixtures + "/make.sql", encoding: .utf8)
        let made = try runProcess(sqlite3Binary, [db], stdin: Data(script.utf8))
        #expect(made.status == 0 && made.stderr.isEmpty, "\(made)")
        var bytes = [UInt8](try Data(contentsOf: URL(fileURLWithPath: db)))
        #expect(bytes.count == 11 * pageSize, "the fixture's layout changed: \(bytes.count) bytes")
        switch damage {
        case .intact: break
        case .zeroed: bytes.replaceSubrange(pageSize..<2 * pageSize, with: [UInt8](repeating: 0, count: pageSize))
        case .truncated: bytes.removeLast(bytes.count - 8 * pageSize)
        case .scribbled: bytes.replaceSubrange(3 * pageSize + 40..<3 * pageSize + 90, with: [UInt8](repeating: 0xA5, count: 50))
        }
        try Data(bytes).write(to: URL(fileURLWithPath: db))
        return db
    }

    static func reference(_ name: String) throws -> String {
        try String(contentsOfFile: fixtures + "/" + name, encoding: .utf8)
    }

    @Test(".recover prints sqlite3 3.40.1's script, byte for byte", arguments: Damage.allCases)
    func recoverIsSQLite3s(_ damage: Damage) throws {
        try withTemporaryDirectory { dir in
            let db = try Self.database(damage, in: dir)
            let before = contents(of: db)
            let result = try migsh([db, ".recover"])
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
            #expect(result.stdout == (try Self.reference("\(damage.rawValue).recover")), "\(result.stdout)")
            #expect(contents(of: db) == before, "the damaged file was written")
        }
    }

    @Test(".recover --no-rowids --lost-and-found TABLE, as sqlite3 3.40.1")
    func recoverOptions() throws {
        try withTemporaryDirectory { dir in
            let db = try Self.database(.zeroed, in: dir)
            let result = try migsh([db, ".recover --no-rowids --lost-and-found laf"])
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
            #expect(result.stdout == (try Self.reference("zeroed-options.recover")), "\(result.stdout)")
        }
    }

    @Test(".recover with an option it does not know: sqlite3's message and help, exit 1")
    func recoverBadOption() throws {
        try withTemporaryDirectory { dir in
            let db = try Self.database(.intact, in: dir)
            let result = try migsh([db, ".recover --frobnicate"])
            #expect(result.status == 1)
            #expect(result.stderr == "unexpected option: --frobnicate\n", "\(result)")
            #expect(result.stdout == """
                .recover                 Recover as much data as possible from corrupt db.
                   --ignore-freelist        Ignore pages that appear to be on db freelist
                   --lost-and-found TABLE   Alternative name for the lost-and-found table
                   --no-rowids              Do not attempt to recover rowid values
                                            that are not also INTEGER PRIMARY KEYs

                """, "\(result)")
        }
    }

    @Test("what .recover writes rebuilds the database: sqlite3 loads it, and every row is there")
    func recoverRoundTrip() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            _ = sqlite(db, SQLiteCommandsTests.fixture)
            let recovered = try migsh([db, ".recover"])
            #expect(recovered.status == 0, "\(recovered)")
            let copy = dir + "/copy.sqlite"
            let load = try runProcess(sqlite3Binary, ["-bail", copy], stdin: Data(recovered.stdout.utf8))
            #expect(load.status == 0 && load.stderr.isEmpty, "\(load)")
            #expect(sqlite(copy, "PRAGMA integrity_check") == "ok")
            for table in ["t1", "\"select\"", "seqt", "wr", "g", "t2", "ipd", "sqlite_sequence", "ft"] {
                let rows = "select _rowid_, * from \(table) order by 1"
                let plain = table == "wr" || table == "g" ? "select * from \(table) order by 1" : rows
                #expect(sqlite(copy, plain) == sqlite(db, plain), "\(table)")
            }
            #expect(sqlite(copy, "select type, name, sql from sqlite_schema where name not like 'sqlite_stat%' order by name")
                    == sqlite(db, "select type, name, sql from sqlite_schema where name not like 'sqlite_stat%' order by name"))
        }
    }

    @Test(".recover in WAL mode sees the commits still in the -wal file")
    func recoverSeesTheWAL() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/wal.sqlite"
            _ = sqlite(db, "PRAGMA journal_mode=wal; create table t(a, b);")
            try withSQLiteSession(db) { other in
                // Another connection keeps the -wal file (and its frames) in place.
                try other.run("PRAGMA wal_autocheckpoint=0; insert into t select value, printf('row %d', value) from generate_series(1, 200);")
                let recovered = try migsh([db, ".recover"])
                #expect(recovered.status == 0 && recovered.stderr.isEmpty, "\(recovered)")
                let copy = dir + "/copy.sqlite"
                let load = try runProcess(sqlite3Binary, ["-bail", copy], stdin: Data(recovered.stdout.utf8))
                #expect(load.status == 0, "\(load)")
                #expect(sqlite(copy, "select count(*), sum(a), max(b) from t") == "200|20100|row 99")
            }
        }
    }

    @Test(".recover of an in-memory database (no file to read: SQLite's serialization)")
    func recoverInMemory() throws {
        let result = try migsh([":memory:"], script: "create table t(a, b);\ninsert into t values(1, 2), (3, null);\n.recover\n")
        #expect(result.status == 0, "\(result)")
        #expect(result.stdout == """
            BEGIN;
            PRAGMA writable_schema = on;
            PRAGMA encoding = 'UTF-8';
            PRAGMA page_size = '4096';
            PRAGMA auto_vacuum = '0';
            PRAGMA user_version = '0';
            PRAGMA application_id = '0';
            CREATE TABLE t(a, b);
            INSERT OR IGNORE INTO 't'(_rowid_, 'a', 'b') VALUES (1, 1, 2);
            INSERT OR IGNORE INTO 't'(_rowid_, 'a', 'b') VALUES (2, 3, NULL);
            PRAGMA writable_schema = off;
            COMMIT;

            """, "\(result)")
    }

    @Test(".dbinfo prints sqlite3 3.40.1's report, byte for byte", arguments: [Damage.intact, .zeroed, .scribbled])
    func dbinfoIsSQLite3s(_ damage: Damage) throws {
        try withTemporaryDirectory { dir in
            let db = try Self.database(damage, in: dir)
            let result = try migsh([db, ".dbinfo"])
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
            #expect(result.stdout == (try Self.reference("\(damage.rawValue).dbinfo")), "\(result.stdout)")
        }
    }

    @Test(".dbinfo of a truncated file shows its header (sqlite3 3.40 says only 'malformed'); a schema not attached is sqlite3's error")
    func dbinfoDamagedAndMissing() throws {
        try withTemporaryDirectory { dir in
            let db = try Self.database(.truncated, in: dir)
            let result = try migsh([db, ".dbinfo"])
            #expect(result.status == 0, "\(result)")
            let header = try Self.reference("intact.dbinfo").split(separator: "\n").prefix(16)
            #expect(Array(result.stdout.split(separator: "\n").prefix(16)) == Array(header), "\(result)")
            let missing = try migsh([db, ".dbinfo nosuch"])
            #expect(missing.status == 1 && missing.stdout.isEmpty && missing.stderr == "unable to read database header\n", "\(missing)")
        }
    }
}
