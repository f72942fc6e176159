/// `.repair`: recreate drifted indexes, views and triggers from the recorded version's
/// schema, after the question, with a verified backup, in one transaction; differences in
/// tables are refused (they hold data). Audited, whatever the outcome.
public struct Repair {
    public struct Result {
        public var report: Migrator.RepairResult
        /// What was repaired (nothing when the objects were the version's already).
        public var repaired: SchemaRepair
    }

    public let workspace: Workspace
    public init(_ workspace: Workspace) { self.workspace = workspace }

    public func run(confirming: some Confirming, events: @escaping (Migrator.Event) -> Void = { _ in }) throws -> Result {
        let w = workspace
        try w.refuseUnlessWritable(".repair")
        let folder = try w.loadFolder()
        let expected = try ExpectedSchemas.build(folder)
        let version = try SchemaVersionTable.currentVersion(w.db)
        guard version <= expected.highestVersion else {
            throw MigshError(.refused, "Schema_Version says \(version), but the migrations here produce versions 0 to \(expected.highestVersion)")
        }
        let plan = SchemaRepair(live: try SchemaSnapshot.read(w.db), expected: expected.versions[version])
        if plan.isEmpty && plan.isComplete {
            return Result(report: Migrator.RepairResult(version: version, statements: [], backup: nil), repaired: plan)
        }
        // Differences in tables are not asked about: the migrator refuses them, audited below.
        if plan.isComplete { try confirming.confirm(.repair(version: version, plan)) }
        do {
            let report = try w.migrator(folder).repair(plan, version: version, expected: expected,
                                                       options: w.options(targetVersion: version), events: events)
            if let b = report.backup { w.noteBackup(b.path) }
            w.log(Audit.Repair(version: version, statements: report.statements, outcome: .ok, backup: report.backup?.path))
            return Result(report: report, repaired: plan)
        } catch let error as MigshError {
            w.log(Audit.Repair(version: version, statements: plan.statements, outcome: error.code == .interrupted ? .interrupted : .error,
                               error: error.message, backup: error.backupPath))
            throw error
        }
    }
}
