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
        "running " + list(risky) + " now would change rows that may have been edited since it ran ("
            + risky.flatMap { ($0.1.rows ?? []).filter { !$0.lossless }.map(\.description) }.joined(separator: "; ")
            + "): no way out can tell a hand edit from a statement that has not run"
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
