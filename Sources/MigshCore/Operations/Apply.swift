/// `.apply` (and `.apply --resume`, and the interactive start-up's update): the spec's apply
/// flow as one call, in the shape of GRDB's `DatabaseMigrator.migrate`. It plans, validates
/// the files once, applies the consistency policy, asks, and then `Migrator` backs up, runs
/// and verifies; the outcome is audited here, whatever it is.
public struct Apply {
    public struct Request: Sendable {
        /// `--to N`; nil: the required version.
        public var target: Int?
        /// `--resume`: finish a partly applied migration, as the evidence shows.
        public var resume = false
        /// `--dry-run`: plan and validate, change nothing.
        public var dryRun = false
        /// Benchmarks only (`--no-backup`): no backup before the change. Audited.
        public var skipBackup = false
        public init(target: Int? = nil, resume: Bool = false, dryRun: Bool = false, skipBackup: Bool = false) {
            self.target = target; self.resume = resume; self.dryRun = dryRun; self.skipBackup = skipBackup
        }
    }

    /// What `.apply --resume` runs, and the verdict that settled it.
    public struct Resumption: Sendable {
        public var plan: ResumePlan
        public var verdict: Verdict
    }

    public enum Event {
        /// The consistency policy's warning (drift, or a schema of no version): said before the question.
        case warning(Verdict)
        /// After the question: this many migrations (in part, for a resume) will run.
        case starting(migrations: Int)
        case progress(Migrator.Event)
    }

    public enum Result {
        /// Nothing is pending up to the plan's version; `applicationRequires` may be higher (`--to`).
        case nothingToApply(MigrationPlan, applicationRequires: Int?)
        /// `--dry-run`: what would run; nothing was changed.
        case dryRun(MigrationPlan, scripts: [MigrationScript], resume: Resumption?)
        case applied(Migrator.Report, resumed: Resumption?)
    }

    public let workspace: Workspace
    public init(_ workspace: Workspace) { self.workspace = workspace }

    public func run(_ request: Request, confirming: some Confirming, events: @escaping (Event) -> Void = { _ in }) throws -> Result {
        let w = workspace
        if !request.dryRun { try w.refuseUnlessWritable(".apply") }
        let folder = try w.loadFolder()
        let requires = try? w.requiredVersion(folder)
        let target = try request.target ?? w.requiredVersion(folder)
        if target > folder.highestVersion || target < 0 {
            throw MigshError(.usage, ".apply --to \(target): the migrations go from 1 to \(folder.highestVersion)")
        }
        let plan = try w.plan(folder, to: target)
        if let to = request.target, plan.currentVersion > to {
            // Only a way back that exists is named.
            let back = w.ownBackups().contains { $0.schemaVersion == to }
                ? "To go back, restore this database's backup at version \(to): .restore --version \(to)"
                : "No backup of this database at version \(to) exists (.backups lists them)."
            throw MigshError(.refused, ".apply --to \(to): the database is already at version \(plan.currentVersion); migrations only go forward. " + back)
        }
        if plan.status == .databaseNewer {
            throw MigshError(.databaseTooNew, DatabaseTooNew.message(current: plan.currentVersion, required: plan.requiredVersion))
        }
        let migrator = w.migrator(folder)
        // Validated once, here: what is asked about is what runs.
        let scripts: [MigrationScript]
        var resumption: Resumption?
        var judgedAt: Int64?
        if request.resume {
            judgedAt = try w.db.scalarInt("PRAGMA data_version")
            let resume = try resumePlan(folder, plan: plan)
            scripts = try migrator.resumeScripts(resume.plan, plan: plan)
            resumption = resume
        } else {
            scripts = try migrator.validatedScripts(plan)
            if !scripts.isEmpty {
                switch try w.consistency(folder, at: plan.currentVersion) {
                case .consistent: break
                case .warning(let verdict): events(.warning(verdict))
                case .refused(let verdict): throw ConsistencyPolicy.refusal(verdict)
                }
            }
        }
        if scripts.isEmpty { return .nothingToApply(plan, applicationRequires: requires) }
        if request.dryRun { return .dryRun(plan, scripts: scripts, resume: resumption) }

        try confirming.confirm(.apply(plan: plan, scripts: scripts, resume: resumption, applicationRequires: requires))

        var options = w.options(targetVersion: plan.requiredVersion)
        options.skipBackup = request.skipBackup
        options.judgedAtDataVersion = judgedAt
        let skipped = request.skipBackup ? "skipped (--no-backup)" : nil
        events(.starting(migrations: scripts.count))
        do {
            let report = try migrator.apply(validated: scripts, plan: plan, options: options, resume: resumption?.plan) { event in
                if case .backupCreated(let b) = event { w.noteBackup(b.path) }
                events(.progress(event))
            }
            w.log(Audit.Apply(change: Audit.Change(versionBefore: plan.currentVersion, versionAfter: report.toVersion, outcome: .ok,
                                                   backup: report.backup?.path ?? skipped),
                              target: plan.requiredVersion, applied: report.applied.map(\.file), resumed: request.resume))
            return .applied(report, resumed: resumption)
        } catch let error as MigshError {
            let interrupted = error.code == .interrupted
            w.log(Audit.Apply(change: Audit.Change(versionBefore: plan.currentVersion, versionAfter: w.currentVersion,
                                                   outcome: interrupted ? .interrupted : .error, error: error.message,
                                                   backup: interrupted ? nil : error.backupPath ?? skipped),
                              target: plan.requiredVersion, applied: [], resumed: request.resume))
            throw error
        }
    }

    /// `.apply --resume`: the statements of a partially applied state that have not run, as
    /// the investigation settles them; refused when any statement it would skip or run
    /// cannot be settled.
    func resumePlan(_ folder: MigrationFolder, plan: MigrationPlan) throws -> Resumption {
        let verdict = try workspace.investigation(folder).verdict()
        guard let resume = verdict.resume else {
            let reason = verdict.noSafeOption.map { "cannot resume safely: \($0)" } ?? "nothing to resume: \(verdict.message)"
            var error = MigshError(.refused, reason + "; nothing was changed")
            error.verdict = verdict
            throw error
        }
        guard resume.endVersion <= plan.requiredVersion else {
            throw MigshError(.usage, "the state to finish reaches version \(resume.endVersion), beyond the target \(plan.requiredVersion)")
        }
        return Resumption(plan: resume, verdict: verdict)
    }
}
