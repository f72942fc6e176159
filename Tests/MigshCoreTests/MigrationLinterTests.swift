import Foundation
import Testing
@testable import MigshCore

/// Migration files written for one rule each: the header takes lines 1–6, `BEGIN TRANSACTION;`
/// is line 7, so the body's first line is line 8.
private enum LintFixture {
    static let firstBodyLine = 8

    static func text(_ version: Int, body: String, header: [String]? = nil, begin: Bool = true, commit: Bool = true,
                     insertedVersion: Int? = nil) -> String {
        let headerLines = header ?? [
            "-- Description: test \(version)",
            "-- Version: \(version)",
            "-- Date: 2025-01-01",
            "-- Author: Tests",
            "-- Rollback: restore the pre-migration backup with .restore --version \(version - 1)",
        ]
        var lines = headerLines + [""]
        lines.append(begin ? "BEGIN TRANSACTION;" : "-- (no BEGIN)")
        lines.append(body)
        lines.append("INSERT INTO Schema_Version (version, applied_date, applied_by, description)")
        lines.append("VALUES (\(insertedVersion ?? version), datetime('now'), 'system', 'test \(version)');")
        lines.append(commit ? "COMMIT;" : "-- (no COMMIT)")
        return lines.joined(separator: "\n") + "\n"
    }

    /// Writes `text` as `name` in a temporary folder and lints it (without expected schemas).
    static func lint(_ name: String, _ text: String) throws -> [MigrationLinter.Finding] {
        try withTemporaryDirectory { dir in
            let path = dir + "/" + name
            try write(text, to: path)
            return try MigrationLinter.lint(path: path, expected: nil)
        }
    }

    static func lint(_ version: Int, body: String) throws -> [MigrationLinter.Finding] {
        try lint(String(format: "%03d_test_migration.sql", version), text(version, body: body))
    }

    /// The line of the first line of `body` holding `needle`.
    static func line(of needle: String, in text: String) -> Int? {
        text.split(separator: "\n", omittingEmptySubsequences: false).firstIndex { $0.contains(needle) }.map { $0 + 1 }
    }
}

private extension Array where Element == MigrationLinter.Finding {
    func rule(_ name: String) -> [MigrationLinter.Finding] { filter { $0.rule == name } }
    var errors: [MigrationLinter.Finding] { filter { $0.severity == .error } }
}

@Suite("Linting migration files")
struct MigrationLinterTests {
    // MARK: A clean file

    @Test("a well-formed file has no findings at all")
    func cleanFile() throws {
        let findings = try LintFixture.lint(4, body: "CREATE TABLE IF NOT EXISTS t (x TEXT);")
        #expect(findings.isEmpty, "\(findings)")
    }

    // MARK: naming

    @Test("naming: a file not named NNN_description.sql is an error",
          arguments: ["4_add_thing.sql", "004_Add_Thing.sql", "004-add-thing.sql", "004_add thing.sql", "0004_add_thing.sql"])
    func namingFails(name: String) throws {
        let findings = try LintFixture.lint(name, LintFixture.text(4, body: "CREATE TABLE IF NOT EXISTS t (x TEXT);"))
        let naming = findings.rule("naming")
        #expect(naming.count == 1, "\(findings)")
        #expect(naming.first?.severity == .error)
        #expect(naming.first?.line == nil)
    }

    @Test("naming: 004_add_thing.sql passes")
    func namingPasses() throws {
        let findings = try LintFixture.lint("004_add_thing.sql", LintFixture.text(4, body: "CREATE TABLE IF NOT EXISTS t (x TEXT);"))
        #expect(findings.rule("naming").isEmpty, "\(findings)")
    }

    // MARK: header

    @Test("header: a missing `-- Date:` is a warning on line 1")
    func headerMissingField() throws {
        let text = LintFixture.text(4, body: "CREATE TABLE IF NOT EXISTS t (x TEXT);", header: [
            "-- Description: test 4", "-- Version: 4", "-- Author: Tests", "-- Rollback: restore the backup", "--",
        ])
        let findings = try LintFixture.lint("004_add_thing.sql", text)
        let header = findings.rule("header")
        #expect(header.count == 1, "\(findings)")
        #expect(header.first?.severity == .warning)
        #expect(header.first?.line == 1)
        #expect(header.first?.message.contains("Date") == true, "\(header)")
    }

