import ArgumentParser
import FoundationEssentials
import MigshBase
import MigshCore

/// `.apply [--to N] [--dry-run] [--resume] [--yes]`: the spec's apply flow (§4.2–§4.3), done
/// by the `Apply` operation; this file parses and renders.
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

    func run(in shell: Shell) throws {
        try ApplyCommand.perform(Apply.Request(target: to, resume: resume, dryRun: dryRun, skipBackup: noBackup), in: shell,
                                 confirming: ShellConfirming(shell: shell, yes: confirmation.yes))
    }

    /// Runs the `Apply` operation and renders what it reports: the policy's warning, the
    /// progress, the result as text or `--json`. The interactive start-up's update comes here too.
    static func perform(_ request: Apply.Request, in shell: Shell, confirming: some Confirming) throws {
        let progress = shell.progress
        defer { progress.end() }
        var done = 0
        var count = 1
        let result: Apply.Result
        do {
            result = try Apply(shell.session.workspace).run(request, confirming: confirming) { event in
                switch event {
                case .warning(let verdict):
                    shell.note(consistencyWarning(verdict))
                case .starting(let migrations):
                    count = max(1, migrations)
                case .progress(.backupProgress(let p)):
                    shell.showBackupProgress(p, what: "verified backup")
                case .progress(.backupCreated):
                    break
                case .progress(.migrationStarted(let m)):
                    progress.begin("applying \(zeroPadded(m.version)) (\(done + 1) of \(count))")
                case let .progress(.statementStarted(m, n, total)):
                    progress.begin("applying \(zeroPadded(m.version)) (\(done + 1) of \(count)), statement \(n) of \(total)")
                    progress.update(fraction: Double(done) / Double(count) + Double(n - 1) / Double(max(1, total)) / Double(count))
                case let .progress(.migrationFinished(m, ms)):
                    done += 1
                    if !shell.json { shell.note("  \(m.fileName): ok (\(ms) ms)") }
                case .progress(.restoredFromBackup(let path)):
                    if !shell.json { shell.note("Restored from \(path)") }
                }
            }
        } catch var e as MigshError {
            if e.code == .migrationFailed { e.message = "MIGRATION FAILED: " + e.message }
            if let path = e.backupPath { e.details.append("Backup location: \(path)") }
            throw e
        }
        progress.end()
        try render(result, dryRun: request.dryRun, in: shell)
    }

    /// The consistency policy's warning (`ConsistencyPolicy`), as `.apply` and the start-up say it.
    static func consistencyWarning(_ verdict: Verdict) -> String {
        "warning: " + verdict.message + " (.diff shows the differences)"
    }

    static func render(_ result: Apply.Result, dryRun: Bool, in shell: Shell) throws {
        switch result {
        case let .nothingToApply(plan, applicationRequires):
            let requires = applicationRequires ?? plan.requiredVersion
            try Self.emit(.report(Migrator.Report(fromVersion: plan.currentVersion, toVersion: plan.currentVersion, applied: [],
                                                   backup: nil, dryRun: dryRun, warnings: [])), in: shell) {
                requires > plan.requiredVersion
                    ? "nothing to apply up to version \(plan.requiredVersion): the database is at \(plan.currentVersion) (\(requires - plan.currentVersion) more pending up to \(requires))"
                    : "no pending migrations: version \(plan.currentVersion) is up to date"
            }
        case let .dryRun(plan, scripts, resume):
            try renderDryRun(plan, scripts: scripts, resume: resume, in: shell)
        case .applied(let report, _):
            try Self.emit(.report(report), in: shell) {
                var text = "applied \(report.applied.count) migration\(report.applied.count == 1 ? "" : "s"): version \(report.fromVersion) → \(report.toVersion)\n"
                if let b = report.backup { text += "backup: \(displayPath(b.path))\n" }
                return text
            }
        }
    }

    static func renderDryRun(_ plan: MigrationPlan, scripts: [MigrationScript], resume: Apply.Resumption?, in shell: Shell) throws {
        let value = DryRun(fromVersion: plan.currentVersion, toVersion: plan.requiredVersion, migrations: scripts.map {
            .init(version: $0.migration.version, file: $0.migration.fileName,
                  statements: $0.body.map { $0.sql.trimming(.whitespacesAndNewlines) },
                  findings: $0.findings.map { $0.description })
        })
        // The prose wraps; the SQL is printed as the files hold it, never re-wrapped.
        let width = shell.outputWidth
        try Self.emit(.dryRun(value), in: shell, wrap: false) {
            var text = (resume.map(ShellConfirming.resumeNote) ?? "") + "dry run: would apply \(scripts.count) migration\(scripts.count == 1 ? "" : "s"), version \(plan.currentVersion) → \(plan.requiredVersion), after a verified backup; nothing was changed"
            text = wrapText(text, width: width) + "\n"
            for s in scripts {
                // Comments: each continuation starts with `-- ` too, so the whole stays SQL.
                text += "\n" + sqlComment("\(s.migration.fileName) (\(s.body.count) statements, in one transaction with foreign-key enforcement off)", width: width)
                for f in s.findings { text += sqlComment("\(f.severity.rawValue): \(f)", width: width) }
                for st in s.body { text += st.sql.trimming(.whitespacesAndNewlines) + "\n" }
            }
            return text
        }
    }
}
