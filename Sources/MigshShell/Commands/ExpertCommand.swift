import ArgumentParser
import Dispatch
import MigshCore

/// `.expert ?-verbose? ?-sample PERCENT?`: sqlite3 3.40's index advisor. The next SQL the
/// input gives (one chunk, as sqlite3 reads it: up to the line where `sqlite3_complete` says
/// it ends, every statement in it) is not run: the core's `IndexAdvisor` analyses it, and the
/// CREATE INDEX statements that would help it are printed (or `(no new indexes)`), then its
/// query plan with them. A dot-command before any SQL drops the advice, as in sqlite3.
/// Options, messages and layout are sqlite3's (its shell.c `expertDotCommand`/`expertFinish`).
struct ExpertCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".expert", abstract: "Suggest indexes for the next SQL statements (sqlite3's index advisor).",
        discussion: """
          -verbose         Also list every candidate index and each statement analysed
          -sample PERCENT  Statistics (sqlite_stat1) from PERCENT of each table's rows (default 0: none)
        Example: .expert   then   SELECT * FROM t WHERE a = 1;
        """)
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("-verbose, -sample PERCENT.", valueName: "options"), completion: .list(["-verbose", "-sample"])) var words: [String] = []

    func run(in shell: Shell) throws {
        if shell.session.configuration.safe && !shell.session.safeModeLifted {
            // sqlite3 names the command as it was typed (`.expe`: "expe").
            throw sqlite3Usage("Cannot run experimental commands such as \"\(shell.commandName ?? "expert")\" in safe mode", in: shell)
        }
        var verbose = false
        var sample = 0
        var i = 0
        while i < words.count {
            var word = Substring(words[i])
            if word.hasPrefix("--") { word = word.dropFirst() }
            // sqlite3 takes any prefix of two characters or more.
            if word.count >= 2 && "-verbose".hasPrefix(word) {
                verbose = true
            } else if word.count >= 2 && "-sample".hasPrefix(word) {
                guard i + 1 < words.count else { return refuse("option requires an argument: \(word)", in: shell) }
                i += 1
                sample = Int(Int32(truncatingIfNeeded: integerValue(words[i])))
                if sample < 0 || sample > 100 { return refuse("value out of range: \(words[i])", in: shell) }
            } else {
                return refuse("unknown option: \(word)", in: shell)
            }
            i += 1
        }
        let advisor: IndexAdvisor
        do {
            advisor = try IndexAdvisor(database: shell.session.db, samplePercent: sample)
        } catch {
            shell.out.flush()
            shell.err.write(Array("sqlite3_expert_new: ".utf8) + (error.message ?? Array("out of memory".utf8)) + [10])
            shell.err.flush()
            return
        }
        shell.nextSQLHandler = { [unowned shell] sql, line in
            Self.advise(advisor, on: sql, line: line, verbose: verbose, in: shell)
        }
    }

    /// sqlite3 says what is wrong with the options on standard error, and goes on as if
    /// `.expert` had not been given: no advice, and not an error (exit status 0).
    private func refuse(_ message: String, in shell: Shell) {
        shell.out.flush()
        shell.err.write(message + "\n")
        shell.err.flush()
    }

    /// The advice for `sql`, in sqlite3's layout; an error in sqlite3's words (`Error near
    /// line N: no such column: x`), and then nothing else is printed. With `.timer on`,
    /// sqlite3's `Run Time:` line follows the advice (or comes before the error), as sqlite3
    /// times the analysis as it times SQL.
    static func advise(_ advisor: IndexAdvisor, on sql: [UInt8], line: Int, verbose: Bool, in shell: Shell) -> Bool {
        let started = DispatchTime.now()
        let cpuStarted = shell.session.timer ? CPUTime.now() : nil
        let text = String(decoding: sql, as: UTF8.self)
        let report: IndexAdvisor.Report
        do {
            try advisor.add(sql: sql)
            report = try advisor.analyze()
        } catch {
            if shell.session.timer { shell.writeRunTime(since: started, cpu: cpuStarted) }
            shell.sqlFailed(text, message: error.message ?? error.databaseMessage, kind: .other, line: line,
                            started: started, wasInTransaction: shell.session.inTransaction)
            return false
        }
        write(report, verbose: verbose, to: shell.out)
        if shell.session.timer { shell.writeRunTime(since: started, cpu: cpuStarted) }
        if shell.session.showChanges {
            shell.out.write("changes: \(shell.session.db.changes)   total_changes: \(shell.session.db.totalChanges)\n")
        }
        shell.session.log(Audit.Command(command: ".expert advice for: " + trimmedSQL(text), outcome: .ok, durationMS: elapsedMS(since: started)))
        return true
    }

    /// sqlite3's expertFinish: a missing part prints as C's printf prints a NULL string.
    static func write(_ report: IndexAdvisor.Report, verbose: Bool, to out: OutputBuffer) {
        let newline: [UInt8] = [10]
        let missing = Array("(null)".utf8)
        if verbose {
            out.write("-- Candidates -----------------------------\n")
            var candidates: [UInt8] = []
            for candidate in report.candidates {
                candidates += candidate.sql
                candidates.append(UInt8(ascii: ";"))
                if let stat1 = candidate.stat1 { candidates += Array(" -- stat1: ".utf8) + stat1 }
                candidates += newline
            }
            out.write((report.candidates.isEmpty ? missing : candidates) + newline)
        }
        for (i, statement) in report.statements.enumerated() {
            if verbose {
                out.write("-- Query \(i + 1) --------------------------------\n")
                out.write(statement.sql + newline + newline)
            }
            let indexes = statement.indexes.isEmpty ? Array("(no new indexes)\n".utf8) : statement.indexes.flatMap { $0 + Array(";\n".utf8) }
            out.write(indexes + newline)
            out.write((statement.plan.isEmpty ? missing : statement.plan.flatMap { $0 + newline }) + newline)
        }
    }
}
