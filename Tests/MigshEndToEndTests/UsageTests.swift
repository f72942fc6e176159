import Foundation
import Testing

/// Usage errors exit 2 (as the contract and argument parsers do); an unknown dot-command is
/// an ordinary command error, exit 1, as in sqlite3.
@Suite("Usage errors")
struct UsageTests {
    @Test("an unknown option exits 2 and names the option")
    func unknownOption() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let before = dump(db)

            let result = try migsh(["-m", repositoryMigrations, "--no-such-option", db, ".apply --yes"])

            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("--no-such-option"), "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
            #expect(dump(db) == before)
        }
    }

    @Test("an unknown dot-command exits 1 with 'unknown command'")
    func unknownDotCommand() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            try makeDemoDatabase(db, version: 3)
            let before = dump(db)

            let result = try migsh(["-m", repositoryMigrations, db, ".frobnicate"])

            #expect(result.status == 1, "\(result)")
            #expect(result.stderr.contains("unknown command"), "\(result)")
            #expect(result.stderr == "Error: unknown command or invalid arguments:  \"frobnicate\". Enter \".help\" for help\n", "\(result)")
            #expect(dump(db) == before)
        }
    }
}
