import Foundation
import Testing
@testable import MigshCore

@Suite("Validating a migration before it runs")
struct MigrationScriptTests {
    func script(_ version: Int, _ text: String) -> MigrationScript {
        MigrationScript(Migration(version: version, name: "x", fileName: String(format: "%03d_x.sql", version),
                                  path: "/tmp/x", sql: text, sha256: ""))
    }

    @Test("a well-formed file has no errors and its body excludes BEGIN and COMMIT")
    func wellFormed() {
        let s = script(2, migrationText(2, body: "CREATE TABLE a(x);\nCREATE INDEX i ON a(x);"))
        #expect(s.errors.isEmpty)
        #expect(s.body.count == 3)
        #expect(SQLScript.leadingWords(s.body[0].sql, count: 1) == ["CREATE"])
    }

    @Test("a file without COMMIT is refused")
    func missingCommit() {
        let s = script(2, "BEGIN TRANSACTION;\nINSERT INTO Schema_Version (version) VALUES (2);\n")
        #expect(s.errors.contains { $0.message.contains("COMMIT") })
    }

    @Test("a file without BEGIN TRANSACTION is refused")
    func missingBegin() {
        let s = script(2, "INSERT INTO Schema_Version (version) VALUES (2);\nCOMMIT;\n")
        #expect(s.errors.contains { $0.message.contains("BEGIN TRANSACTION") })
    }

    @Test("a version insert naming another version is refused, with its line")
    func wrongVersion() {
        let s = script(4, migrationText(3))
        let error = s.errors.first { $0.message.contains("names version 3") }
        #expect(error?.line == 5)
    }

    @Test("no Schema_Version insert is refused")
    func noVersionInsert() {
        let s = script(2, "BEGIN TRANSACTION;\nCREATE TABLE a(x);\nCOMMIT;\n")
        #expect(s.errors.contains { $0.message.contains("no INSERT INTO Schema_Version") })
    }

    @Test("statements that cannot run in a transaction are refused",
          arguments: ["VACUUM;", "PRAGMA foreign_keys = ON;", "PRAGMA journal_mode = WAL;", "COMMIT;\nBEGIN;", "ATTACH 'x' AS y;"])
    func forbidden(_ statement: String) {
        let s = script(2, migrationText(2, body: statement))
        #expect(!s.errors.isEmpty)
    }

    @Test("DROP TABLE and DELETE FROM are warnings (spec §5.3)")
    func warnings() {
        let s = script(2, migrationText(2, body: "DROP TABLE a;\nDELETE FROM b WHERE 1;"))
        #expect(s.errors.isEmpty)
        #expect(s.warnings.count == 2)
    }

    @Test("the version is read from the column list, not only the first value")
    func versionFromColumns() {
        let s = script(5, "BEGIN;\nINSERT INTO Schema_Version (description, version) VALUES ('x', 5);\nCOMMIT;")
        #expect(s.errors.isEmpty)
    }

    @Test("an unterminated string at the end of the file is refused")
    func unterminated() {
        let s = script(2, migrationText(2) + "\nSELECT 'oops;\n")
        #expect(s.errors.contains { $0.message.contains("incomplete") })
    }
}
