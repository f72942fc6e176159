import MigshCore

/// The operations' questions, worded and asked by the shell (`Session.confirm`): the plan,
/// then the warnings, then the question; `--yes` answers yes and the warnings are still said.
struct ShellConfirming: Confirming {
    let shell: Shell
    let yes: Bool

    func confirm(_ question: Question) throws {
        let width = Terminal.width(fd: 2, interactive: shell.session.configuration.interactive)
        try shell.confirm(ShellConfirming.words(question, width: width), yes: yes)
    }

    static func words(_ question: Question, width: Int?) -> Confirmation {
        switch question {
        case let .apply(plan, scripts, resume, requires):
            return Confirmation(.apply, plan: UpdateRequired.text(plan, width: width, applicationRequires: requires) + (resume.map(resumeNote) ?? ""),
                                warnings: warnings(scripts), question: "Update database?")
        case let .restore(candidate, database, current):
            let b = candidate.backup
            return Confirmation(.restore, plan: "Restore \(b.path) (schema version \(b.schemaVersion.map(String.init) ?? "?"), taken \(b.created)) over \(database) (version \(current.map(String.init) ?? "?"))?\nThe current state will be backed up first.\n",
                                question: "Restore?")
        case let .baseline(check, reasons):
            let versions = "\(check.versionBefore + 1)–\(check.version)"
            if reasons.isEmpty {
                return Confirmation(.baseline, plan: "BASELINE: the live schema is version \(check.version)'s; nothing will be run.\n",
                                    question: "Record versions \(versions) as applied?")
            }
            return Confirmation(.baseline, plan: "FORCED BASELINE: " + reasons.map(\.description).joined(separator: "; and ") + ".\n",
                                question: "Record versions \(versions) as applied anyway?")
        case let .repair(version, repair):
            return Confirmation(.repair, plan: "REPAIR: makes the indexes, views and triggers those of version \(version), after a verified backup:\n"
                                + repair.statements.joined(separator: "\n") + "\n", question: "Repair?")
        }
    }

    /// The migrations' warnings (a DROP TABLE, a DELETE), said before the question.
    static func warnings(_ scripts: [MigrationScript]) -> [String] {
        scripts.flatMap { s in s.warnings.map { "warning: \(s.migration.fileName): \($0)" } }
    }

    /// `.apply --resume`: what finishes the partly applied migration, statement by statement.
    static func resumeNote(_ resume: Apply.Resumption) -> String {
        var note = "RESUMING (\(resume.verdict.message)):\n"
        for (step, e) in zip(resume.plan.steps, resume.verdict.evidence) {
            let run = step.statements.sorted()
            note += "  \(e.file): " + (run.isEmpty ? "nothing to run" : "runs statement\(run.count == 1 ? "" : "s") \(run.map(String.init).joined(separator: ", "))")
            if !step.refills.isEmpty { note += " (emptying \(step.refills.sorted { $0.key < $1.key }.map { "\($0.value) before statement \($0.key)" }.joined(separator: ", ")): its copy is stale)" }
            if !step.skipped.isEmpty { note += "; skips \(step.skipped.map(String.init).joined(separator: ", ")) (they ran, or their effect is present)" }
            note += "\n"
        }
        return note
    }
}
