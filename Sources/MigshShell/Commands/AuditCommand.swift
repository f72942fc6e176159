import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
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
            JSONReader.object(line.utf8)
        }
        // --json: the entries themselves, one array.
        if shell.json {
            shell.out.write("[" + lines.joined(separator: ",") + "]\n")
            return
        }
        try shell.emit(NoOutput(), wrap: false) { AuditCommand.table(entries, width: shell.outputWidth) }
    }

    /// seq, local time to the second, kind, what (the command or statement), outcome with
    /// the error's text, the versions before → after of a change, rows changed (only when
    /// some entry changed rows), duration. The statement shortens first; the error wraps.
    static func table(_ entries: [[String: Any]], width: Int?) -> String {
        let rows: [[String]] = entries.map { e in
            let event = e["event"] as? String ?? "?"
            let what: String
            switch event {
            case "sql": what = (e["sql"] as? String ?? "").replacingAll("\n", with: " ")
            case "command": what = e["command"] as? String ?? ""
            case "session_start", "session_end": what = (e["database"] as? String).map { $0.pathLastComponent } ?? ""
            default: what = (e["backup"] as? String).map { $0.pathLastComponent } ?? ""
            }
            var outcome = e["outcome"] as? String ?? (e["ok"] as? Bool).map { $0 ? "ok" : "failed" } ?? ""
            if let error = e["error"] as? String { outcome += (outcome.isEmpty ? "" : ": ") + error }
            if let code = e["exit_code"] as? Int { outcome = "exit \(code)" }
            let before = (e["version_before"] as? Int).map(String.init)
            let after = ((e["version_after"] ?? e["version_reached"]) as? Int).map(String.init)
            let versions = before == nil && after == nil ? "" : "\(before ?? "?") → \(after ?? "?")"
            let changed = (e["rows_changed"] as? Int).flatMap { $0 > 0 ? String($0) : nil } ?? ""
            return [String(e["seq"] as? Int ?? 0), localTime(e["ts"] as? String ?? ""), event, what, outcome, versions,
                    changed, (e["duration_ms"] as? Int).map(String.init) ?? ""]
        }
        var columns: [TextTable.Column] = [.init("seq"), .init("time"), .init("kind"), .init("command or SQL", shrinks: true),
                                           .init("outcome", wraps: true), .init("versions"), .init("rows"), .init("ms")]
        // A column no entry fills is left out.
        let used = columns.indices.filter { i in i < 4 || rows.contains { !$0[i].isEmpty } }
        columns = used.map { columns[$0] }
        return TextTable(columns, rows.map { row in used.map { row[$0] } }).render(width: width)
    }
}
