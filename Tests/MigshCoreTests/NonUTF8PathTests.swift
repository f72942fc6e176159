import Glibc
import MigshBase
import MigshTestSupport
import Testing
@testable import MigshCore

/// Issue 22: the files MigshCore makes, reads, lists and removes beside a database keep a
/// name's bytes when the name is not UTF-8. Every path is a `String` in carried form, as
/// migsh holds it; the oracle is POSIX on the raw bytes (`RawFiles`). SQLite's own opening of
/// such a name is `Connection`'s (not covered here).
@Suite("MigshCore's files keep a name's bytes that are not UTF-8")
struct NonUTF8PathTests {
    /// Latin-1 `é`, 0xFF, and U+10FD80's UTF-8 given as text (a carrying String escapes it).
    static let e9: [UInt8] = Array("n".utf8) + [0xE9]
    static let ff: [UInt8] = [0xFF, UInt8(ascii: "m")]
    static let lookalike: [UInt8] = Array("t".utf8) + [0xF4, 0x8F, 0xB6, 0x80]

    /// A raw temporary folder, its carried path, and `body`; removed afterwards.
    func withFolder(_ body: ([UInt8], String) throws -> Void) throws {
        let raw = RawFiles.makeTemporaryDirectory()
        defer { RawFiles.removeTree(raw) }
        try body(raw, CarriedBytes.string(carrying: raw))
    }

    func carried(_ bytes: [UInt8]) -> String { CarriedBytes.string(carrying: bytes) }

    @Test("the audit log and its head are written, verified and read under the database's bytes")
    func auditLog() throws {
        try withFolder { raw, _ in
            let logName = Self.e9 + Array(".db-audit.jsonl".utf8)
            let path = carried(RawFiles.join(raw, [logName]))
            do {
                let log = try AuditLog(path: path)
                try log.append(TestRecord(i: 1))
                try log.append(TestRecord(i: 2))
                try log.flush()
            }
            #expect(RawFiles.names(in: raw) == [logName, logName + Array(".head".utf8)])
            #expect(RawFiles.status(RawFiles.join(raw, [logName])).map { $0.st_mode & 0o777 } == 0o600)
            let verification = try AuditLog.verify(path: path)
            #expect(verification.entries == 2 && verification.ok && verification.warnings.isEmpty)
            #expect(try AuditLog.lastEntries(path: path, count: 5).count == 2)
        }
    }

    @Test(".new, .seal and an application version write into a migrations folder of those bytes; it loads and lints")
    func migrationsFolder() throws {
        try withFolder { raw, _ in
            let folderBytes = RawFiles.join(raw, [Self.ff + Self.lookalike])
            #expect(RawFiles.makeDirectory(folderBytes))
            let folder = carried(folderBytes)
            let draft = MigrationDraft(version: 1, description: "make things", author: "t", date: "2026-01-01",
                                       body: "CREATE TABLE things(id INTEGER PRIMARY KEY, name TEXT);")
            let written = try draft.write(into: folder)
            #expect(CarriedBytes.bytes(of: written) == RawFiles.join(folderBytes, [Array(draft.fileName.utf8)]))
            #expect(RawFiles.contents(CarriedBytes.bytes(of: written)) == Array(draft.text.utf8))
            #expect(throws: MigshError.self) { try draft.write(into: folder) }  // never replaced

            let loaded = try MigrationFolder.load(folder)
            #expect(loaded.sorted.map(\.fileName) == [draft.fileName])
            #expect(try MigrationLinter.lint(path: written, expected: nil).allSatisfy { $0.severity != .error })

            #expect(try ChecksumFile.seal(folder: loaded) == [draft.fileName])
            let sum = try #require(RawFiles.contents(RawFiles.join(folderBytes, [Array("migsh.sum".utf8)])))
            #expect(String(decoding: sum, as: UTF8.self).hasSuffix("  \(draft.fileName)\n"))
            try MigrationDraft.addAppVersion("1.0.0", version: 1, folder: folder)
            let map = try #require(RawFiles.contents(RawFiles.join(folderBytes, [Array("app_versions.json".utf8)])))
            #expect(String(decoding: map, as: UTF8.self) == "{\n  \"1.0.0\": 1\n}\n")
            #expect(RawFiles.names(in: folderBytes) == [Array(draft.fileName.utf8), Array("migsh.sum".utf8), Array("app_versions.json".utf8)])
            let reloaded = try MigrationFolder.load(folder)
            #expect(reloaded.problems.filter { $0.severity == .error }.isEmpty)
            #expect(reloaded.checksums?.sums[draft.fileName] != nil)
        }
    }

