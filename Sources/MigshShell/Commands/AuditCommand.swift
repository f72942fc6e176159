import Foundation
import ArgumentParser
import MigshCore

/// `.audit [N]` shows the last N audit entries; `.audit verify` checks the hash chain.
struct AuditCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".audit",
        abstract: "Show the last N audit entries (default 20), or `.audit verify` to check the hash chain.")

    static let completion: [String: CompletionSource] = ["0": .words(["verify"])]

    @Argument(help: ArgumentHelp("N, or `verify`.", valueName: "N|verify"))
    var what: String?

    func run(in shell: Shell) throws {
        let path = shell.session.audit.path
        if what == "verify" {
            let result = try AuditLog.verify(path: path)
            try shell.emit(result) {
                guard result.ok else { return "audit log BROKEN at line \(result.brokenAtLine!): \(result.reason ?? "")" }
                var text = "audit log ok: \(result.entries) entries, hash chain intact (\(path))"
                if !result.cutLines.isEmpty {
                    text += "\nline\(result.cutLines.count == 1 ? "" : "s") \(result.cutLines.map(String.init).joined(separator: ", ")) cut short: an append interrupted (a killed process); the chain continues past \(result.cutLines.count == 1 ? "it" : "them")"
                }
                return text
            }
            if !result.ok {
                throw MigshError(.audit, "the audit log's hash chain breaks at line \(result.brokenAtLine!) of \(path)")
            }
            return
        }
        let count: Int
        if let what {
            guard let n = Int(what), n > 0 else { throw MigshError(.usage, ".audit takes a positive number or `verify`") }
            count = n
        } else {
            count = 20
        }
        let lines = try AuditLog.lastEntries(path: path, count: count)
        shell.out.write(lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"))
    }
}
