import ArgumentParser
import Foundation
import MigshCore

/// `.baseline N`: record versions up to N as applied without running them — only where the
/// live schema is version N's and every statement it records can be shown to have run
/// (Flyway's baseline, made safe). `--force` records anyway: it asks, and it is audited.
struct BaselineCommand: DotCommand {
    typealias Output = Migrator.BaselineResult
    static let configuration = CommandConfiguration(
        commandName: ".baseline",
        abstract: "Record versions up to N as applied without running them, if the schema is version N's and every statement can be shown to have run.",
        discussion: "Example: .baseline 4   (only when .diff recommends it)")

    @Argument(help: "The version to record.", completion: .versions(pendingOnly: true))
    var version: Int

    @Flag(name: .customLong("force"), help: "Record even what cannot be confirmed (asks, audited).")
    var force = false

    @OptionGroup var confirmation: ConfirmationOptions

    func run(in shell: Shell) throws {
        let session = shell.session
        try session.refuseUnlessWritable(".baseline")
        let folder = try session.loadFolder()
        let expected = try ExpectedSchemas.build(folder)
        let migrator = Migrator(db: session.db, folder: folder, store: session.backupStore)
        let check: Migrator.BaselineCheck
        do {
            check = try migrator.checkBaseline(to: version, expected: expected)
        } catch var error as MigshError {
            error.message = ".baseline \(version) refused: " + error.message
            throw error
        }
        var reasons: [String] = []
        if !check.differences.isEmpty {
            // Under --json, standard output carries only the result: the differences go to stderr.
            (shell.json ? shell.err : shell.out).write(SchemaDiffText.render(check.differences, version: version))
            reasons.append("the live schema does not match version \(version) (differences above)")
        }
        let unverified = check.unverified
        if !unverified.isEmpty {
            reasons.append("it would record statements that cannot be shown to have run: "
                + unverified.map { "statement \($0.statement.statement) of \($0.file) (\($0.statement.summary), line \($0.statement.line)): \($0.statement.reason)" }
                    .joined(separator: "; "))
        }
        if !reasons.isEmpty {
            guard force else {
                throw MigshError(.refused, ".baseline \(version) refused: " + reasons.joined(separator: "; and ") + "; nothing was recorded",
                                 details: ["Run .diff for the verdict and the safe way out. .baseline \(version) --force records anyway (asks first, audited)."])
            }
            try shell.confirm(Confirmation(.baseline, plan: "FORCED BASELINE: " + reasons.joined(separator: "; and ") + ".\n",
                                           question: "Record versions \(check.versionBefore + 1)–\(version) as applied anyway?"), yes: confirmation.yes)
        } else {
            // Like .apply and .restore: a change to what Schema_Version records is confirmed.
            try shell.confirm(Confirmation(.baseline, plan: "BASELINE: the live schema is version \(version)'s; nothing will be run.\n",
                                           question: "Record versions \(check.versionBefore + 1)–\(version) as applied?"), yes: confirmation.yes)
        }
        var options = Migrator.Options(targetVersion: version, user: session.user)
        options.busyTimeoutMS = Int(session.configuration.busyTimeoutMS)
        let result = try migrator.baseline(check, expected: expected, force: force, options: options)
        session.log(Audit.Baseline(versionBefore: result.versionBefore, versionAfter: result.versionAfter, forced: result.forced,
                                   differences: check.differences.changes.count, unverified: unverified.count,
                                   createdVersionTable: result.createdVersionTable))
        try Self.emit(result, in: shell) {
            let list = result.recorded.map(String.init).joined(separator: ", ")
            return "recorded version\(result.recorded.count == 1 ? "" : "s") \(list) as applied (nothing else was run)"
                + (result.createdVersionTable ? "; Schema_Version was created" : "")
                + "; Schema_Version now says \(result.versionAfter)" + (result.forced ? " (FORCED: not confirmed by the schema and the data)" : "")
        }
    }
}

extension Migrator.BaselineResult: CommandOutput {
    static var jsonDescription: String { "one JSON object: version_before, version_after, the versions recorded, forced, created_version_table" }
}
