import Foundation
import MigshTestSupport
import Testing
@testable import MigshCore

/// The operations of `MigshCore/Operations` on real files: a small migrations folder, a
/// database at version 1, its backups and audit log. What they leave is read back with
/// sqlite3 (the database) and as JSON lines (the audit log), never through migsh.
private final class Fixture {
    let dir: String
    let db: String
    let workspace: Workspace

    /// `extra` migrations after the three well-formed ones (version 4 on), and SQL run on the
    /// database at version 1 before the workspace opens it.
    init(dir: String, migration3: String = "CREATE TABLE three(x);", setup: String = "") throws {
        self.dir = dir
        db = dir + "/app.sqlite"
        let folder = dir + "/migrations"
        try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
        let bodies = ["CREATE TABLE Schema_Version (version INTEGER PRIMARY KEY, applied_date TEXT, applied_by TEXT, description TEXT);\nCREATE TABLE one(x);",
                      "CREATE TABLE two(x);", migration3]
        for (i, body) in bodies.enumerated() {
            try write(migrationText(i + 1, body: body), to: folder + "/00\(i + 1)_test_\(i + 1).sql")
        }
        // Version 1, made by hand as an application would, through sqlite3 itself.
        let created = try sqlite3(db, (try String(contentsOfFile: folder + "/001_test_1.sql", encoding: .utf8)) + "\n" + setup)
        #expect(created.status == 0)
        let connection = try Connection(path: db, mode: .readWrite)
        workspace = Workspace(db: connection, databasePath: db, migrationsPath: folder,
                              backups: BackupStore(directory: dir + "/snapshots"), audit: try AuditLog(path: db + "-audit.jsonl"),
                              user: "tester")
    }

    /// MAX(version) in Schema_Version, as sqlite3 reads the file.
    var version: String { (try? sqlite3(db, "SELECT MAX(version) FROM Schema_Version;").stdout.trimmingCharacters(in: .whitespacesAndNewlines)) ?? "?" }

    /// The audit log's entries of `event`, parsed as JSON.
    func audited(_ event: String) throws -> [[String: Any]] {
        let text = (try? String(contentsOfFile: db + "-audit.jsonl", encoding: .utf8)) ?? ""
        return try text.split(separator: "\n").compactMap { line in
            let object = try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any]
            return object?["event"] as? String == event ? object : nil
        }
    }
}

/// `sqlite3 -batch DB SQL` (the SQL led by a space: sqlite3 takes an argument starting with
/// `-`, a file's `-- comment`, for an option).
private func sqlite3(_ db: String, _ sql: String) throws -> (status: Int32, stdout: String) {
    try ChildProcess.output(of: "/usr/bin/sqlite3", ["-batch", db, " " + sql])
}

/// Records the questions it is asked, and answers them.
private final class RecordingConfirmer: Confirming {
    var questions: [Question] = []
    let answer: Bool
    init(answer: Bool = true) { self.answer = answer }
    func confirm(_ question: Question) throws {
        questions.append(question)
        if !answer { throw ConfirmationDeclined(question.action) }
    }
}

@Suite("Operations: validated once, asked through the typed question, audited with a typed outcome",
       .enabled(if: shouldRun(needing: FileManager.default.isExecutableFile(atPath: "/usr/bin/sqlite3")), "sqlite3 is not installed"))
