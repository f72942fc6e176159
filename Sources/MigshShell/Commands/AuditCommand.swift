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

    @Argument(help: ArgumentHelp("N, or `verify`.", valueName: "N|verify"), completion: .list(["verify"]))
    var what: String?

    /// The hash chain's check, or the entries as the log holds them.
    enum Output: CommandOutput {
        case verification(AuditLog.Verification)
        case entries([JSONValue])
        static let jsonDescription = "one JSON array of the entries as the log holds them; for verify, one JSON object: entries, broken_at_line, reason, cut_lines, warnings"
        func encode(to encoder: any Encoder) throws {
            switch self {
            case .verification(let result): try result.encode(to: encoder)
            case .entries(let entries): try entries.encode(to: encoder)
            }
        }
    }

    @Flag(name: .customLong("raw"), help: "Print the entries' JSON lines as they are in the log.")
    var raw = false

    func run(in shell: Shell) throws {
        let path = shell.session.audit.path
        try shell.session.audit.flush()
        if what == "verify" {
            let result = try AuditLog.verify(path: path)
            try Self.emit(.verification(result), in: shell) {
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
        // --json: the entries themselves, one array.
        let decoder = JSONDecoder()
        let entries = lines.compactMap { try? decoder.decode(JSONValue.self, from: Data($0.utf8)) }
        try Self.emit(.entries(entries), in: shell, wrap: false) { AuditCommand.table(entries.compactMap(\.object), width: shell.outputWidth) }
    }

    /// seq, local time to the second, kind, what (the command or statement), outcome with
    /// the error's text, the versions before → after of a change, rows changed (only when
    /// some entry changed rows), duration. The statement shortens first; the error wraps.
    static func table(_ entries: [[String: JSONValue]], width: Int?) -> String {
        let rows: [[String]] = entries.map { e in
            let event = e["event"]?.string ?? "?"
            let what: String
            switch event {
            case "sql": what = (e["sql"]?.string ?? "").replacingAll("\n", with: " ")
            case "command": what = e["command"]?.string ?? ""
            case "session_start", "session_end": what = (e["database"]?.string).map { $0.pathLastComponent } ?? ""
            default: what = (e["backup"]?.string).map { $0.pathLastComponent } ?? ""
            }
            var outcome = e["outcome"]?.string ?? e["ok"]?.bool.map { $0 ? "ok" : "failed" } ?? ""
            if let error = e["error"]?.string { outcome += (outcome.isEmpty ? "" : ": ") + error }
            if let code = e["exit_code"]?.int { outcome = "exit \(code)" }
            let before = e["version_before"]?.int.map(String.init)
            let after = (e["version_after"] ?? e["version_reached"])?.int.map(String.init)
            let versions = before == nil && after == nil ? "" : "\(before ?? "?") → \(after ?? "?")"
            let changed = e["rows_changed"]?.int.flatMap { $0 > 0 ? String($0) : nil } ?? ""
            return [String(e["seq"]?.int ?? 0), localTime(e["ts"]?.string ?? ""), event, what, outcome, versions,
                    changed, e["duration_ms"]?.int.map(String.init) ?? ""]
        }
        var columns: [TextTable.Column] = [.init("seq"), .init("time"), .init("kind"), .init("command or SQL", shrinks: true),
                                           .init("outcome", wraps: true), .init("versions"), .init("rows"), .init("ms")]
        // A column no entry fills is left out.
        let used = columns.indices.filter { i in i < 4 || rows.contains { !$0[i].isEmpty } }
        columns = used.map { columns[$0] }
        return TextTable(columns, rows.map { row in used.map { row[$0] } }).render(width: width)
    }
}

extension AuditLog.Verification: CommandOutput {
    static var jsonDescription: String { "one JSON object: entries, broken_at_line, reason, cut_lines, warnings" }
}

/// A JSON value as it was read (an audit entry of any kind), written back as it was: numbers
/// that are integers stay integers.
enum JSONValue: Codable, Equatable, Sendable {
    case null
    case bool(Bool)
    case int(Int)
    case double(Double)
    case string(String)
    case array([JSONValue])
    case object([String: JSONValue])

    init(from decoder: any Decoder) throws {
        let c = try decoder.singleValueContainer()
        if c.decodeNil() { self = .null }
        else if let v = try? c.decode(Bool.self) { self = .bool(v) }
        else if let v = try? c.decode(Int.self) { self = .int(v) }
        else if let v = try? c.decode(Double.self) { self = .double(v) }
        else if let v = try? c.decode(String.self) { self = .string(v) }
        else if let v = try? c.decode([JSONValue].self) { self = .array(v) }
        else { self = .object(try c.decode([String: JSONValue].self)) }
    }

    func encode(to encoder: any Encoder) throws {
        var c = encoder.singleValueContainer()
        switch self {
        case .null: try c.encodeNil()
        case .bool(let v): try c.encode(v)
        case .int(let v): try c.encode(v)
        case .double(let v): try c.encode(v)
        case .string(let v): try c.encode(v)
        case .array(let v): try c.encode(v)
        case .object(let v): try c.encode(v)
        }
    }

    var string: String? { if case .string(let v) = self { v } else { nil } }
    var int: Int? { if case .int(let v) = self { v } else { nil } }
    var bool: Bool? { if case .bool(let v) = self { v } else { nil } }
    var object: [String: JSONValue]? { if case .object(let v) = self { v } else { nil } }
}
