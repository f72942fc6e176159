import Foundation
@testable import MigshCore
import MigshTestSupport
import Testing

/// `OnlineBackup.snapshot` (the data probe's private copy): copied in steps, yet one moment
/// of the database, whatever another connection writes between two steps. The oracle is
/// sqlite3's `.dump` of the source taken before the copy.
@Suite("A stepped snapshot copy stays one moment of the database")
struct OnlineBackupSnapshotTests {
    static func dump(_ path: String) throws -> String {
        let (status, text) = try ChildProcess.output(of: "/usr/bin/sqlite3", [path, ".dump"])
        #expect(status == 0)
        return text
    }

    @Test("Another connection writes between two steps: the copy is the database as it was when the copy began",
          arguments: ["delete", "wal"])
    func writerBetweenSteps(_ journalMode: String) throws {
        try withTemporaryDirectory { dir in
            let path = dir + "/live.sqlite"
            let setup = try Connection(path: path, mode: .readWriteCreate)
            try setup.execute("PRAGMA journal_mode = \(journalMode)")
            // About 1500 pages: six steps of 256.
            try setup.execute("CREATE TABLE t (n INTEGER PRIMARY KEY, pad BLOB)")
            try setup.execute("INSERT INTO t WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 2000) SELECT x, zeroblob(3000) FROM c")
            let before = try Self.dump(path)

            let source = try Connection(path: path)
            let copy = try Connection(path: dir + "/copy.sqlite", mode: .readWriteCreate)
            let writer = try Connection(path: path, busyTimeoutMS: 0)
            var steps = 0
            var written: Result<Void, any Error>?
            try OnlineBackup.snapshot(from: source, to: copy, pausePhase: "test.none") { progress in
                steps += 1
                guard written == nil, progress.remainingPages > 0 else { return }
                written = Result { try writer.execute("INSERT INTO t VALUES (-1, 'written during the copy')") }
            }
            #expect(steps > 2, "the copy took \(steps) steps")
            switch (journalMode, written) {
            case ("delete", .failure?):
                break  // a rollback journal's writer waits for the copy's read lock
            case ("wal", .success?):
                break  // WAL: the writer writes past the copy's snapshot
            default:
                Issue.record("the write during the copy (\(journalMode)): \(String(describing: written))")
            }
            #expect(try Self.dump(dir + "/copy.sqlite") == before)
            // The live connection's read transaction ended with the copy.
            #expect(source.isAutocommit)
            // Its writer is not held back any more.
            if journalMode == "delete" { try writer.execute("INSERT INTO t VALUES (-1, 'written after the copy')") }
            if true {
                let (_, count) = try ChildProcess.output(of: "/usr/bin/sqlite3", [path, "SELECT count(*) FROM t WHERE n = -1"])
                #expect(count == "1\n")
            }
        }
    }
}
