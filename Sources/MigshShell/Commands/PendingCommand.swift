import Foundation
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

    struct Result: Encodable {
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
        try shell.emit(result) {
            var text = ""
            if plan.status == .databaseNewer {
                text += DatabaseTooNew.message(current: plan.currentVersion, required: plan.requiredVersion) + "\n"
            } else if entries.isEmpty {
                text += "no pending migrations (version \(plan.currentVersion) is up to date)\n"
            } else {
                text += TextTable([.init("version"), .init("description", shrinks: true), .init("file", shrinks: true, keepsEnd: true)],
                                  entries.map { [String($0.version), $0.description, $0.file] }).render(width: shell.outputWidth)
                for e in entries { for f in e.findings { text += "  \(e.file): \(f)\n" } }
            }
            for p in result.folderProblems { text += "folder: \(p)\n" }
            return text
        }
        if !folder.errors.isEmpty {
            throw MigshError(.migrationFolder, "the migrations folder has \(folder.errors.count) error(s); .apply refuses it until they are fixed",
                             details: folder.errors.map(\.text))
        }
    }
}
