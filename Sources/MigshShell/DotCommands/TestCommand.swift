import ArgumentParser
import Foundation
import MigshCore

/// `.test [--to N]`: the spec's §8 rehearsal on a private copy taken with the online backup
/// API: apply the pending migrations there, report each one's time, row-count changes,
/// integrity and foreign-key results and the diff against the expected schema; then remove
/// the copy. The live database is only read.
struct TestCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".test",
        abstract: "Rehearse the pending migrations on a temporary copy; the live database is untouched.")

    @Option(name: .customLong("to"), help: "Rehearse up to this version (default: the required version).")
    var to: Int?

    struct Step: Encodable {
        var version: Int
        var file: String
        var durationMS: Int
        var ok: Bool
        var error: String?
        /// table → rows after minus rows before (only tables whose count changed, or that appeared/vanished).
        var rowChanges: [String: Int]
    }

    struct Result: Encodable {
        var fromVersion: Int
        var toVersion: Int
        var steps: [Step]
        var integrity: [String]
        var foreignKeyViolations: Int
        var schemaDifferences: [SchemaDiff.Change]
        var ok: Bool
    }

    func run(in shell: Shell) throws {
        let session = shell.session
        let folder = try session.loadFolder()
        let target = try to ?? session.requiredVersion(folder)
        let plan = try session.plan(folder, to: target)
        if plan.status == .databaseNewer {
            throw MigshError(.databaseTooNew, DatabaseTooNew.message(current: plan.currentVersion, required: plan.requiredVersion))
        }
        guard !plan.pending.isEmpty else {
            shell.out.write("nothing to rehearse: version \(plan.currentVersion) is up to date\n")
            return
        }
        _ = try Migrator(db: session.db, folder: folder, store: session.backupStore).validatedScripts(plan)

        // A private folder (0700) for the copy, removed whatever happens.
        var template = Array((NSTemporaryDirectory() + "migsh-rehearsal-XXXXXX").utf8CString)
        guard let dirPointer = mkdtemp(&template) else { throw MigshError(.io, "cannot create a temporary folder") }
        let dir = String(cString: dirPointer)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        let copyPath = dir + "/rehearsal.sqlite"
        let scratch = BackupStore(directory: dir)
        try scratch.create(fromDatabaseAt: session.configuration.databasePath, path: copyPath, reason: .manual,
                           busyTimeoutMS: Int(session.configuration.busyTimeoutMS))
        let copy = try Connection(path: copyPath, mode: .readWrite)

        var steps: [Step] = []
        var version = plan.currentVersion
        var failed = false
        for m in plan.pending {
            let before = try TestCommand.rowCounts(copy)
            let started = DispatchTime.now()
            var step = Step(version: m.version, file: m.fileName, durationMS: 0, ok: true, error: nil, rowChanges: [:])
            do {
                let one = try MigrationPlan(folder: folder, currentVersion: version, requiredVersion: m.version)
                var options = Migrator.Options(targetVersion: m.version, user: session.user)
                options.skipBackup = true
                _ = try Migrator(db: copy, folder: folder, store: scratch).apply(one, options: options)
                version = m.version
            } catch {
                step.ok = false
                step.error = (error as? MigshError).map { ([$0.message] + $0.details).joined(separator: " ") } ?? "\(error)"
                failed = true
            }
            step.durationMS = elapsedMS(since: started)
            let after = try TestCommand.rowCounts(copy)
            for table in Set(before.keys).union(after.keys) where before[table] != after[table] {
                step.rowChanges[table] = (after[table] ?? 0) - (before[table] ?? 0)
            }
            steps.append(step)
            if failed { break }
        }
        let integrity = try copy.integrityCheck()
        let violations = try copy.foreignKeyViolations().count
        let expected = try ExpectedSchemas.build(folder)
        let diff = version < expected.versions.count
            ? SchemaDiff(live: try SchemaSnapshot.read(copy), expected: expected.versions[version]) : SchemaDiff(live: SchemaSnapshot(), expected: SchemaSnapshot())
        let ok = !failed && integrity == ["ok"] && violations == 0 && diff.isEmpty
        let result = Result(fromVersion: plan.currentVersion, toVersion: version, steps: steps, integrity: integrity,
                            foreignKeyViolations: violations, schemaDifferences: diff.changes, ok: ok)
        session.log("test", ["version_before": plan.currentVersion, "version_reached": version, "ok": ok])
        try shell.emit(result) {
            var text = "rehearsal on a temporary copy (the live database is untouched): version \(plan.currentVersion) → \(target)\n"
            for s in steps {
                text += "\(s.ok ? "ok  " : "FAIL") \(s.file)  \(s.durationMS) ms"
                let changes = s.rowChanges.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value > 0 ? "+" : "")\($0.value)" }
                text += changes.isEmpty ? "  (no row-count changes)\n" : "  rows: " + changes.joined(separator: ", ") + "\n"
                if let e = s.error { text += "     \(e)\n" }
            }
            text += "integrity_check: \(integrity.prefix(5).joined(separator: "; "))\n"
            text += "foreign_key_check: \(violations == 0 ? "ok" : "\(violations) violation(s)")\n"
            text += diff.isEmpty ? "schema: equals the expected schema of version \(version)\n"
                : "schema: differs from version \(version):\n" + DiffCommand.render(diff, version: version)
            text += ok ? "rehearsal passed\n" : "rehearsal FAILED\n"
            return text
        }
        if !ok { throw MigshError(.checkFailed, "the rehearsal failed; the live database was not touched") }
    }

    static func rowCounts(_ db: Connection) throws -> [String: Int] {
        var counts: [String: Int] = [:]
        for table in try db.column("SELECT name FROM sqlite_schema WHERE type = 'table' AND name NOT LIKE 'sqlite_%'") {
            counts[table] = Int(try db.scalarInt("SELECT count(*) FROM \(quoteIdentifier(table))") ?? 0)
        }
        return counts
    }
}
