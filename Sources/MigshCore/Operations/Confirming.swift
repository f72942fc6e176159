/// What an operation asks before it changes a database, as values: the shell words each one
/// (a `Confirmation`: plan, warnings, question) and asks it, or `--yes` answers it.
public enum Question: Sendable {
    /// `.apply`: the plan and the validated scripts (their warnings come before the question);
    /// with `.apply --resume`, what the evidence says is left to run.
    case apply(plan: MigrationPlan, scripts: [MigrationScript], resume: Apply.Resumption?, applicationRequires: Int?)
    /// `.restore`: the backup, over the database at `currentVersion`.
    case restore(Restorer.Candidate, database: String, currentVersion: Int?)
    /// `.baseline N`; `reasons` are why it cannot be confirmed (a forced baseline), else empty.
    case baseline(Migrator.BaselineCheck, reasons: [Baseline.Reason])
    /// `.repair`: the statements that make the indexes, views and triggers version N's.
    case repair(version: Int, SchemaRepair)

    public var action: Confirmation.Action {
        switch self {
        case .apply: return .apply
        case .restore: return .restore
        case .baseline: return .baseline
        case .repair: return .repair
        }
    }
}

/// Asks a question before a change. Returns when the answer is yes; throws
/// `ConfirmationDeclined` for a no, or an error when no one can answer (batch mode without
/// `--yes`).
public protocol Confirming {
    func confirm(_ question: Question) throws
}

/// Answers every question yes (`--yes`, tests).
public struct AlwaysYes: Confirming {
    public init() {}
    public func confirm(_ question: Question) throws {}
}
