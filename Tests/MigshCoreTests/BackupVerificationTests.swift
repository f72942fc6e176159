import Foundation
import Testing
@testable import MigshCore

/// The backup's check runs on the copy after it is written: damage that reaches the copy
/// between the copy and the check (a failing disk, a short write) is caught, nothing is kept,
/// and the message says whether the copy or the database is at fault.
@Suite("A backup is verified after it is written")
struct BackupVerificationTests {
    /// A database with a table and an index of a few hundred pages.
    func makeDatabase(_ path: String) throws {
        let db = try Connection(path: path, mode: .readWriteCreate)
        try db.execute("""
            CREATE TABLE Schema_Version (version INTEGER PRIMARY KEY, applied_date TEXT, applied_by TEXT, description TEXT);
            INSERT INTO Schema_Version (version) VALUES (1);
            CREATE TABLE t (id INTEGER PRIMARY KEY, v TEXT);
            CREATE INDEX t_v ON t(v);
            WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c LIMIT 20000)
            INSERT INTO t SELECT x, printf('row %08d', x) FROM c;
            """)
    }

    /// Overwrites `pages` pages in the middle of the file with a byte pattern.
    func damage(_ path: String, pages: Int = 4) throws {
        let handle = try #require(FileHandle(forUpdatingAtPath: path))
        defer { try? handle.close() }
        let size = try handle.seekToEnd()
        let pageSize: UInt64 = 4096
        try handle.seek(toOffset: (size / pageSize / 2) * pageSize)
        try handle.write(contentsOf: Data(repeating: 0xA5, count: Int(pageSize) * pages))
    }

    @Test("a copy damaged between the copy and its check is refused, not kept, and blamed on the copy",
          arguments: ["delete", "wal"])
    func damagedCopyIsCaught(journalMode: String) throws {
        try withTemporaryDirectory { dir in
            let source = dir + "/db.sqlite"
            try makeDatabase(source)
            // delete: the database's check runs beside the copy, and the copy is compared with it;
            // wal: the copy's own check after it is written.
            try Connection(path: source).execute("PRAGMA journal_mode=\(journalMode)")
            let store = BackupStore(directory: dir + "/backups")
            var damagedPartial: String?
            #expect {
                try store.create(fromDatabaseAt: source, reason: .manual) { progress in
                    guard case .verifying = progress else { return }
                    // The copy is written and closed; its check has not run yet.
                    let partial = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/backups"))?
                        .first { $0.hasSuffix(".sqlite.partial") }.map { dir + "/backups/" + $0 }
                    damagedPartial = partial
                    if let partial { try? damage(partial) }
                }
            } throws: { error in
                guard let error = error as? MigshError else { return false }
                return error.code == .backupFailed && error.message.contains("the copy was damaged while it was written")
            }
            #expect(damagedPartial != nil, "the copy was not found to damage")
            let left = try FileManager.default.contentsOfDirectory(atPath: dir + "/backups")
            #expect(left.isEmpty, "a damaged backup was kept: \(left)")
            // The database itself is untouched and passes its check (python-free oracle: SQLite's own check).
            let db = try Connection(path: source, mode: .readOnly)
            #expect(try db.quickCheck() == ["ok"])
            #expect(try db.scalarInt("SELECT count(*) FROM t") == 20000)
        }
    }

    @Test("the same damage in the database itself is reported as the database's")
    func damagedSourceIsNamed() throws {
        try withTemporaryDirectory { dir in
            let source = dir + "/db.sqlite"
            try makeDatabase(source)
            try damage(source)
            let store = BackupStore(directory: dir + "/backups")
            #expect {
                try store.create(fromDatabaseAt: source, reason: .manual)
            } throws: { error in
                guard let error = error as? MigshError else { return false }
                return error.code == .damaged && error.message.contains("the backup failed its integrity check")
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/backups").isEmpty)
        }
    }

    /// Replaces the first occurrence of `text` in the file with `replacement` (same length).
    func rewrite(_ path: String, _ text: String, _ replacement: String) throws -> Bool {
        var bytes = try Data(contentsOf: URL(fileURLWithPath: path))
        guard let range = bytes.range(of: Data(text.utf8)) else { return false }
        bytes.replaceSubrange(range, with: Data(replacement.utf8))
        try bytes.write(to: URL(fileURLWithPath: path))
        return true
    }

    @Test("a changed value inside a row of the copy, which no page check sees, is caught by the comparison")
    func changedRowIsCaught() throws {
        try withTemporaryDirectory { dir in
            let source = dir + "/db.sqlite"
            try makeDatabase(source)
            let store = BackupStore(directory: dir + "/backups")
            var changed = false
            var damagedCopy: String?
            #expect {
                try store.create(fromDatabaseAt: source, reason: .manual) { progress in
                    guard case .verifying = progress,
                          let partial = (try? FileManager.default.contentsOfDirectory(atPath: dir + "/backups"))?
                            .first(where: { $0.hasSuffix(".sqlite.partial") }).map({ dir + "/backups/" + $0 }) else { return }
                    changed = (try? rewrite(partial, "row 00012345", "row 00054321")) ?? false
                    damagedCopy = partial
                }
            } throws: { error in
                guard let error = error as? MigshError else { return false }
                return error.code == .backupFailed && error.message.contains("the copy was damaged while it was written")
                    && error.message.contains("differs from the database's")
            }
            #expect(changed)
            // The oracle for "no page check sees it": SQLite's own quick_check of such a file passes.
            if let damagedCopy {
                try FileManager.default.copyItem(atPath: source, toPath: damagedCopy + ".probe")
                #expect(try rewrite(damagedCopy + ".probe", "row 00012345", "row 00054321"))
                #expect(try Connection(path: damagedCopy + ".probe", mode: .readOnly).quickCheck() == ["ok"])
            }
            #expect(try FileManager.default.contentsOfDirectory(atPath: dir + "/backups").filter { !$0.hasSuffix(".probe") }.isEmpty)
        }
    }

    @Test("a sound backup is the database's rows, and passes sqlite3's own check")
    func soundBackup() throws {
        try withTemporaryDirectory { dir in
            let source = dir + "/db.sqlite"
            try makeDatabase(source)
            let backup = try BackupStore(directory: dir + "/backups").create(fromDatabaseAt: source, reason: .manual)
            let copy = try Connection(path: backup.path, mode: .readOnly)
            #expect(try copy.quickCheck() == ["ok"])
            #expect(try copy.scalarInt("SELECT count(*) FROM t WHERE v = printf('row %08d', id)") == 20000)
        }
    }
}
