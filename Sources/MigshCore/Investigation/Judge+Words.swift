import FoundationEssentials
import MigshBase

/// The English of a verdict: how `Judge` names statements, lists them and says ranges of
/// versions. The judging itself is in `Investigation.swift`.
extension Judge {
    static func name(_ e: MigrationEvidence, _ s: StatementEvidence) -> String {
        "statement \(s.statement) of \(e.file) (\(s.summary), line \(s.line))"
    }

    static func list(_ items: [(MigrationEvidence, StatementEvidence)]) -> String {
        items.map { name($0.0, $0.1) }.joined(separator: ", ")
    }

    static func describe(_ items: [(MigrationEvidence, StatementEvidence)], _ one: String, _ many: String) -> String {
        list(items) + " " + (items.count == 1 ? one : many) + " (" + items.map(\.1.reason).joined(separator: "; ") + ")"
    }

    static func overwriteReason(_ risky: [(MigrationEvidence, StatementEvidence)]) -> String {
        let stale = risky.filter { $0.1.state == .stale }
        let rerun = risky.filter { $0.1.state != .stale }
        func rows(_ items: [(MigrationEvidence, StatementEvidence)]) -> String {
            items.flatMap { ($0.1.rows ?? []).filter { !$0.lossless }.map(\.description) }.joined(separator: "; ")
        }
        var parts: [String] = []
        if !rerun.isEmpty {
            parts.append("running " + list(rerun) + " now would change rows that may have been edited since it ran ("
                + rows(rerun) + "): no way out can tell a hand edit from a statement that has not run")
        }
        if !stale.isEmpty {
            let tables = unique(stale.flatMap { ($0.1.rows ?? []).filter { !$0.lossless }.map(\.table) }).joined(separator: ", ")
            parts.append("copying " + list(stale) + " again would first empty " + tables + ", losing " + rows(stale)
                + ", which the copy does not give from its source now and which no backup shows it made: they may be edits made by hand to the half-done table."
                + " To keep them, make the same changes to the table the copy reads (the resume copies it again), delete those rows from " + tables
                + ", and run .diff again")
        }
        return parts.joined(separator: "; ")
    }

    static func range(_ versions: ClosedRange<Int>) -> String {
        versions.count == 1 ? "\(versions.lowerBound)" : "\(versions.lowerBound)–\(versions.upperBound)"
    }

    /// `2, 3, 5–9`.
    static func numbers(_ list: [Int]) -> String {
        var parts: [String] = []
        var i = 0
        let sorted = list.sorted()
        while i < sorted.count {
            var j = i
            while j + 1 < sorted.count && sorted[j + 1] == sorted[j] + 1 { j += 1 }
            parts.append(j - i >= 2 ? "\(sorted[i])–\(sorted[j])" : (i...j).map { String(sorted[$0]) }.joined(separator: ", "))
            i = j + 1
        }
        return parts.joined(separator: ", ")
    }

    static func unique(_ items: [String]) -> [String] {
        var seen = Set<String>()
        return items.filter { seen.insert($0).inserted }
    }
}
