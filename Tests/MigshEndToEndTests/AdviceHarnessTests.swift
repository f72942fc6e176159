import Foundation
import Testing

@Suite("scripts/advice: the advice followed on every partial state of two migration histories")
struct AdviceHarnessTests {
    /// The harness makes every statement prefix of every migration of NukeWorks and of an
    /// independently written history (FieldLab: rebuilds of parents with cascading children,
    /// data copies, views, triggers, seed rows, deletes), plus hand-made drift; follows the
    /// recommended way out; and compares every table's rows with a clean apply. `--quick`
    /// takes every second prefix. A failure names the state and what went wrong.
    @Test("every recommended way out keeps the rows of a clean run, or no way out is recommended and the verdict says why")
    func harnessFindsNoFailure() throws {
        let result = try runProcess("/usr/bin/env", ["python3", repositoryRoot + "/scripts/advice", "--quick", "--bin", migshBinary],
                                    timeout: 900)
        #expect(result.status == 0, "\(result)")
        let total = result.stdout.split(separator: "\n").first { $0.hasPrefix("| total |") } ?? ""
        let cells = total.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        // | total | tried | followed | identical | refusals | failures |
        #expect(cells.count == 6 && cells[5] == "0", "\(result.stdout)")
        #expect(cells.count == 6 && (Int(cells[1]) ?? 0) > 100, "\(result.stdout)")
    }
}
