import Crypto
import FoundationEssentials
import Glibc
import MigshBase

/// Verification: the whole chain read back, line by line, and the head file compared.
extension AuditLog {
    public struct Verification: Sendable, Codable {
        public var entries: Int
        /// The first line (1-based) where the chain breaks, and why.
        public var brokenAtLine: Int?
        public var reason: String?
        /// Lines that are not entries but do not break the chain: appends cut short by a
        /// killed process (the next entry chains to the one before them).
        public var cutLines: [Int]
        /// What the chain cannot show: where the head file was missing, lines cut from the
        /// end of the log before that point would go unseen.
        public var warnings: [String] = []
        public var ok: Bool { brokenAtLine == nil }
    }

    public static func verify(path: String) throws -> Verification {
        guard let data = FileSystem.contents(path) else {
            throw MigshError(.notFound, "cannot read the audit log \(path)")
        }
        var prev = genesis
        var expectedSeq = 1
        var entries = 0
        var cut: [Int] = []
        var warnings: [String] = []
        let headName = headPath(path).pathLastComponent
        var lines = data.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false)
        if data.last == UInt8(ascii: "\n") || data.isEmpty { lines.removeLast() }
        func broken(_ line: Int, _ reason: String) -> Verification {
            Verification(entries: entries, brokenAtLine: line, reason: reason, cutLines: cut, warnings: warnings)
        }
        var afterLastEntry = 1
        for (i, line) in lines.enumerated() {
            // Ctrl-C: a log checked part-way is not said to be intact (nor broken).
            if i % 1024 == 0 {
                TestPause.at("audit.verify")
                try CancellationToken.interrupt.check("interrupted: .audit verify stopped after \(i) of \(lines.count) lines; the log was not fully checked")
            }
            guard let object = JSONReader.object(line) else {
                // Not an entry: an append cut short, if the chain goes on past it unbroken.
                cut.append(i + 1)
                continue
            }
            entries += 1
            if object["event"] as? String == "audit_head_missing" {
                let found = object["found_seq"] as? Int ?? 0
                warnings.append("the head file \(headName) was missing when line \(i + 1) was written: entries cut from the end of the log before it (after seq \(found)) cannot be detected — the tail up to there cannot be verified without the head")
            }
            if object["event"] as? String == "audit_gap" {
                let found = object["found_seq"] as? Int ?? 0, head = object["head_seq"] as? Int ?? 0
                return broken(afterLastEntry, head > found
                    ? "entries \(found + 1)–\(head) were removed from the end of the log (the next writer found it ending at seq \(found) where its head recorded \(head), and said so at line \(i + 1))"
                    : "entry \(found) was edited after it was written (the next writer found another hash than its head recorded, and said so at line \(i + 1))")
            }
            if object["prev"] as? String != prev {
                return broken(i + 1, "prev does not match the SHA-256 of the entry before it (a line was edited, removed, inserted or reordered)")
            }
            if object["seq"] as? Int != expectedSeq {
                return broken(i + 1, "seq is \(object["seq"].map { "\($0)" } ?? "missing"), expected \(expectedSeq)")
            }
            prev = sha256Hex(Array(line))
            expectedSeq += 1
            afterLastEntry = i + 2
        }
        // The head names the last entry written: fewer entries, or another last entry, means
        // the end of the log was cut or edited.
        let head = FileSystem.contents(headPath(path)).flatMap({ String(data: Data($0), encoding: .utf8) })
        if entries > 0, (head ?? "").isEmpty {
            warnings.append("there is no head file \(headName): entries cut from the end of the log cannot be detected — its tail cannot be verified without the head")
        }
        if let head {
            let parts = head.split(separator: " ")
            if parts.count == 2, let headSeq = Int(parts[0]) {
                let headHash = parts[1].trimming(.whitespacesAndNewlines)
                if headSeq > expectedSeq - 1 {
                    return broken(lines.count + 1, "the log ends at seq \(expectedSeq - 1) but \(headPath(path).pathLastComponent) records seq \(headSeq): entries were removed from the end")
                }
                if headSeq == expectedSeq - 1 && headHash != prev && headSeq > 0 {
                    return broken(lines.count, "the last entry does not match the hash recorded in \(headPath(path).pathLastComponent): it was edited")
                }
            }
        }
        return Verification(entries: entries, brokenAtLine: nil, reason: nil, cutLines: cut, warnings: warnings)
    }

    /// The last `count` lines of the log.
    public static func lastEntries(path: String, count: Int) throws -> [String] {
        guard let data = FileSystem.contents(path) else {
            throw MigshError(.notFound, "cannot read the audit log \(path)")
        }
        let lines = data.split(separator: UInt8(ascii: "\n")).map { String(decoding: $0, as: UTF8.self) }
        return Array(lines.suffix(count))
    }
}
