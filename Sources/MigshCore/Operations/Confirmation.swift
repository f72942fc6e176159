/// A question migsh asks before it changes a database: what it will do, the warnings that
/// come before the question (a DROP TABLE, another database's backup), and the question.
/// The core builds none of the words; the shell asks it, or `--yes` answers it.
public struct Confirmation: Sendable, Equatable {
    public enum Action: String, Sendable {
        case apply, restore, baseline, repair
    }
    public var action: Action
    /// What it will do (the plan), one or more lines.
    public var plan: String
    /// Said before the question, each on a line of its own; with `--yes`, said all the same.
    public var warnings: [String]
    /// The question itself ("Update database?").
    public var question: String

    public init(_ action: Action, plan: String, warnings: [String] = [], question: String) {
        self.action = action; self.plan = plan; self.warnings = warnings; self.question = question
    }
}

/// The answer was no: nothing was changed. Not a failure of migsh's: the shell says it as a
/// notice, and the audit log records the action as declined.
public struct ConfirmationDeclined: Error, Sendable {
    public var action: Confirmation.Action
    public init(_ action: Confirmation.Action) { self.action = action }
}
