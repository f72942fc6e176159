import ArgumentParser
import Foundation
import MigshCore

/// `.audit [N] [--raw]` shows the last N audit entries as a table (or the raw lines);
/// `.audit verify` checks the hash chain.
struct AuditCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".audit",
        abstract: "Show the last N audit entries (default 20), or `.audit verify` to check the hash chain.",
        discussion: "Example: .audit 50 --raw")

    static let completion: [String: CompletionSource] = ["0": .words(["verify"])]

    @Argument(help: ArgumentHelp("N, or `verify`.", valueName: "N|verify"))
    var what: String?

    @Flag(name: .customLong("raw"), help: "Print the entries' JSON lines as they are in the log.")
    var raw = false

    func run(in shell: Shell) throws {
        let path = shell.session.audit.path
        try shell.session.audit.flush()
        if what == "verify" {
            let result = try AuditLog.verify(path: path)
            try shell.emit(result) {
                guard result.ok else { return "audit log BROKEN at line \(result.brokenAtLine!): \(result.reason ?? "")" }
                var text = result.warnings.isEmpty
                    ? "audit log ok: \(result.entries) entries, hash chain intact (\(path))"
                    : "audit log chain intact: \(result.entries) entries, but its end CANNOT BE VERIFIED (\(path))"
                if !result.cutLines.isEmpty {
                    text += "\nline\(result.cutLines.count == 1 ? "" : "s") \(result.cutLines.map(String.init).joined(separator: ", ")) cut short: an append interrupted (a killed process); the chain continues past \(result.cutLines.count == 1 ? "it" : "them")"
                }
                return text
            }
            for warning in result.warnings { shell.note("warning: " + warning) }
            if !result.ok {
                throw MigshError(.audit, "the audit log's hash chain breaks at line \(result.brokenAtLine!) of \(path)")
            }
            return
        }
        let count: Int
        if let what {
            guard let n = Int(what), n > 0 else { throw MigshError(.usage, "Usage: .audit [N] [--raw] | .audit verify") }
            count = n
        } else {
            count = 20
        }
        let lines = try AuditLog.lastEntries(path: path, count: count)
        if raw && !shell.json {
            shell.out.write(lines.joined(separator: "\n") + (lines.isEmpty ? "" : "\n"))
            return
        }
        let entries = lines.compactMap { line in
            (try? JSONSerialization.jsonObject(with: Data(line.utf8))) as? [String: Any]
        }
        // --json: the entries themselves, one array.
        if shell.json {
            shell.out.write("[" + lines.joined(separator: ",") + "]\n")
            return
        }
        try shell.emit(NoOutput()) { AuditCommand.table(entries, width: shell.outputWidth) }
    }

    /// seq, local time, kind, what (the command or statement), outcome, rows, duration.
    static func table(_ entries: [[String: Any]], width: Int?) -> String {
        TextTable([.init("seq"), .init("time"), .init("kind"), .init("command or statement", shrinks: true),
                   .init("outcome"), .init("rows"), .init("ms")], entries.map { e in
            let event = e["event"] as? String ?? "?"
            let what: String
            switch event {
            case "sql": what = (e["sql"] as? String ?? "").replacingOccurrences(of: "\n", with: " ")
            case "command": what = e["command"] as? String ?? ""
            case "session_start", "session_end": what = (e["database"] as? String).map { ($0 as NSString).lastPathComponent } ?? ""
            default: what = (e["error"] as? String) ?? (e["backup"] as? String).map { ($0 as NSString).lastPathComponent } ?? ""
            }
            var outcome = e["outcome"] as? String ?? ""
            if let error = e["error"] as? String, event == "sql" || event == "command" { outcome += ": " + error }
            if let code = e["exit_code"] as? Int { outcome = "exit \(code)" }
            return [String(e["seq"] as? Int ?? 0), localTime(e["ts"] as? String ?? "", fractional: true), event, what, outcome,
                    (e["rows_changed"] as? Int).map(String.init) ?? "", (e["duration_ms"] as? Int).map(String.init) ?? ""]
        }).render(width: width)
    }
}