    @Test("header: a Version that contradicts the file name is an error on line 1")
    func headerWrongVersion() throws {
        let text = LintFixture.text(4, body: "CREATE TABLE IF NOT EXISTS t (x TEXT);", header: [
            "-- Description: test 4", "-- Version: 5", "-- Date: 2025-01-01", "-- Author: Tests", "-- Rollback: restore the backup",
        ])
        let findings = try LintFixture.lint("004_add_thing.sql", text)
        let header = findings.rule("header").errors
        #expect(header.count == 1, "\(findings)")
        #expect(header.first?.line == 1)
        #expect(header.first?.message.contains("5") == true, "\(header)")
    }

    @Test("header: a complete header passes")
    func headerPasses() throws {
        let findings = try LintFixture.lint(4, body: "CREATE TABLE IF NOT EXISTS t (x TEXT);")
        #expect(findings.rule("header").isEmpty, "\(findings)")
    }

    // MARK: validation

    @Test("validation: a missing BEGIN is an error at the first statement")
    func validationMissingBegin() throws {
        let text = LintFixture.text(4, body: "CREATE TABLE IF NOT EXISTS t (x TEXT);", begin: false)
        let findings = try LintFixture.lint("004_add_thing.sql", text)
        let errors = findings.rule("validation").errors.filter { $0.message.contains("BEGIN") }
        #expect(errors.count == 1, "\(findings)")
        #expect(errors.first?.line == LintFixture.firstBodyLine)
    }

    @Test("validation: a missing COMMIT is an error at the last statement")
    func validationMissingCommit() throws {
        let text = LintFixture.text(4, body: "CREATE TABLE IF NOT EXISTS t (x TEXT);", commit: false)
        let findings = try LintFixture.lint("004_add_thing.sql", text)
        let errors = findings.rule("validation").errors.filter { $0.message.contains("COMMIT") }
        #expect(errors.count == 1, "\(findings)")
        #expect(errors.first?.line == LintFixture.line(of: "INSERT INTO Schema_Version", in: text))
    }

    @Test("validation: a Schema_Version insert naming another version is an error at the insert")
    func validationWrongVersionInsert() throws {
        let text = LintFixture.text(4, body: "CREATE TABLE IF NOT EXISTS t (x TEXT);", insertedVersion: 3)
        let findings = try LintFixture.lint("004_add_thing.sql", text)
        let errors = findings.rule("validation").errors
        #expect(errors.count == 1, "\(findings)")
        #expect(errors.first?.line == LintFixture.firstBodyLine + 1)
        #expect(errors.first?.message.contains("names version 3") == true, "\(errors)")
    }

    @Test("validation: VACUUM inside the migration is an error at its line")
    func validationVacuum() throws {
        let body = "CREATE TABLE IF NOT EXISTS t (x TEXT);\n-- reclaim space\nVACUUM;"
        let findings = try LintFixture.lint(4, body: body)
        let errors = findings.rule("validation").errors
        #expect(errors.count == 1, "\(findings)")
        #expect(errors.first?.line == LintFixture.firstBodyLine + 2)
        #expect(errors.first?.message.contains("VACUUM") == true)
    }

    @Test("validation: a well-formed file passes")
    func validationPasses() throws {
        let findings = try LintFixture.lint(4, body: "CREATE TABLE IF NOT EXISTS t (x TEXT);")
        #expect(findings.rule("validation").isEmpty, "\(findings)")
    }

    // MARK: drop-column

    @Test("drop-column: ALTER TABLE … DROP COLUMN is a warning at its line")
    func dropColumnFails() throws {
        let body = "ALTER TABLE t ADD COLUMN y TEXT;\n-- the old column goes\nALTER TABLE t DROP COLUMN x;"
        let findings = try LintFixture.lint(4, body: body)
        let drop = findings.rule("drop-column")
        #expect(drop.count == 1, "\(findings)")
        #expect(drop.first?.severity == .warning)
        #expect(drop.first?.line == LintFixture.firstBodyLine + 2)
    }

