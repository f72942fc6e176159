/// `.diff [VERSION] [--sql]`: the live schema against the schema the migrations produce at
/// VERSION (default: the recorded version), and the verdict with its ways out. Only reads.
public struct Diff {
    public enum Result {
        /// SQLite reports the database damaged: the verdict, and nothing to compare.
        case damaged(Verdict)
        /// Schema_Version records a version beyond every migration here.
        case tooNew(Verdict, version: Int, required: Int)
        /// `--sql`: what makes the indexes, views and triggers those of `version`.
        case repairSQL(version: Int, SchemaRepair)
        case compared(version: Int, SchemaDiff, Verdict)
    }

    public let workspace: Workspace
    public init(_ workspace: Workspace) { self.workspace = workspace }

    /// `replayProblem`: told when a migration could not be replayed (the comparison goes on).
    public func run(version: Int?, sql: Bool, replayProblem: (String) -> Void = { _ in }) throws -> Result {
        let w = workspace
        let investigation = try w.investigation(try w.loadFolder())
        let expected = investigation.expected
        if let problem = expected.replayError { replayProblem(problem) }
        let (verdict, judgedSchema) = try investigation.judge()
        if verdict.state == .damaged { return .damaged(verdict) }
        let v = version ?? verdict.recordedVersion
        // A database newer than every migration here: the contract's "too new" (exit 3), not a usage error.
        if version == nil, v > investigation.folder.highestVersion {
            return .tooNew(verdict, version: v, required: try w.requiredVersion(investigation.folder))
        }
        guard v >= 0, v < expected.versions.count else {
            throw MigshError(.usage, ".diff \(v): the migrations produce versions 0 to \(expected.highestVersion)")
        }
        let live = try judgedSchema ?? SchemaSnapshot.read(w.db)
        if sql { return .repairSQL(version: v, SchemaRepair(live: live, expected: expected.versions[v])) }
        return .compared(version: v, SchemaDiff(live: live, expected: expected.versions[v]), verdict)
    }
}