    @Test("a backups folder of those bytes is made 0700, listed, and cleared of a killed backup's leftovers")
    func backupsFolder() throws {
        try withFolder { raw, _ in
            let backups = RawFiles.join(raw, [Self.e9, Self.lookalike])
            let store = BackupStore(directory: carried(backups))
            // Made by a backup into the folder (that fails after: the database is not there).
            #expect(throws: (any Error).self) {
                try store.create(fromDatabaseAt: carried(RawFiles.join(raw, [Self.ff])), reason: .manual)
            }
            #expect(RawFiles.status(backups).map { $0.st_mode & 0o777 } == 0o700)
            #expect(RawFiles.status(RawFiles.join(raw, [Self.e9])).map { $0.st_mode & 0o777 } == 0o700)
            let kept = Self.ff + Array(".sqlite".utf8)
            let leftover = Self.lookalike + Array(".sqlite.partial".utf8)
            #expect(RawFiles.create(RawFiles.join(backups, [kept]), Array(repeating: 7, count: 100)))
            #expect(RawFiles.create(RawFiles.join(backups, [leftover]), [1]))
            #expect(store.removeInterruptedBackups().map(CarriedBytes.bytes(of:)) == [leftover])
            #expect(RawFiles.names(in: backups) == [kept])
            let listed = store.list()
            #expect(listed.map { CarriedBytes.bytes(of: $0.path) } == [RawFiles.join(backups, [kept])])
            #expect(listed.first?.sizeBytes == 100)
        }
    }

    @Test("a damaged database of those bytes is emptied and its journal removed; sameFile sees one file")
    func restorerFiles() throws {
        try withFolder { raw, _ in
            let db = RawFiles.join(raw, [Self.e9 + Array(".db".utf8)])
            let journal = db + Array("-journal".utf8)
            #expect(RawFiles.create(db, Array(repeating: 1, count: 4096)))
            #expect(RawFiles.create(journal, [2]))
            // Decoys under the carried scalars' UTF-8: left as they are.
            let decoy = Array(carried(db).utf8)
            #expect(RawFiles.create(decoy, [3]))
            #expect(Restorer.sameFile(carried(db), carried(db)))
            #expect(!Restorer.sameFile(carried(db), carried(journal)))
            try Restorer.emptyDamagedFiles(of: carried(db))
            #expect(RawFiles.status(db)?.st_size == 0)
            #expect(RawFiles.status(journal) == nil)
            #expect(RawFiles.contents(decoy) == [3])
        }
    }

    @Test("--each's glob and the schema cache folder keep those bytes")
    func globAndCache() throws {
        try withFolder { raw, _ in
            let site = RawFiles.join(raw, [Self.ff])
            #expect(RawFiles.makeDirectory(site))
            let db = Self.e9 + Array(".db".utf8)
            #expect(RawFiles.create(RawFiles.join(site, [db])))
            #expect(RawFiles.create(RawFiles.join(site, [db + Array("-audit.jsonl".utf8)])))
            let found = try FleetTargets.matching(carried(site) + "/*")
            #expect(found.map(CarriedBytes.bytes(of:)) == [RawFiles.join(site, [db])])

            let cacheHome = RawFiles.join(raw, [Self.lookalike])
            let made = try #require(ExpectedSchemasCache.directory(environment: ["XDG_CACHE_HOME": carried(cacheHome)]))
            #expect(CarriedBytes.bytes(of: made) == RawFiles.join(cacheHome, [Array("migsh".utf8)]))
            #expect(RawFiles.status(CarriedBytes.bytes(of: made)).map { $0.st_mode & S_IFMT } == S_IFDIR)
        }
    }
}
