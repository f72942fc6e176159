/// `.test [--to N]`: the spec's §8 rehearsal (`Rehearsal`) of the pending migrations on a
/// private copy; the live database is only read. Audited.
public struct Rehearse {
    public enum Event {
        /// The rehearsal of `plan` up to `target` starts (it can take a while).
        case started(MigrationPlan, target: Int)
    }

    public let workspace: Workspace
    public init(_ workspace: Workspace) { self.workspace = workspace }

    /// The rehearsal's result, or nil when nothing is pending (the plan says at which version).
    public func run(to target: Int?, events: (Event) -> Void = { _ in }) throws -> (plan: MigrationPlan, target: Int, result: Rehearsal.Result?) {
        let w = workspace
        let folder = try w.loadFolder()
        let target = try target ?? w.requiredVersion(folder)
        let plan = try w.plan(folder, to: target)
        if plan.status == .databaseNewer {
            throw MigshError(.databaseTooNew, DatabaseTooNew.message(current: plan.currentVersion, required: plan.requiredVersion))
        }
        guard !plan.pending.isEmpty else { return (plan, target, nil) }
        var rehearsal = Rehearsal(databasePath: w.databasePath, folder: folder, user: w.user)
        rehearsal.busyTimeoutMS = w.busyTimeoutMS
        events(.started(plan, target: target))
        let result = try rehearsal.run(plan)
        w.log(Audit.Rehearsal(versionBefore: result.fromVersion, versionReached: result.toVersion, ok: result.ok))
        return (plan, target, result)
    }
}
