import Foundation
import MigshTestSupport
import Testing

/// Issue 21, case 4 ("a rename becomes drop and add") and the authoring guarantees: a change
/// made in a scratch session, written with `.new`, sealed and applied to the original, leaves
/// every value of the scratch copy in the original — checked column by column with python's
/// sqlite3 module (`Tests/Oracle/column_fingerprints.py`), not with migsh's code. A drop of data
/// is refused by `.new`, `.lint`, `.seal` and `.test` unless the file marks it.
@Suite("Authoring: renames stay renames, drops of data are said, the file gives the scratch copy")
struct AuthoringTests {
    struct ColumnValues: Decodable, Equatable {
        var rows: Int
        /// repr of (type, value) → how many rows hold it (NULLs aside).
        var values: [String: Int]
    }

    /// `Table.column` → its values, read by python's sqlite3.
    static func columnValues(_ db: String, sourceLocation: SourceLocation = #_sourceLocation) throws -> [String: ColumnValues] {
        let result = try runProcess("/usr/bin/env", ["python3", repositoryRoot + "/Tests/Oracle/column_fingerprints.py", db])
        #expect(result.status == 0 && result.stderr.isEmpty, "\(result)", sourceLocation: sourceLocation)
        return try JSONDecoder().decode([String: ColumnValues].self, from: Data(result.stdout.utf8))
    }

    /// A NukeWorks database at version 8 (its demo data) and the repository's migrations.
    static func setUp(_ dir: String) throws -> (db: String, folder: String) {
        let db = dir + "/nukeworks_db.sqlite"
        try makeDemoDatabase(db, version: 8)
        return (db, try DevelopTests.folder(upTo: 8, in: dir))
    }

