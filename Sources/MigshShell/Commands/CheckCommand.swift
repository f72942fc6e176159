import ArgumentParser
import FoundationEssentials
import Glibc
import MigshCore

/// `.check`: integrity, foreign keys, the migrations folder, and every applied migration's
/// file against the checksum recorded when it was applied.
struct CheckCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".check",
        abstract: "Integrity check, foreign-key check, migration-folder validation and checksums.",
        discussion: """
            With a GLOB, sqlite3's .check: the output since .testcase NAME (the file
            testcase-out.txt) against GLOB, said as testcase-NAME ok or FAILED.
            Example: .check
            """)
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("sqlite3's GLOB, after .testcase.", valueName: "glob"), completion: .nothing) var words: [String] = []

    typealias Output = Result

    struct Result: CommandOutput {
        static let jsonDescription = "one JSON object: integrity, foreign_key_violations, folder_problems, checksum_problems, ok"
        var integrity: [String]
        var foreignKeyViolations: [ForeignKeyViolation]
        var folderProblems: [String]
        var checksumProblems: [String]
        var ok: Bool
    }

    func run(in shell: Shell) throws {
        if !words.isEmpty { return try Self.checkTestcase(words, in: shell) }
        let session = shell.session
        let db = session.db
        // A damaged file can make one check fail outright; report what each check found.
        let integrity: [String]
        do { integrity = try db.integrityCheck() } catch { integrity = ["integrity_check could not run: \(error)"] }
        var violations: [ForeignKeyViolation] = []
        var foreignKeyError: String?
        do { violations = try db.foreignKeyViolations() } catch { foreignKeyError = "\(error)" }
        // A check Ctrl-C stopped found nothing: no verdict from it.
        try CancellationToken.interrupt.check()
        let folder = try session.loadFolder()
        var checksumProblems: [String] = []
        for (version, applied) in try SchemaVersionTable.appliedFiles(db).sorted(by: { $0.key < $1.key }) {
            guard let file = folder.migrations[version] else {
                checksumProblems.append("version \(version): applied from \(applied.file), which is no longer in \(folder.path)")
                continue
            }
            if file.sha256 != applied.sha256 {
                checksumProblems.append("\(file.fileName) was EDITED after it was applied: applied sha256 \(applied.sha256), file now \(file.sha256)")
            }
        }
        let folderErrors = folder.problems.map { "\($0.severity.rawValue): \($0.text)" }
        let ok = integrity == ["ok"] && violations.isEmpty && foreignKeyError == nil && folder.errors.isEmpty && checksumProblems.isEmpty
        try Self.emit(Result(integrity: integrity, foreignKeyViolations: violations, folderProblems: folderErrors,
                              checksumProblems: checksumProblems, ok: ok), in: shell) {
            var text = "integrity_check: \(integrity.prefix(10).joined(separator: "; "))\n"
            if let foreignKeyError {
                text += "foreign_key_check: could not run: \(foreignKeyError)\n"
            } else if violations.isEmpty {
                text += "foreign_key_check: ok\n"
            } else {
                text += "foreign_key_check: \(violations.count) violation(s)\n"
                for v in violations.prefix(50) {
                    text += "  \(v.table) rowid \(v.rowid.map(String.init) ?? "?") references missing row in \(v.parent)\n"
                }
            }
            text += folderErrors.isEmpty ? "migrations folder: ok\n" : "migrations folder:\n" + folderErrors.map { "  \($0)\n" }.joined()
            text += checksumProblems.isEmpty ? "applied migrations: checksums ok\n" : "applied migrations:\n" + checksumProblems.map { "  \($0)\n" }.joined()
            return text
        }
        if !ok { throw MigshError(.checkFailed, ".check found problems (above)") }
    }
}