    @Test("drop-column: ADD COLUMN passes")
    func dropColumnPasses() throws {
        let findings = try LintFixture.lint(4, body: "ALTER TABLE t ADD COLUMN y TEXT;")
        #expect(findings.rule("drop-column").isEmpty, "\(findings)")
        #expect(findings.isEmpty, "\(findings)")
    }

    // MARK: not-null-without-default

    @Test("not-null-without-default: ADD COLUMN x TEXT NOT NULL is an error at its line")
    func notNullWithoutDefaultFails() throws {
        let findings = try LintFixture.lint(4, body: "ALTER TABLE t ADD COLUMN y TEXT;\nALTER TABLE t ADD COLUMN x TEXT NOT NULL;")
        let rule = findings.rule("not-null-without-default")
        #expect(rule.count == 1, "\(findings)")
        #expect(rule.first?.severity == .error)
        #expect(rule.first?.line == LintFixture.firstBodyLine + 1)
    }

    @Test("not-null-without-default: NOT NULL DEFAULT '' passes")
    func notNullWithoutDefaultPasses() throws {
        let findings = try LintFixture.lint(4, body: "ALTER TABLE t ADD COLUMN x TEXT NOT NULL DEFAULT '';")
        #expect(findings.rule("not-null-without-default").isEmpty, "\(findings)")
        #expect(findings.isEmpty, "\(findings)")
    }

    @Test("not-null-without-default: NOT NULL DEFAULT NULL is no default (SQLite refuses the ALTER)")
    func notNullDefaultNull() throws {
        let findings = try LintFixture.lint(4, body: "ALTER TABLE t ADD COLUMN x TEXT NOT NULL DEFAULT NULL;")
        #expect(findings.rule("not-null-without-default").map(\.line) == [LintFixture.firstBodyLine], "\(findings)")
    }

    // MARK: no-where

    @Test("no-where: DELETE and UPDATE without WHERE are warnings at their lines")
    func noWhereFails() throws {
        let body = "DELETE FROM t;\nUPDATE t\nSET x = 1;"
        let findings = try LintFixture.lint(4, body: body)
        let rule = findings.rule("no-where")
        #expect(rule.map(\.line) == [LintFixture.firstBodyLine, LintFixture.firstBodyLine + 1], "\(findings)")
        #expect(rule.allSatisfy { $0.severity == .warning })
        #expect(findings.errors.isEmpty, "\(findings)")
    }

    @Test("no-where: DELETE and UPDATE with WHERE pass")
    func noWherePasses() throws {
        let body = "DELETE FROM t WHERE x IS NULL;\nUPDATE t SET x = 1 WHERE x = 0;"
        let findings = try LintFixture.lint(4, body: body)
        #expect(findings.rule("no-where").isEmpty, "\(findings)")
    }

    @Test("no-where: an UPDATE whose only WHERE is inside a subquery still changes every row")
    func noWhereSubquery() throws {
        let body = "UPDATE t SET x = (SELECT max(y) FROM u WHERE u.id = t.id);"
        let findings = try LintFixture.lint(4, body: body)
        #expect(findings.rule("no-where").map(\.line) == [LintFixture.firstBodyLine], "\(findings)")
    }

    // MARK: if-not-exists

    @Test("if-not-exists: CREATE TABLE and CREATE INDEX without IF NOT EXISTS are warnings at their lines")
    func ifNotExistsFails() throws {
        let body = "CREATE TABLE t (x TEXT);\nCREATE UNIQUE INDEX idx_t_x ON t(x);"
        let findings = try LintFixture.lint(4, body: body)
        let rule = findings.rule("if-not-exists")
        #expect(rule.map(\.line) == [LintFixture.firstBodyLine, LintFixture.firstBodyLine + 1], "\(findings)")
        #expect(rule.allSatisfy { $0.severity == .warning })
    }

