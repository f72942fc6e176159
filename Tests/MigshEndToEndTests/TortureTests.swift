import Foundation
import Testing

/// A bounded run of `scripts/torture` (kill -9 at random moments during .apply, .backup
/// and .restore, then checks that the database is exactly before or exactly after). The
/// long run (200 trials per fault) is `scripts/torture` itself.
@Suite("kill -9 at random moments loses nothing (bounded torture run)")
struct TortureTests {
    @Test("12 kills per fault: every database is exactly before or after, integrity ok, schema matching its version")
    func boundedTorture() throws {
        let result = try runProcess("/usr/bin/env",
                                    ["python3", repositoryRoot + "/scripts/torture", "--trials", "12", "--migsh", migshBinary],
                                    cwd: repositoryRoot, timeout: 300)
        #expect(result.status == 0, "\(result)")
        let rows = result.stdout.split(separator: "\n").filter { $0.hasPrefix("| kill -9") }
        #expect(rows.count == 3, "\(result.stdout)")
        for row in rows {
            let cells = row.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
            #expect(cells.last == "0", "failures in: \(row)")
        }
    }
}
