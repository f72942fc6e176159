import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// A fleet run's summary for a person: the counts, why it stopped early, the databases
/// grouped by outcome and by state or move (each group's names shortened when long), and a
/// histogram of schema versions before and after.
enum FleetSummaryText {
    /// Names listed per group before "… and N more" (the JSON and HTML reports list all).
    static let namesPerGroup = 5

    static func render(_ report: FleetReport, width: Int?) -> String {
        let total = report.databases.count
        var text = "\n\(total) database\(total == 1 ? "" : "s") in \(seconds(report.durationMS)) (--jobs \(report.jobs)): "
        text += report.groups.reversed().map { "\($0.groups.reduce(0) { $0 + $1.entries.count }) \($0.outcome.title)" }
            .joined(separator: " · ") + "\n"
        if let stopped = report.stopped {
            let unstarted = report.databases.filter { $0.outcome == .notStarted }.count
            text += "stopped early (\(stopReason(stopped))): \(unstarted) database\(unstarted == 1 ? " was" : "s were") not started; run the same command again to continue\n"
        }
        for (outcome, groups) in report.groups {
            text += "\n\(outcome.title) (\(groups.reduce(0) { $0 + $1.entries.count }))\n"
            for (label, entries) in groups {
                let names = entries.prefix(namesPerGroup).map { name($0, in: report) }
                let more = entries.count > namesPerGroup ? ", … and \(entries.count - namesPerGroup) more" : ""
                text += wrapText("  \(label) (\(entries.count)): " + names.joined(separator: ", ") + more, width: width) + "\n"
            }
        }
        text += "\n" + histogram(report)
        text += "exit status \(report.exitCode)\n"
        return text
    }

    static func stopReason(_ stopped: String) -> String {
        stopped.split(separator: ",").map { part -> String in
            switch FleetRunner<Int>.Stop(rawValue: part.trimming(.whitespaces)) {
            case .canaryFailed?: return "a canary failed"
            case .maxFailures?: return "--max-failures reached"
            case .interrupted?: return "Ctrl-C"
            case nil: return String(part)
            }
        }.joined(separator: ", ")
    }

    /// The path as given; with the host when several hosts' reports were merged.
    static func name(_ e: FleetEntry, in report: FleetReport) -> String {
        Set(report.databases.map(\.host)).count > 1 ? "\(e.host):\(e.path)" : e.path
    }

    /// schema version   before        after
    ///   v3              10 █████      0
    static func histogram(_ report: FleetReport) -> String {
        let rows = report.versionHistogram
        let most = max(1, rows.map { max($0.before, $0.after) }.max() ?? 1)
        let barWidth = 24
        func bar(_ n: Int) -> String {
            let cells = n == 0 ? 0 : max(1, n * barWidth / most)
            return String(repeating: "█", count: cells)
        }
        let countWidth = String(most).count
        func cell(_ n: Int) -> String {
            String(repeating: " ", count: countWidth - String(n).count) + "\(n) " + bar(n).padded(toLength: barWidth)
        }
        var text = "schema version  " + "before".padded(toLength: countWidth + 1 + barWidth + 2) + "after\n"
        for row in rows {
            let label = row.version.map { "v\($0)" } ?? "unknown"
            var line = "  " + label.padded(toLength: 14) + cell(row.before) + "  " + cell(row.after)
            while line.hasSuffix(" ") { line.removeLast() }
            text += line + "\n"
        }
        return text
    }

    static func seconds(_ ms: Int) -> String {
        ms < 1000 ? "\(ms) ms" : cFormat("%.1f s", Double(ms) / 1000)
    }
}