    @Test("if-not-exists: IF NOT EXISTS, a rebuild's _new table and version 1 pass")
    func ifNotExistsPasses() throws {
        let guarded = try LintFixture.lint(4, body: "CREATE TABLE IF NOT EXISTS t (x TEXT);\nCREATE INDEX IF NOT EXISTS idx_t_x ON t(x);")
        #expect(guarded.rule("if-not-exists").isEmpty, "\(guarded)")
        let rebuild = try LintFixture.lint(4, body: "CREATE TABLE t_new (x TEXT);")
        #expect(rebuild.rule("if-not-exists").isEmpty, "\(rebuild)")
        let initial = try LintFixture.lint(1, body: "CREATE TABLE t (x TEXT);\nCREATE INDEX idx_t_x ON t(x);")
        #expect(initial.rule("if-not-exists").isEmpty, "\(initial)")
    }

    // MARK: rebuild-rename-first

    @Test("rebuild-rename-first: renaming the old table away before creating the new one is an error at the rename")
    func renameFirstFails() throws {
        let body = """
            ALTER TABLE t RENAME TO t_old;
            CREATE TABLE IF NOT EXISTS t (x TEXT, y TEXT);
            INSERT INTO t (x) SELECT x FROM t_old;
            DROP TABLE t_old;
            """
        let findings = try LintFixture.lint(4, body: body)
        let rule = findings.rule("rebuild-rename-first")
        #expect(rule.count == 1, "\(findings)")
        #expect(rule.first?.severity == .error)
        #expect(rule.first?.line == LintFixture.firstBodyLine)
    }

    @Test("rebuild-rename-first: create _new, copy, drop, rename (SQLite's procedure) passes")
    func renameFirstPasses() throws {
        let body = """
            CREATE TABLE t_new (x TEXT, y TEXT);
            INSERT INTO t_new (x) SELECT x FROM t;
            DROP TABLE t;
            ALTER TABLE t_new RENAME TO t;
            """
        let findings = try LintFixture.lint(4, body: body)
        #expect(findings.rule("rebuild-rename-first").isEmpty, "\(findings)")
        #expect(findings.errors.isEmpty, "\(findings)")
    }

    @Test("rebuild-rename-first with the folder's schemas: an error only when a child table refers to the table, a warning for a view, nothing when nothing refers to it",
          arguments: [("", nil, ""),
                      ("CREATE TABLE c (id INTEGER PRIMARY KEY, t_id INTEGER REFERENCES t(x));", MigrationLinter.Finding.Severity.error, "c"),
                      ("CREATE VIEW tv AS SELECT x FROM t;", MigrationLinter.Finding.Severity.warning, "view tv")])
    func renameFirstAsksTheSchema(extra: String, severity: MigrationLinter.Finding.Severity?, named: String) throws {
        try withTemporaryDirectory { dir in
            try write(LintFixture.text(1, body: "CREATE TABLE Schema_Version (version INTEGER PRIMARY KEY, applied_date TEXT, applied_by TEXT, description TEXT);\nCREATE TABLE t (x TEXT PRIMARY KEY);\n" + extra),
                      to: dir + "/001_initial.sql")
            try write(LintFixture.text(2, body: """
                ALTER TABLE t RENAME TO t_old;
                CREATE TABLE IF NOT EXISTS t (x TEXT PRIMARY KEY, y TEXT);
                INSERT INTO t (x) SELECT x FROM t_old;
                DROP TABLE t_old;
                """), to: dir + "/002_rebuild_t.sql")
            let folder = try MigrationFolder.load(dir)
            let expected = try ExpectedSchemas.replay(folder)
            let rule = try MigrationLinter.lint(path: dir + "/002_rebuild_t.sql", expected: expected).rule("rebuild-rename-first")
            if let severity {
                #expect(rule.count == 1 && rule.first?.severity == severity && rule.first?.message.contains(named) == true, "\(rule)")
            } else {
                #expect(rule.isEmpty, "\(rule)")
            }
        }
    }

    // MARK: rebuild-indexes (needs the expected schemas of a whole folder)

