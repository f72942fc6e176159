import ArgumentParser
import Foundation
import MigshCore

/// `.apply [--to N] [--dry-run] [--yes]`: the spec's apply flow (§4.2–§4.3), done safely
/// by `Migrator`.
struct ApplyCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".apply",
        abstract: "Apply the pending migrations: confirm, verified backup, apply in one locked transaction, verify.",
        discussion: "Example: .apply --to 6 --dry-run")

    /// The report of what ran, or with --dry-run the plan.
    enum Output: CommandOutput {
        case report(Migrator.Report)
        case dryRun(DryRun)
        static let jsonDescription = "one JSON object: from_version, to_version, the migrations applied and the backup; with --dry-run, the migrations and statements that would run"
        func encode(to encoder: any Encoder) throws {
            switch self {
            case .report(let report): try report.encode(to: encoder)
            case .dryRun(let plan): try plan.encode(to: encoder)
            }
        }
    }

    struct DryRun: Encodable {
        var fromVersion: Int, toVersion: Int, dryRun = true
        var migrations: [Step]
        struct Step: Encodable { var version: Int; var file: String; var statements: [String]; var findings: [String] }
    }

    @Option(name: .customLong("to"), help: ArgumentHelp("Stop at this version (default: the required version).", valueName: "version"), completion: .versions(pendingOnly: true))
    var to: Int?

    @Flag(name: .customLong("dry-run"), help: "Print the plan and the statements that would run; change nothing.")
    var dryRun = false

    @Flag(name: .customLong("resume"), help: "Finish what has not run, statement by statement, as .diff's evidence shows; then the rest.")
    var resume = false

    @OptionGroup var confirmation: ConfirmationOptions

    /// Benchmarks only: time the apply step without its backup. Hidden, audited.
    @Flag(name: .customLong("no-backup"), help: .hidden)
    var noBackup = false

    /// `.apply --resume`: the statements of a partially applied state that have not run, as
    /// the investigation settles them; refused when any statement it would skip or run
    /// cannot be settled.
    func resumePlan(_ shell: Shell, folder: MigrationFolder, plan: MigrationPlan) throws -> (ResumePlan, String) {
        let verdict = try shell.session.investigation(folder).verdict()
        guard let resume = verdict.resume else {
            let reason = verdict.noSafeOption.map { "cannot resume safely: \($0)" } ?? "nothing to resume: \(verdict.message)"
            throw MigshError(.refused, reason + "; nothing was changed",
                             details: VerdictText.render(verdict, backupsFolder: shell.session.backupStore.directory).split(separator: "\n").map(String.init))
        }
        guard resume.endVersion <= plan.requiredVersion else {
            throw MigshError(.usage, "the state to finish reaches version \(resume.endVersion), beyond the target \(plan.requiredVersion)")
        }
        var note = "RESUMING (\(verdict.message)):\n"
        for (step, e) in zip(resume.steps, verdict.evidence) {
            let run = step.statements.sorted()
            note += "  \(e.file): " + (run.isEmpty ? "nothing to run" : "runs statement\(run.count == 1 ? "" : "s") \(run.map(String.init).joined(separator: ", "))")
            if !step.refills.isEmpty { note += " (emptying \(step.refills.sorted { $0.key < $1.key }.map { "\($0.value) before statement \($0.key)" }.joined(separator: ", ")): its copy is stale)" }
            if !step.skipped.isEmpty { note += "; skips \(step.skipped.map(String.init).joined(separator: ", ")) (they ran, or their effect is present)" }
            note += "\n"
        }
        return (resume, note)
    }

    /// A plain `.apply` on a database that is not in the state its Schema_Version records
    /// would run migrations over a partial or hand-made state: refused, with the verdict.
    func refuseUnlessConsistent(_ shell: Shell, folder: MigrationFolder, plan: MigrationPlan) throws {
        // Only the recorded version's schema is needed to see that all is well: the pending
        // migrations are not replayed for that.
        let recorded = try ExpectedSchemas.build(folder, through: plan.currentVersion)
        guard plan.currentVersion < recorded.versions.count else { return }
        if try SchemaSnapshot.read(shell.session.db) == recorded.versions[plan.currentVersion] { return }
        let verdict = try shell.session.investigation(folder).verdict()
        switch verdict.state {
        case .consistent:
            return
        case .drift, .unknown:
            shell.note("warning: " + verdict.message + " (.diff shows the differences)")
        default:
            throw MigshError(.refused, "the database is not in the state its Schema_Version records: \(verdict.message); nothing was changed",
                             details: VerdictText.render(verdict, backupsFolder: shell.session.backupStore.directory).split(separator: "\n").map(String.init))
        }
    }

    func run(in shell: Shell) throws {
        let session = shell.session
        if !dryRun {
            try session.refuseUnlessWritable(".apply")
        }
        let folder = try session.loadFolder()
        let target = try to ?? session.requiredVersion(folder)
        if target > folder.highestVersion || target < 0 {
            throw MigshError(.usage, ".apply --to \(target): the migrations go from 1 to \(folder.highestVersion)")
        }
        let plan = try session.plan(folder, to: target)
        if let to, plan.currentVersion > to {
            // Only a way back that exists is named.
            let back = session.ownBackups().contains { $0.schemaVersion == to }
                ? "To go back, restore this database's backup at version \(to): .restore --version \(to)"
                : "No backup of this database at version \(to) exists (.backups lists them)."
            throw MigshError(.refused, ".apply --to \(to): the database is already at version \(plan.currentVersion); migrations only go forward. " + back)
        }
        if plan.status == .databaseNewer {
            throw MigshError(.databaseTooNew, DatabaseTooNew.message(current: plan.currentVersion, required: plan.requiredVersion))
        }
        let migrator = Migrator(db: session.db, folder: folder, store: session.backupStore)
        var scripts: [MigrationScript]
        var resumeNote = ""
        var resumePlan: ResumePlan?
        var judgedAt: Int64?
        if resume {
            judgedAt = try session.db.scalarInt("PRAGMA data_version")
            let (planned, note) = try self.resumePlan(shell, folder: folder, plan: plan)
            scripts = try migrator.resumeScripts(planned, plan: plan)
            resumePlan = planned
            resumeNote = note
        } else {
            scripts = try migrator.validatedScripts(plan)
            if !scripts.isEmpty { try refuseUnlessConsistent(shell, folder: folder, plan: plan) }
        }
        if scripts.isEmpty {
            try Self.emit(.report(Migrator.Report(fromVersion: plan.currentVersion, toVersion: plan.currentVersion, applied: [],
                                                   backup: nil, dryRun: dryRun, warnings: [])), in: shell) {
                let requires = (try? session.requiredVersion(folder)) ?? plan.requiredVersion
                return requires > plan.requiredVersion
                    ? "nothing to apply up to version \(plan.requiredVersion): the database is at \(plan.currentVersion) (\(requires - plan.currentVersion) more pending up to \(requires))"
                    : "no pending migrations: version \(plan.currentVersion) is up to date"
            }
            return
        }
        if dryRun {
            let value = DryRun(fromVersion: plan.currentVersion, toVersion: plan.requiredVersion, migrations: scripts.map {
                .init(version: $0.migration.version, file: $0.migration.fileName,
                      statements: $0.body.map { $0.sql.trimmingCharacters(in: .whitespacesAndNewlines) },
                      findings: $0.findings.map { $0.description })
            })
            // The prose wraps; the SQL is printed as the files hold it, never re-wrapped.
            let width = shell.outputWidth
            try Self.emit(.dryRun(value), in: shell, wrap: false) {
                var text = resumeNote + "dry run: would apply \(scripts.count) migration\(scripts.count == 1 ? "" : "s"), version \(plan.currentVersion) → \(plan.requiredVersion), after a verified backup; nothing was changed"
                text = wrapText(text, width: width) + "\n"
                for s in scripts {
                    // Comments: each continuation starts with `-- ` too, so the whole stays SQL.
                    text += "\n" + sqlComment("\(s.migration.fileName) (\(s.body.count) statements, in one transaction with foreign-key enforcement off)", width: width)
                    for f in s.findings { text += sqlComment("\(f.severity.rawValue): \(f)", width: width) }
                    for st in s.body { text += st.sql.trimmingCharacters(in: .whitespacesAndNewlines) + "\n" }
                }
                return text
            }
            return
        }
        // The plan's warnings (a DROP TABLE, a DELETE) come before the question, not after the work.
        let warnings = scripts.flatMap { s in s.warnings.map { "warning: \(s.migration.fileName): \($0)" } }
        let requires = try? session.requiredVersion(folder)
        let width = Terminal.width(fd: 2, interactive: session.configuration.interactive)
        try shell.confirm(Confirmation(.apply, plan: UpdateRequired.text(plan, width: width, applicationRequires: requires) + resumeNote,
                                       warnings: warnings, question: "Update database?"), yes: confirmation.yes)

        var options = Migrator.Options(targetVersion: plan.requiredVersion, user: session.user)
        options.busyTimeoutMS = Int(session.configuration.busyTimeoutMS)
        options.skipBackup = noBackup
        options.judgedAtDataVersion = judgedAt
        let skipped = noBackup ? "skipped (--no-backup)" : nil
        let progress = shell.progress
        defer { progress.end() }
        var done = 0
        do {
            let report = try migrator.apply(plan, options: options, resume: resumePlan) { event in
                switch event {
                case .backupProgress(let p):
                    shell.showBackupProgress(p, what: "verified backup")
                case .backupCreated(let b):
                    session.noteBackup(b.path)
                case .migrationStarted(let m):
                    progress.begin("applying \(String(format: "%03d", m.version)) (\(done + 1) of \(scripts.count))")
                case let .statementStarted(m, n, total):
                    progress.begin("applying \(String(format: "%03d", m.version)) (\(done + 1) of \(scripts.count)), statement \(n) of \(total)")
                    progress.update(fraction: Double(done) / Double(scripts.count) + Double(n - 1) / Double(max(1, total)) / Double(scripts.count))
                case .migrationFinished(let m, let ms):
                    done += 1
                    if !shell.json { shell.note("  \(m.fileName): ok (\(ms) ms)") }
                case .restoredFromBackup(let path):
                    if !shell.json { shell.note("Restored from \(path)") }
                }
            }
            progress.end()
            session.log(Audit.Apply(change: Audit.Change(versionBefore: plan.currentVersion, versionAfter: report.toVersion, outcome: .ok,
                                                         backup: report.backup?.path ?? skipped),
                                    target: plan.requiredVersion, applied: report.applied.map(\.file), resumed: resume))
            try Self.emit(.report(report), in: shell) {
                var text = "applied \(report.applied.count) migration\(report.applied.count == 1 ? "" : "s"): version \(report.fromVersion) → \(report.toVersion)\n"
                if let b = report.backup { text += "backup: \(displayPath(b.path))\n" }
                return text
            }
        } catch let error as MigshError {
            session.log(Audit.Apply(change: Audit.Change(versionBefore: plan.currentVersion, versionAfter: session.currentVersion,
                                                         outcome: error.code == .interrupted ? .interrupted : .error, error: error.message,
                                                         backup: error.code == .interrupted ? nil : error.backupPath ?? skipped),
                                    target: plan.requiredVersion, applied: [], resumed: resume))
            var e = error
            if e.code == .migrationFailed { e.message = "MIGRATION FAILED: " + e.message }
            if let path = error.backupPath { e.details.append("Backup location: \(path)") }
            throw e
        }
    }
}
