import FoundationEssentials
import ArgumentParser
import MigshCore

/// `.pending`: the migrations that `.apply` would run, with validation warnings.
struct PendingCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".pending",
        abstract: "List the pending migrations: version, description, file, validation findings.",
        discussion: "Example: .pending")

    struct Entry: Encodable {
        var version: Int
        var description: String
        var file: String
        var findings: [String]
    }

    typealias Output = Result

    struct Result: CommandOutput {
        static let jsonDescription = "one JSON object: the current and required versions and each pending migration"
        var currentVersion: Int
        var requiredVersion: Int
        var pending: [Entry]
        var folderProblems: [String]
    }

    func run(in shell: Shell) throws {
        let folder = try shell.session.loadFolder()
        let plan = try shell.session.plan(folder)
        let entries = plan.pending.map { m -> Entry in
            let script = MigrationScript(m)
            return Entry(version: m.version, description: m.description, file: m.fileName,
                         findings: script.findings.map { "\($0.severity.rawValue): \($0)" })
        }
        let result = Result(currentVersion: plan.currentVersion, requiredVersion: plan.requiredVersion,
                            pending: entries, folderProblems: folder.problems.map(\.text))
        try Self.emit(result, in: shell, wrap: false) {
            let width = shell.outputWidth
            var text = ""
            if plan.status == .databaseNewer {
                text += wrapText(DatabaseTooNew.message(current: plan.currentVersion, required: plan.requiredVersion), width: width) + "\n"
            } else if entries.isEmpty {
                text += wrapText("no pending migrations (version \(plan.currentVersion) is up to date)", width: width) + "\n"
            } else {
                text += TextTable([.init("version"), .init("description", wraps: true), .init("file")],
                                  entries.map { [String($0.version), $0.description, $0.file] }).render(width: width)
                for e in entries { for f in e.findings { text += wrapText("  \(e.file): \(f)", width: width) + "\n" } }
            }
            for p in result.folderProblems { text += wrapText("folder: \(p)", width: width) + "\n" }
            return text
        }
        if !folder.errors.isEmpty {
            throw MigshError(.migrationFolder, "the migrations folder has \(folder.errors.count) error(s); .apply refuses it until they are fixed",
                             details: folder.errors.map(\.text))
        }
    }
}