    /// A copy of the repository's folder in `dir` whose 006 is edited by `edit`; the lint of
    /// that 006 against the copy's expected schemas.
    func lintEdited006(in dir: String, _ edit: (String) -> String) throws -> [MigrationLinter.Finding] {
        let folder = dir + "/migrations"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        for name in try FileManager.default.contentsOfDirectory(atPath: repositoryMigrations) {
            try FileManager.default.copyItem(atPath: repositoryMigrations + "/" + name, toPath: folder + "/" + name)
        }
        let path = folder + "/006_change_capacity_precision.sql"
        let original = try String(contentsOfFile: path, encoding: .utf8)
        let edited = edit(original)
        try #require(edited != original, "the edit changed nothing")
        try write(edited, to: path)
        let expected = try ExpectedSchemas.build(try MigrationFolder.load(folder))
        try #require(expected.replayError == nil, "\(expected.replayError ?? "")")
        return try MigrationLinter.lint(path: path, expected: expected)
    }

    @Test("rebuild-indexes: a rebuild that forgets to recreate an index is a warning naming it")
    func rebuildIndexesFails() throws {
        let findings = try withTemporaryDirectory { dir in
            try lintEdited006(in: dir) { $0.replacingOccurrences(of: "CREATE INDEX idx_products_vendor ON Products(vendor_id);\n", with: "") }
        }
        let rule = findings.rule("rebuild-indexes")
        #expect(rule.count == 1, "\(findings)")
        #expect(rule.first?.severity == .warning)
        #expect(rule.first?.message.contains("idx_products_vendor") == true, "\(rule)")
        #expect(findings.errors.isEmpty, "\(findings)")
    }

    @Test("rebuild-triggers: a rebuild that forgets to recreate a trigger is a warning naming it")
    func rebuildTriggersFails() throws {
        let trigger = """
            CREATE TRIGGER trg_products_modified
            AFTER UPDATE OF product_name, vendor_id, reactor_type, thermal_capacity, thermal_efficiency, burnup, design_status, notes ON Products
            FOR EACH ROW
            WHEN NEW.modified_date IS OLD.modified_date
            BEGIN
                UPDATE Products SET modified_date = CURRENT_TIMESTAMP WHERE product_id = NEW.product_id;
            END;

            """
        let findings = try withTemporaryDirectory { dir in
            try lintEdited006(in: dir) { $0.replacingOccurrences(of: trigger, with: "") }
        }
        let rule = findings.rule("rebuild-triggers")
        #expect(rule.count == 1, "\(findings)")
        #expect(rule.first?.message.contains("trg_products_modified") == true, "\(rule)")
    }

    @Test("rebuild-indexes: the shipped 006 and 008 recreate everything they drop")
    func rebuildIndexesPasses() throws {
        let folder = try MigrationFolder.load(repositoryMigrations)
        let expected = try ExpectedSchemas.build(folder)
        for version in [6, 8] {
            let path = try #require(folder.migrations[version]).path
            let findings = try MigrationLinter.lint(path: path, expected: expected)
            #expect(findings.filter { $0.rule.hasPrefix("rebuild-") }.isEmpty, "\(path): \(findings)")
        }
    }

    // MARK: The repository

    /// 008 drops `cod` (copied into commercial_operation_date by 007): sealed, the data-drop
    /// finding is a warning; as a draft it would be an error.
    @Test("the repository's migrations lint with no errors (sealed: 008's drop of cod is a warning)")
    func repositoryLintsClean() throws {
        let folder = try MigrationFolder.load(repositoryMigrations)
        let expected = try ExpectedSchemas.build(folder)
        let names = try FileManager.default.contentsOfDirectory(atPath: repositoryMigrations).filter { $0.hasSuffix(".sql") }.sorted()
        #expect(names.count == 8, "\(names)")
        for name in names {
            let sealed = folder.checksums?.sums[name] != nil
            #expect(sealed, "\(name) is not in migsh.sum")
            let findings = try MigrationLinter.lint(path: repositoryMigrations + "/" + name, expected: expected, sealed: sealed)
            #expect(findings.errors.isEmpty, "\(name): \(findings.errors)")
            let drops = findings.filter { $0.rule == "data-drop" }
            #expect(drops.map(\.line) == (name.hasPrefix("008") ? [79] : []), "\(name): \(drops)")
            if name.hasPrefix("008") {
                let draft = try MigrationLinter.lint(path: repositoryMigrations + "/" + name, expected: expected, sealed: false)
                #expect(draft.errors.map(\.rule) == ["data-drop"] && draft.errors.first?.message.contains("Projects.cod") == true, "\(draft.errors)")
            }
        }
    }
}
