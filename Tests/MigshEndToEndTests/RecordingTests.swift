import Foundation
import Testing

// Issue 21, case 3: a migration written from a recorded session keeps every value. A migration
// file binds nothing, so what `.record` keeps has the session's bound values written in; what
// the record cannot hold as SQL (`.import`) stops `.new --from-session` instead of being left out.
// The oracle is sqlite3 reading the original database after `.apply` of the written file.
@Suite("Recording a session: bound values written in, imports not left out")
struct RecordingTests {
    @Test("a statement using .parameter values is recorded with the values; .apply on the original stores them")
    func boundValuesAreRecorded() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            let session = try migsh(["-m", folder, "--scratch", db, ".record on",
                                     ".parameter set :note \"'new text'\"", ".parameter set @n 0.1", ".parameter set $blob x'00ff'",
                                     "UPDATE Projects SET notes = :note WHERE project_id = 1;",
                                     "UPDATE Projects SET notes = @n WHERE project_id = 2;",
                                     "UPDATE Projects SET notes = $blob WHERE project_id = 3;",
                                     ".new bound --from-session"], cwd: dir)
            #expect(session.status == 0, "\(session)")
            let file = try String(contentsOfFile: folder + "/009_bound.sql", encoding: .utf8)
            #expect(file.contains("UPDATE Projects SET notes = 'new text' WHERE project_id = 1;"), "\(file)")
            #expect(!file.contains(":note") && !file.contains("@n") && !file.contains("$blob"), "\(file)")

            let apply = try migsh(["--yes", "-m", folder, db, ".apply"])
            #expect(apply.status == 0, "\(apply)")
            #expect(sqlite(db, "select project_id, quote(notes) from Projects where project_id <= 3 order by 1") == "1|'new text'\n2|'0.1'\n3|X'00FF'")  // notes has TEXT affinity, as when bound
        }
    }

    @Test("bound text a file cannot hold as a literal (not UTF-8, a NUL) is recorded as CAST(X'…' AS TEXT); .apply stores the same bytes")
    func boundTextBytesAreRecorded() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            let session = try migsh(["-m", folder, "--scratch", db, ".record on",
                                     ".parameter set :latin \"CAST(x'ff41' AS TEXT)\"", ".parameter set :nul \"CAST(x'610062' AS TEXT)\"",
                                     "UPDATE Projects SET notes = :latin WHERE project_id = 1;",
                                     "UPDATE Projects SET notes = :nul WHERE project_id = 2;",
                                     ".new text bytes --from-session"], cwd: dir)
            #expect(session.status == 0 && session.stdout.contains("replay on a copy of the original: gives this scratch copy"), "\(session)")
            let file = try String(contentsOfFile: folder + "/009_text_bytes.sql", encoding: .utf8)
            #expect(file.contains("UPDATE Projects SET notes = CAST(X'ff41' AS TEXT) WHERE project_id = 1;"), "\(file)")
            #expect(file.contains("UPDATE Projects SET notes = CAST(X'610062' AS TEXT) WHERE project_id = 2;"), "\(file)")

            let apply = try migsh(["--yes", "-m", folder, db, ".apply"])
            #expect(apply.status == 0, "\(apply)")
            #expect(sqlite(db, "select project_id, typeof(notes), hex(notes) from Projects where project_id <= 2 order by 1") == "1|text|FF41\n2|text|610062")
        }
    }

    @Test("a REAL that 15 digits cannot write back exactly is refused while recording, on stderr, and nothing runs")
    func inexactRealIsRefused() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let result = try migsh(["--scratch", db, ".record on", ".parameter set :x 0.1+0.2",
                                    "UPDATE Projects SET notes = :x WHERE project_id = 2;"], cwd: dir)
            #expect(result.status == 1, "\(result)")
            #expect(result.stdout == "")
            #expect(result.stderr.contains("recording: :x is bound to a REAL that 15 digits cannot write exactly"), "\(result.stderr)")
        }
    }

    @Test(".import while recording: .new --from-session refuses and names it; no file is written")
    func importIsNotLeftOut() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeDemoDatabase(db, version: 8)
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            try "a,b\n1,2\n3,4\n".write(toFile: dir + "/in.csv", atomically: true, encoding: .utf8)
            let before = fileNames(in: folder)
            let result = try migsh(["-m", folder, "--scratch", db, ".record on", "CREATE TABLE t(a, b);",
                                    ".import --csv --skip 1 in.csv t", ".new imp --from-session"], cwd: dir)
            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("a migration written from it would leave them out: .import in.csv t (2 rows)"), "\(result.stderr)")
            #expect(fileNames(in: folder) == before)
        }
    }
}
