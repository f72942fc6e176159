import Foundation
import MigshTestSupport
import Testing

/// A migration written from a session that rebuilds a table without an INTEGER PRIMARY KEY
/// must keep its rows' rowids: an FTS5 index over it (`content_rowid='rowid'`) stores them,
/// so a copy that numbers the rows from 1 again leaves the index pointing at other rows (a
/// search that reads the rows fails: "database disk image is malformed"). Checked
/// with sqlite3, on the original after `.seal` and `.apply` of the written file.
@Suite("A session-written rebuild keeps the rowids of a table without INTEGER PRIMARY KEY")
struct RebuildRowidTests {
    static let notes = """
        -- Description: notes with a full-text index
        -- Version: 9
        BEGIN TRANSACTION;
        CREATE TABLE Notes (body TEXT, tag TEXT);
        CREATE VIRTUAL TABLE Notes_fts USING fts5(body, content='Notes', content_rowid='rowid');
        CREATE TRIGGER notes_ai AFTER INSERT ON Notes BEGIN INSERT INTO Notes_fts(rowid, body) VALUES (new.rowid, new.body); END;
        CREATE TRIGGER notes_ad AFTER DELETE ON Notes BEGIN INSERT INTO Notes_fts(Notes_fts, rowid, body) VALUES ('delete', old.rowid, old.body); END;
        INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (9, datetime('now'), 'system', 'notes');
        COMMIT;

        """

    /// A demo database at 9 whose Notes lost rows 1 and 3 (rowids 2 and 4 remain).
    static func setUp(_ dir: String) throws -> (db: String, folder: String) {
        let db = dir + "/db.sqlite"
        try makeDemoDatabase(db, version: 8)
        let folder = try DevelopTests.folder(upTo: 8, in: dir)
        try notes.write(toFile: folder + "/009_notes.sql", atomically: true, encoding: .utf8)
        try regenerateChecksums(in: folder)
        let apply = try migsh(["-m", folder, db, ".apply --yes"])
        #expect(apply.status == 0, "\(apply)")
        _ = sqlite(db, "insert into Notes values ('alpha one', 'a'), ('beta two', 'b'), ('gamma three', 'c'), ('delta four', 'd'); delete from Notes where rowid in (1, 3);")
        #expect(sqlite(db, "select rowid, body from Notes order by rowid") == "2|beta two\n4|delta four")
        return (db, folder)
    }

    /// Writes 010 from the session, seals and applies it to the original, and checks the
    /// rowids and the full-text index with sqlite3.
    static func roundTrip(_ session: [String], new: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        try withTemporaryDirectory { dir in
            let (db, folder) = try setUp(dir)
            let written = try migsh(["-m", folder, "--scratch", db] + session + [new], cwd: dir)
            #expect(written.status == 0, "\(written)", sourceLocation: sourceLocation)
            #expect(written.stdout.contains("rehearsal passed"), "\(written)", sourceLocation: sourceLocation)
            let seal = try migsh(["-m", folder, db, ".seal"])
            #expect(seal.status == 0, "\(seal)", sourceLocation: sourceLocation)
            let apply = try migsh(["-m", folder, db, ".apply --yes"])
            #expect(apply.status == 0 && apply.stdout.contains("applied 1 migration"), "\(apply)", sourceLocation: sourceLocation)
            #expect(sqlite(db, "select count(*) from pragma_table_info('Notes') where name = 'tag' and \"notnull\" = 1") == "1", sourceLocation: sourceLocation)
            #expect(sqlite(db, "select rowid, body, tag from Notes order by rowid") == "2|beta two|b\n4|delta four|d", sourceLocation: sourceLocation)
            // The index still says rowid 4; with the rows renumbered, reading its content fails
            // ("database disk image is malformed", which sqlite() records as an issue).
            #expect(sqlite(db, "select rowid, body from Notes_fts where Notes_fts match 'delta'") == "4|delta four", sourceLocation: sourceLocation)
        }
    }

    @Test(".rebuild --run recorded, then .new --from-session: the copy names the rowid")
    func recordedRebuild() throws {
        try Self.roundTrip([".record on", ".rebuild Notes --not-null tag --run"], new: ".new Notes tag required --from-session")
    }

    @Test("a rebuild made by hand (rowids kept), then .new --from-diff: the written rebuild keeps them too")
    func diffedRebuild() throws {
        try Self.roundTrip([
            "CREATE TABLE Notes_x (body TEXT, tag TEXT NOT NULL);",
            "INSERT INTO Notes_x (rowid, body, tag) SELECT rowid, body, tag FROM Notes;",
            "DROP TABLE Notes;",
            "ALTER TABLE Notes_x RENAME TO Notes;",
            "CREATE TRIGGER notes_ai AFTER INSERT ON Notes BEGIN INSERT INTO Notes_fts(rowid, body) VALUES (new.rowid, new.body); END;",
            "CREATE TRIGGER notes_ad AFTER DELETE ON Notes BEGIN INSERT INTO Notes_fts(Notes_fts, rowid, body) VALUES ('delete', old.rowid, old.body); END;",
        ], new: ".new Notes tag required --from-diff")
    }
}
