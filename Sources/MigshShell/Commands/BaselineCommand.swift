import ArgumentParser
import FoundationEssentials
import Glibc
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
        let result = try Baseline(shell.session.workspace).run(version: version, force: force,
                                                               confirming: ShellConfirming(shell: shell, yes: confirmation.yes)) { event in
            switch event {
            // Under --json, standard output carries only the result: the differences go to stderr.
            case let .differences(diff, version): (shell.json ? shell.err : shell.out).write(SchemaDiffText.render(diff, version: version))
            }
        }
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
