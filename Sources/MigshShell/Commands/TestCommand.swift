import ArgumentParser
import FoundationEssentials
import Glibc
import MigshCore

/// `.test [--to N]`: the spec's §8 rehearsal (`Rehearsal`): the pending migrations applied to
/// a private copy, each one's time and row-count changes, then integrity, foreign keys and
/// the schema against the expected one. The live database is only read.
struct TestCommand: DotCommand {
    typealias Output = Rehearsal.Result
    static let configuration = CommandConfiguration(
        commandName: ".test",
        abstract: "Rehearse the pending migrations on a temporary copy; the live database is untouched.",
        discussion: "Example: .test --to 6")

    @Option(name: .customLong("to"), help: ArgumentHelp("Rehearse up to this version (default: the required version).", valueName: "version"), completion: .versions(pendingOnly: true))
    var to: Int?

    func run(in shell: Shell) throws {
        let rehearsed: (plan: MigrationPlan, target: Int, result: Rehearsal.Result?)
        do {
            defer { shell.progress.end() }
            rehearsed = try Rehearse(shell.session.workspace).run(to: to) { event in
                switch event {
                case let .started(plan, target): shell.progress.begin("rehearsing \(plan.currentVersion) → \(target) on a temporary copy")
                }
            }
        }
        guard let result = rehearsed.result else {
            try Self.emit(Rehearsal.Result.upToDate(rehearsed.plan.currentVersion), in: shell) {
                "nothing to rehearse: version \(rehearsed.plan.currentVersion) is up to date"
            }
            return
        }
        try Self.emit(result, in: shell, wrap: false) { TestCommand.render(result, target: rehearsed.target, width: shell.outputWidth) }
        if !result.ok { throw MigshError(.checkFailed, "the rehearsal failed; the live database was not touched") }
    }

    static func render(_ r: Rehearsal.Result, target: Int, width: Int? = nil) -> String {
        // The table fits itself; the prose around it wraps.
        var text = wrapText("rehearsal on a temporary copy (the live database is untouched): version \(r.fromVersion) → \(target)", width: width) + "\n"
        let rows: [[String]] = r.steps.map { s in
            let changes = s.rowChanges.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value > 0 ? "+" : "")\($0.value)" }
            return [s.ok ? "ok" : "FAIL", s.file, "\(s.durationMS)", changes.isEmpty ? "-" : changes.joined(separator: ", ")]
        }
        let columns: [TextTable.Column] = [.init(""), .init("migration"), .init("ms"), .init("row counts", wraps: true)]
        let head = text + TextTable(columns, rows).render(width: width)
        text = ""
        for s in r.steps { if let e = s.error { text += "\(s.file): \(e)\n" } }
        // Column contents (fingerprints before and after each migration on the copy).
        for s in r.steps {
            for (from, to) in s.movedColumns.sorted(by: { $0.key < $1.key }) { text += "\(s.file): values of \(from) now in \(to)\n" }
            for (column, n) in s.droppedColumns.sorted(by: { $0.key < $1.key }) { text += "\(s.file): drops \(column) (\(n) non-NULL values), as the file marks\n" }
            for (column, a) in s.convertedColumns.sorted(by: { $0.key < $1.key }) { text += "\(s.file): converts \(column): \(a.phrase), as the file marks\n" }
            if !s.changedColumns.isEmpty { text += "\(s.file): values changed (information): \(s.changedColumns.joined(separator: ", "))\n" }
        }
        text += "integrity_check: \(r.integrity.prefix(5).joined(separator: "; "))\n"
        text += "foreign_key_check: \(r.foreignKeyViolations == 0 ? "ok" : "\(r.foreignKeyViolations) violation(s)")\n"
        text += r.schemaDifferences.isEmpty ? "schema: equals the expected schema of version \(r.toVersion)\n"
            : "schema: differs from version \(r.toVersion):\n" + SchemaDiffText.render(SchemaDiff(changes: r.schemaDifferences), version: r.toVersion)
        text += r.ok ? "rehearsal passed\n" : "rehearsal FAILED\n"
        return head + wrapText(text, width: width)
    }
}

extension Rehearsal.Result: CommandOutput {
    static var jsonDescription: String {
        "one JSON object: from_version, to_version, each step's outcome, the integrity and foreign-key checks, the schema differences, ok"
    }
}
