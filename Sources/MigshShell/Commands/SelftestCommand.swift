import ArgumentParser
import MigshCore

/// `.selftest ?--init? ?-v?`: sqlite3's self-test (`Connection.selfTest`): the checks of the
/// SELFTEST table, or the default `PRAGMA integrity_check` with "Missing SELFTEST table -
/// default checks only". A failed check makes the command fail (exit 1 at the end of a
/// script), as in sqlite3 3.40.
struct SelftestCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".selftest", abstract: "Run the checks of the SELFTEST table.",
        discussion: "Example: .selftest --init   (then .selftest -v)")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("--init (make the table) and -v (verbose).", valueName: "options"), completion: .list(["--init", "-v"])) var words: [String] = []

    func run(in shell: Shell) throws {
        var initialize = false, verbose = false
        for word in words {
            switch word.hasPrefix("--") ? String(word.dropFirst()) : word {
            case "-init": initialize = true
            case "-v": verbose = true
            default: throw sqlite3Usage("Unknown option \"\(word)\" on \"selftest\"\nShould be one of: --init -v", in: shell)
            }
        }
        let report = shell.session.db.selfTest(initialize: initialize, verbose: verbose)
        if let failure = report.initFailure { _ = sqlite3Usage("SELFTEST initialization failure: \(failure)", in: shell) }
        if report.queryFailed { throw sqlite3Usage("Error querying the selftest table", in: shell) }
        let out = shell.out
        for line in report.lines {
            switch line {
            case .verbose(let tno, let op, let sql): out.write("\(tno): \(op) \(sql)\n")
            case .memo(let text): out.write(text + "\n")
            case .result(let text): out.write("Result: \(text)\n")
            case .error(let tno, let message): out.write("\(tno): error-code-1: \(message)\n")
            case .mismatch(let tno, let expected, let got):
                out.write("\(tno): Expected: [\(expected)]\n\(tno):      Got: [\(got)]\n")
            case .unknownOperation(let op, let tno): _ = sqlite3Usage("Unknown operation \"\(op)\" on selftest line \(tno)", in: shell)
            }
        }
        out.write("\(report.errors) errors out of \(report.tests) tests\n")
        if report.failed { throw MigshError(.saidAlready, "selftest failed") }
    }
}
