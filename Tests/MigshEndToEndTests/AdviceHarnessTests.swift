import Foundation
import Testing

@Suite("scripts/advice: the advice followed on every partial state of three migration histories")
struct AdviceHarnessTests {
    /// The harness makes every statement prefix of every migration of NukeWorks and of an
    /// independently written history (FieldLab: rebuilds of parents with cascading children,
    /// data copies, views, triggers, seed rows, deletes), plus hand-made drift; follows the
    /// recommended way out; and compares every table's rows with a clean apply. `--quick`
    /// takes every second prefix. A failure names the state and what went wrong.
    @Test("every recommended way out keeps the rows of a clean run, or no way out is recommended and the verdict says why")
    func harnessFindsNoFailure() throws {
        let result = try runProcess("/usr/bin/env", ["python3", repositoryRoot + "/scripts/advice", "--quick", "--history", "nukeworks,fieldlab",
                                                     "--bin", migshBinary],
                                    timeout: 900)
        #expect(result.status == 0, "\(result)")
        let total = result.stdout.split(separator: "\n").first { $0.hasPrefix("| total |") } ?? ""
        let cells = total.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        // | total | tried | followed | identical | refusals | failures |
        #expect(cells.count == 6 && cells[5] == "0", "\(result.stdout)")
        #expect(cells.count == 6 && (Int(cells[1]) ?? 0) > 100, "\(result.stdout)")
    }

    /// authelia's 26 public migrations (`Tests/Fixtures/authelia`: `_bkp_` rebuilds, `DROP
    /// INDEX IF EXISTS` of indexes created again later, CURRENT_TIMESTAMP defaults), every second
    /// prefix, without the "kept living" states (the script runs those: they double the time).
    @Test("authelia: no failure, and at least 90% of the states get a way out that reaches a clean run's rows")
    func autheliaHistory() throws {
        let result = try runProcess("/usr/bin/env", ["python3", repositoryRoot + "/scripts/advice", "--quick", "--frozen", "--history", "authelia",
                                                     "--bin", migshBinary],
                                    timeout: 900)
        #expect(result.status == 0, "\(result)")
        let total = result.stdout.split(separator: "\n").first { $0.hasPrefix("| total |") } ?? ""
        let cells = total.split(separator: "|").map { $0.trimmingCharacters(in: .whitespaces) }
        // | total | tried | followed | identical | refusals | failures |
        #expect(cells.count == 6 && cells[5] == "0", "\(result.stdout)")
        let tried = cells.count == 6 ? Int(cells[1]) ?? 0 : 0, identical = cells.count == 6 ? Int(cells[3]) ?? 0 : 0
        #expect(tried > 200 && identical * 10 >= tried * 9, "\(result.stdout)")
    }
}