    /// The session (kept as `kept.sqlite`), then `.seal` and `.apply` on the original: the
    /// original then holds exactly the scratch copy's values, column by column.
    static func roundTrip(_ dir: String, db: String, folder: String, session lines: [String], new: String,
                          sourceLocation: SourceLocation = #_sourceLocation) throws -> (session: ProcessResult, file: String) {
        let kept = dir + "/kept.sqlite"
        let session = try migsh(["-m", folder, "--scratch", db] + lines + [new, ".scratch keep \(kept)"], cwd: dir)
        #expect(session.status == 0, "\(session)", sourceLocation: sourceLocation)
        let written = try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("009_") }
        try #require(written.count == 1, "\(session)", sourceLocation: sourceLocation)
        #expect(session.stderr.contains("wrote \(folder)/\(written[0]) (version 9, a draft until .seal)"), "\(session)", sourceLocation: sourceLocation)
        #expect(session.stdout.contains("replay on a copy of the original: gives this scratch copy"), "\(session)", sourceLocation: sourceLocation)
        #expect(session.stdout.contains("rehearsal passed"), "\(session)", sourceLocation: sourceLocation)
        let seal = try migsh(["-m", folder, db, ".seal"])
        #expect(seal.status == 0 && seal.stdout == "sealed \(written[0])\n" && seal.stderr.isEmpty, "\(seal)", sourceLocation: sourceLocation)
        let apply = try migsh(["-m", folder, db, ".apply --yes"])
        #expect(apply.status == 0 && apply.stdout.contains("applied 1 migration"), "\(apply)", sourceLocation: sourceLocation)
        // Every value of the scratch copy is in the original, in the same column, as many times;
        // and every table is the scratch copy's but Database_Snapshots, where .apply records its backup.
        let scratchValues = try columnValues(kept)
        let originalValues = try columnValues(db)
        #expect(!scratchValues.isEmpty, sourceLocation: sourceLocation)
        #expect(Set(originalValues.keys) == Set(scratchValues.keys), "columns differ", sourceLocation: sourceLocation)
        for (column, values) in scratchValues.sorted(by: { $0.key < $1.key }) {
            let after = originalValues[column]?.values ?? [:]
            let missing = values.values.filter { (after[$0.key] ?? 0) < $0.value }
            #expect(missing.isEmpty, "\(column): values of the scratch copy missing from the original after .apply: \(missing.prefix(5))", sourceLocation: sourceLocation)
            if !column.hasPrefix("Database_Snapshots.") {
                #expect(originalValues[column] == values, "\(column) differs from the scratch copy's", sourceLocation: sourceLocation)
            }
        }
        return (session, folder + "/" + written[0])
    }

    @Test("a column renamed in the session is written as RENAME COLUMN, and every location survives .apply")
    func renameColumn() throws {
        try withTemporaryDirectory { dir in
            let (db, folder) = try Self.setUp(dir)
            let locations = sqlite(db, "select count(location) from Projects")
            #expect(locations == "30")
            let (session, file) = try Self.roundTrip(dir, db: db, folder: folder,
                                                     session: ["ALTER TABLE Projects RENAME COLUMN location TO site;"], new: ".new Rename location to site --from-diff")
            #expect(session.stdout.hasPrefix("rename (seen in this session): ALTER TABLE Projects RENAME COLUMN location TO site;\n"), "\(session)")
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(text.contains("-- Rename seen in this session (the scratch copy ran ALTER TABLE Projects RENAME COLUMN location TO site): the values stay\nALTER TABLE Projects RENAME COLUMN location TO site;"), "\(text)")
            #expect(!text.contains("DROP TABLE") && !text.contains("WARNING"), "\(text)")
            #expect(sqlite(db, "select count(site) from Projects") == locations)
        }
    }

    @Test("a column renamed where the log cannot see it (added, copied, dropped) is found by the data and written as a rename")
    func renameColumnFromData() throws {
        try withTemporaryDirectory { dir in
            let (db, folder) = try Self.setUp(dir)
            let countries = sqlite(db, "select count(headquarters_country) from Technology_Vendors")
            let (session, file) = try Self.roundTrip(dir, db: db, folder: folder, session: [
                "ALTER TABLE Technology_Vendors ADD COLUMN country TEXT;",
                "UPDATE Technology_Vendors SET country = headquarters_country;",
                "ALTER TABLE Technology_Vendors DROP COLUMN headquarters_country;",
            ], new: ".new Vendor country --from-diff")
            #expect(session.stdout.contains("rename (inferred from the data): ALTER TABLE Technology_Vendors RENAME COLUMN headquarters_country TO country;\n"), "\(session)")
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(text.contains("the \(countries) values of Technology_Vendors.headquarters_country in the original equal Technology_Vendors.country's in the scratch copy, row by row (by rowid)"), "\(text)")
            #expect(sqlite(db, "select count(country) from Technology_Vendors") == countries)
        }
    }

    @Test("a table renamed in the session is written as RENAME TO; its rows, children and views follow")
    func renameTable() throws {
        try withTemporaryDirectory { dir in
            let (db, folder) = try Self.setUp(dir)
            let vendors = sqlite(db, "select count(*) from Technology_Vendors")
            let (session, file) = try Self.roundTrip(dir, db: db, folder: folder,
                                                     session: ["ALTER TABLE Technology_Vendors RENAME TO Vendors;"], new: ".new Rename vendors --from-diff")
            #expect(session.stdout.contains("rename (seen in this session): ALTER TABLE Technology_Vendors RENAME TO Vendors;\n"), "\(session)")
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(text.contains("ALTER TABLE Technology_Vendors RENAME TO Vendors;") && !text.contains("DROP TABLE"), "\(text)")
            #expect(sqlite(db, "select count(*) from Vendors") == vendors)
            #expect(sqlite(db, "PRAGMA foreign_key_check") == "")
        }
    }

    @Test("a column added and filled: recorded, the values arrive; from a diff (which carries no rows) .new refuses and removes the file")
    func addAndFill() throws {
        try withTemporaryDirectory { dir in
            let (db, folder) = try Self.setUp(dir)
            let fill = ["ALTER TABLE Projects ADD COLUMN review_date DATE;", "UPDATE Projects SET review_date = '2027-01-15' WHERE project_status = 'Operating';"]
            // From a diff: the file adds the column but cannot fill it; the replay says so.
            let diff = try migsh(["-m", folder, "--scratch", db] + fill + [".new Review date --from-diff"], cwd: dir)
            #expect(diff.status == 1, "\(diff)")
            #expect(diff.stderr.contains("Error: not written: 009_review_date.sql, replayed on a copy of the original, does not give this scratch copy (the file is removed)"), "\(diff)")
            let filled = sqlite(db, "select count(*) from Projects where project_status = 'Operating'")
            #expect(diff.stderr.contains("  Projects.review_date: the scratch copy holds \(filled) non-NULL values, the replay 0\n"), "\(diff)")
            #expect(!fileExists(folder + "/009_review_date.sql"))
            // Recorded: the UPDATE is in the file, and the values reach the original.
            let (_, file) = try Self.roundTrip(dir, db: db, folder: folder, session: [".record on"] + fill, new: ".new Review date --from-session")
            #expect(try String(contentsOfFile: file, encoding: .utf8).contains(fill[1]))
            #expect(sqlite(db, "select count(review_date) from Projects") == filled)
        }
    }

    @Test(".new --from-diff refuses a drop of data, naming the column and its count; --allow-drop writes the marked line and the drop round-trips")
    func dropNeedsAllowDrop() throws {
        try withTemporaryDirectory { dir in
            let (db, folder) = try Self.setUp(dir)
            let countries = sqlite(db, "select count(headquarters_country) from Technology_Vendors")
            let drop = "ALTER TABLE Technology_Vendors DROP COLUMN headquarters_country;"
            let refused = try migsh(["-m", folder, "--scratch", db, drop, ".new Drop country --from-diff"], cwd: dir)
            #expect(refused.status == 1 && refused.stdout.isEmpty, "\(refused)")
            #expect(refused.stderr.contains("Error: not written: the migration would drop data: column Technology_Vendors.headquarters_country (\(countries) non-NULL values in the original)\n"), "\(refused)")
            #expect(refused.stderr.contains("add --allow-drop"), "\(refused)")
            #expect(try FileManager.default.contentsOfDirectory(atPath: folder).filter { $0.hasPrefix("009_") }.isEmpty)
            // A whole table: named with its rows.
            let table = try migsh(["-m", folder, "--scratch", db, "DROP TABLE Supplier_Certifications;", ".new Drop certifications --from-diff"], cwd: dir)
            let certifications = sqlite(db, "select count(*) from Supplier_Certifications")
            #expect(table.status == 1 && table.stderr.contains("table Supplier_Certifications (\(certifications) rows in the original)"), "\(table)")

            let (session, file) = try Self.roundTrip(dir, db: db, folder: folder, session: [drop], new: ".new Drop country --from-diff --allow-drop")
            #expect(session.stdout.contains("drops, as --allow-drop says: Technology_Vendors.headquarters_country\n"), "\(session)")
            #expect(session.stdout.contains("009_drop_country.sql: drops Technology_Vendors.headquarters_country (\(countries) non-NULL values), as the file marks\n"), "\(session)")
            let text = try String(contentsOfFile: file, encoding: .utf8)
            #expect(text.contains("\n-- migsh: allow-drop Technology_Vendors.headquarters_country\n"), "\(text)")
            let lint = try migsh(["-m", folder, db, ".lint \(file)"])
            #expect(lint.status == 0 && !lint.stdout.contains("data-drop"), "\(lint)")
            #expect(sqlite(db, "select count(*) from pragma_table_info('Technology_Vendors') where name = 'headquarters_country'") == "0")
        }
    }

    /// A hand-written draft that drops a column holding values, without the marked line.
    static func unmarkedDrop(_ folder: String) throws -> String {
        let file = folder + "/009_drop_country.sql"
        try """
            -- Description: Drop country
            -- Version: 9
            -- Date: 2026-12-01
            -- Author: test
            -- Rollback: restore the pre-migration backup with `.restore --version 8`
            BEGIN TRANSACTION;
            ALTER TABLE Technology_Vendors DROP COLUMN headquarters_country;
            INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (9, datetime('now'), 'system', 'Drop country');
            COMMIT;

            """.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    @Test(".lint reports an unmarked drop of data as an error with its line, .seal refuses it, .test names the lost column; the marked line lets all three pass")
    func unmarkedDropIsRefused() throws {
        try withTemporaryDirectory { dir in
            let (db, folder) = try Self.setUp(dir)
            let countries = sqlite(db, "select count(headquarters_country) from Technology_Vendors")
            let file = try Self.unmarkedDrop(folder)
            let sum = try String(contentsOfFile: folder + "/migsh.sum", encoding: .utf8)

            let lint = try migsh(["-m", folder, db, ".lint 009_drop_country.sql"])
            #expect(lint.status == 1, "\(lint)")
            #expect(lint.stdout.contains("009_drop_country.sql:7: error: drops column Technology_Vendors.headquarters_country, whose values no column holds after this migration"), "\(lint)")
            #expect(lint.stdout.contains("[data-drop]") && lint.stderr == "Error: .lint found 1 error(s)\n", "\(lint)")

            let seal = try migsh(["-m", folder, db, ".seal"])
            #expect(seal.status == 1 && seal.stdout.isEmpty, "\(seal)")
            #expect(seal.stderr.hasPrefix("Error: not sealed: a draft drops data without saying so (nothing was recorded)\n  009_drop_country.sql:7: drops column Technology_Vendors.headquarters_country"), "\(seal)")
            #expect(try String(contentsOfFile: folder + "/migsh.sum", encoding: .utf8) == sum)

            let test = try migsh(["-m", folder, db, ".test"])
            #expect(test.status == 1, "\(test)")
            #expect(test.stdout.contains("009_drop_country.sql: loses the values of Technology_Vendors.headquarters_country (\(countries) non-NULL): no column holds them after this migration"), "\(test)")
            #expect(test.stdout.contains("rehearsal FAILED") && test.stderr.contains("the rehearsal failed"), "\(test)")

            // Marked: all three pass.
            let text = try String(contentsOfFile: file, encoding: .utf8)
            try text.replacingOccurrences(of: "BEGIN TRANSACTION;\n", with: "BEGIN TRANSACTION;\n-- migsh: allow-drop Technology_Vendors.headquarters_country\n")
                .write(toFile: file, atomically: true, encoding: .utf8)
            let lint2 = try migsh(["-m", folder, db, ".lint 009_drop_country.sql"])
            #expect(lint2.status == 0 && !lint2.stdout.contains("data-drop"), "\(lint2)")
            let test2 = try migsh(["-m", folder, db, ".test"])
            #expect(test2.status == 0 && test2.stdout.contains("drops Technology_Vendors.headquarters_country (\(countries) non-NULL values), as the file marks"), "\(test2)")
            let seal2 = try migsh(["-m", folder, db, ".seal"])
            #expect(seal2.status == 0 && seal2.stdout == "sealed 009_drop_country.sql\n", "\(seal2)")
        }
    }
}