struct OperationsTests {
    @Test("Apply asks about exactly the validated migrations, runs those, and audits ok")
    func applyAuditsOk() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir: dir)
            let confirmer = RecordingConfirmer()
            let result = try Apply(f.workspace).run(.init(), confirming: confirmer)
            guard case .applied(let report, _) = result else { Issue.record("not applied: \(result)"); return }
            #expect(confirmer.questions.count == 1)
            guard case let .apply(plan, scripts, _, _)? = confirmer.questions.first else { Issue.record("not asked to apply"); return }
            #expect(plan.currentVersion == 1 && plan.requiredVersion == 3)
            #expect(scripts.map(\.migration.fileName) == ["002_test_2.sql", "003_test_3.sql"])
            #expect(report.applied.map(\.file) == scripts.map(\.migration.fileName))
            #expect(f.version == "3")
            let apply = try f.audited("apply")
            #expect(apply.count == 1)
            #expect(apply.last?["outcome"] as? String == "ok")
            #expect(apply.last?["version_before"] as? Int == 1 && apply.last?["version_after"] as? Int == 3)
            #expect(f.workspace.backupsTaken.count == 1)
        }
    }

    @Test("A migration that fails validation is refused before the question: nothing asked, run or audited as applied")
    func validationBeforeTheQuestion() throws {
        try withTemporaryDirectory { dir in
            // No Schema_Version insert of its own: validation must refuse the file.
            let f = try Fixture(dir: dir, migration3: "CREATE TABLE three(x);\nINSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (2, datetime('now'), 'system', 'wrong');")
            let confirmer = RecordingConfirmer()
            #expect {
                _ = try Apply(f.workspace).run(.init(), confirming: confirmer)
            } throws: { ($0 as? MigshError)?.code == .validation }
            #expect(confirmer.questions.isEmpty)
            #expect(f.version == "1")
            #expect(try f.audited("apply").isEmpty)
        }
    }

    @Test("A migration that fails while running: restored, exit status 4, audited as error")
    func failureAuditsError() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir: dir, migration3: "INSERT INTO no_such_table VALUES (1);")
            var thrown: (any Error)?
            do { _ = try Apply(f.workspace).run(.init(), confirming: AlwaysYes()) } catch { thrown = error }
            let error = try #require(thrown)
            #expect(ExitStatus(error) == .migrationFailed)
            #expect(f.version == "1")
            let apply = try f.audited("apply")
            #expect(apply.count == 1)
            #expect(apply.last?["outcome"] as? String == "error")
            #expect(apply.last?["version_after"] as? Int == 1)
        }
    }

    @Test("A no to the question changes nothing and is not audited as an apply (the shell audits the command as declined)")
    func declinedChangesNothing() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir: dir)
            #expect(throws: ConfirmationDeclined.self) {
                _ = try Apply(f.workspace).run(.init(), confirming: RecordingConfirmer(answer: false))
            }
            #expect(f.version == "1")
            #expect(try f.audited("apply").isEmpty)
            #expect(f.workspace.backupsTaken.isEmpty)
        }
    }

    @Test("The consistency policy: a hand-made index (drift) is a warning before the question, and the update goes on")
    func driftIsAWarning() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir: dir, setup: "CREATE INDEX handmade ON one(x);")
            var warned: [Verdict.State] = []
            let confirmer = RecordingConfirmer()
            let result = try Apply(f.workspace).run(.init(), confirming: confirmer) { event in
                if case .warning(let verdict) = event {
                    #expect(confirmer.questions.isEmpty, "the warning comes before the question")
                    warned.append(verdict.state)
                }
            }
            guard case .applied = result else { Issue.record("not applied: \(result)"); return }
            #expect(warned == [.drift])
            #expect(f.version == "3")
        }
    }

    @Test("The consistency policy: version rows without their changes are refused with the verdict attached, before the question")
    func inconsistentIsRefused() throws {
        try withTemporaryDirectory { dir in
            // Schema_Version says 2, but table `two` was never made.
            let f = try Fixture(dir: dir, setup: "INSERT INTO Schema_Version VALUES (2, datetime('now'), 'x', 'by hand');")
            let confirmer = RecordingConfirmer()
            var thrown: MigshError?
            do { _ = try Apply(f.workspace).run(.init(), confirming: confirmer) } catch let e as MigshError { thrown = e }
            let error = try #require(thrown)
            #expect(error.code == .refused)
            #expect(error.verdict != nil && error.verdict?.state != .consistent)
            #expect(error.details.isEmpty, "the verdict is attached as a value, not as text lines")
            #expect(confirmer.questions.isEmpty)
            #expect(f.version == "2")
        }
    }

    @Test("Repair removes a hand-made index after the typed question, and audits ok")
    func repairAuditsOk() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir: dir, setup: "CREATE INDEX handmade ON one(x);")
            let confirmer = RecordingConfirmer()
            let result = try Repair(f.workspace).run(confirming: confirmer)
            guard case .repair(let version, let plan)? = confirmer.questions.first else { Issue.record("not asked to repair"); return }
            #expect(version == 1 && plan.statements == result.report.statements)
            #expect(try sqlite3(f.db, "SELECT count(*) FROM sqlite_schema WHERE name = 'handmade';").stdout == "0\n")
            #expect(try f.audited("repair").last?["outcome"] as? String == "ok")
        }
    }

    @Test("Restore puts back the newest backup after the typed question, and audits ok")
    func restoreAuditsOk() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir: dir)
            _ = try Apply(f.workspace).run(.init(), confirming: AlwaysYes())
            #expect(f.version == "3")
            let confirmer = RecordingConfirmer()
            let report = try Restore(f.workspace).run(.latest, allowOther: false, confirming: confirmer)
            guard case .restore(let candidate, _, let current)? = confirmer.questions.first else { Issue.record("not asked to restore"); return }
            #expect(candidate.backup.schemaVersion == 1 && current == 3)
            #expect(report.toVersion == 1)
            #expect(f.version == "1")
            #expect(try f.audited("restore").last?["outcome"] as? String == "ok")
        }
    }

    @Test("Baseline refuses version rows the schema does not show, naming why; nothing asked or recorded")
    func baselineRefusesUnconfirmed() throws {
        try withTemporaryDirectory { dir in
            let f = try Fixture(dir: dir)
            let confirmer = RecordingConfirmer()
            var differences = 0
            #expect {
                _ = try Baseline(f.workspace).run(version: 3, force: false, confirming: confirmer) { event in
                    if case .differences(let diff, _) = event { differences = diff.changes.count }
                }
            } throws: { ($0 as? MigshError)?.code == .refused }
            #expect(differences == 2)
            #expect(confirmer.questions.isEmpty)
            #expect(f.version == "1")
            #expect(try f.audited("baseline").isEmpty)
        }
    }

    @Test("Baseline records what the schema shows after the typed question, and audits ok")
    func baselineAuditsOk() throws {
        try withTemporaryDirectory { dir in
            // Version 2's table made by hand: the schema is version 2's, Schema_Version says 1.
            let f = try Fixture(dir: dir, setup: "CREATE TABLE two(x);")
            let confirmer = RecordingConfirmer()
            let result = try Baseline(f.workspace).run(version: 2, force: false, confirming: confirmer)
            guard case let .baseline(check, reasons)? = confirmer.questions.first else { Issue.record("not asked to baseline"); return }
            #expect(check.version == 2 && reasons.isEmpty)
            #expect(result.recorded == [2])
            #expect(f.version == "2")
            let audited = try f.audited("baseline")
            #expect(audited.count == 1 && audited.last?["outcome"] as? String == "ok")
        }
    }
}

@Suite("A way out's safety is a typed property")
struct WayOutSafetyTests {
    @Test("a safe way out assumes and loses nothing; an assumption added makes it conditional, and no longer the recommended one")
    func assumingMakesItConditional() {
        var repair = WayOut(action: .repair, effect: "recreates the index", safety: .safe)
        #expect(repair.safety == .safe && repair.assumes.isEmpty && repair.loses.isEmpty)
        repair.assume("the edited file describes what was applied")
        repair.assume("the edited file describes what was applied")
        #expect(repair.safety == .conditional(assumes: ["the edited file describes what was applied"], loses: []))
        #expect(repair.assumes == ["the edited file describes what was applied"])
        let restore = WayOut(action: .repair, effect: "restores", safety: .conditional(assumes: [], loses: ["every change since"]))
        #expect(restore.loses == ["every change since"] && restore.safety != .safe)
    }
}
