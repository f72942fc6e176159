import Foundation
import Testing

// Issue 21, case 7: a damaged database is restorable without reading its schema. The error
// says to restore a backup; following the verdict's way out verbatim must then work for a
// truncated file, a zeroed schema page and a smashed header. The oracle is sqlite3: the
// restored file passes `PRAGMA integrity_check` and holds the rows of the backup.
@Suite("A damaged database is restored by following the advice")
struct DamagedRestoreTests {
    enum Damage: String, CaseIterable, CustomTestStringConvertible, Sendable {
        case truncated, zeroedSchemaPage, smashedHeader
        var testDescription: String { rawValue }

        func apply(to path: String) throws {
            let handle = try FileHandle(forUpdating: URL(fileURLWithPath: path))
            defer { try? handle.close() }
            switch self {
            case .truncated:
                let size = try handle.seekToEnd()
                try handle.truncate(atOffset: size / 2)
            case .zeroedSchemaPage:
                try handle.seek(toOffset: 100)
                try handle.write(contentsOf: Data(repeating: 0, count: 4096 - 100))
            case .smashedHeader:
                try handle.write(contentsOf: Data(repeating: 0xFF, count: 100))
            }
        }
    }

    @Test("the verdict names the backup; its .restore, run verbatim, brings back every row and keeps the damaged file", arguments: Damage.allCases)
    func restoreFollowingTheVerdict(damage: Damage) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let backup = try migsh(["-m", repositoryMigrations, db, ".backup"])
            #expect(backup.status == 0, "\(backup)")
            let rows = dump(db)
            try damage.apply(to: db)
            let damaged = try #require(contents(of: db))

            let v = try verdict(db)
            #expect(v["state"] as? String == "damaged", "\(v)")
            let first = try #require((v["way_out"] as? [[String: Any]])?.first)
            let commands = try #require(first["commands"] as? [String])
            #expect(commands.count == 1 && commands[0].hasPrefix(".restore "), "\(commands)")

            let restore = try migsh(["--yes", "-m", repositoryMigrations, db, commands[0]])
            #expect(restore.status == 0, "\(restore)")
            #expect(restore.stdout.contains("the damaged database was kept as it was in"), "\(restore)")
            #expect(sqlite(db, "pragma integrity_check") == "ok")
            #expect(dump(db) == rows)
            // The damaged bytes are kept, as they were.
            let kept = try #require(fileNames(in: dir + "/snapshots").first { $0.contains("pre_restore_damaged") && $0.hasSuffix(".sqlite") })
            #expect(contents(of: dir + "/snapshots/" + kept) == damaged)
        }
    }

    @Test(".restore --latest and --version on a file whose header is smashed")
    func restoreByVersion() throws {
        for command in [".restore --latest", ".restore --version 8"] {
            try withTemporaryDirectory { dir in
                let db = dir + "/db.sqlite"
                try makeDemoDatabase(db, version: 8)
                #expect(try migsh([db, ".backup"]).status == 0)
                let rows = dump(db)
                try Damage.smashedHeader.apply(to: db)
                let restore = try migsh(["--yes", db, command])
                #expect(restore.status == 0, "\(command): \(restore)")
                #expect(sqlite(db, "pragma integrity_check") == "ok")
                #expect(dump(db) == rows)
            }
        }
    }

    @Test("a file that is not a database and that migsh never backed up is still refused at open (a typo), on stderr, unchanged")
    func notADatabaseIsRefused() throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/notes.txt"
            try String(repeating: "not a database\n", count: 100).write(toFile: path, atomically: true, encoding: .utf8)
            let before = contents(of: path)
            let result = try migsh([path, ".restore --latest"])
            #expect(result.status == 1)
            #expect(result.stdout == "")
            #expect(result.stderr.hasPrefix("Error: \(path) is not an SQLite database (file is not a database)"), "\(result.stderr)")
            #expect(contents(of: path) == before)
        }
    }
}
