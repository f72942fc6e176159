import Dispatch
import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

// The SQL runner: a unit of SQL text, statement by statement, through the core's one loop
// (`StatementCursor`) and the result formatter, with sqlite3's error lines.
extension Shell {
    /// Runs SQL text as one unit, its bytes unchanged (they reach `sqlite3_prepare` as read).
    /// `echo`: false for COMMAND arguments and `-cmd`, which sqlite3 never echoes.
    func runSQLUnit(_ sql: [UInt8], line: Int?, echo: Bool = true) throws -> Bool {
        // `.nonce` lifts safe mode for the next unit, SQL included (`readfile()`), then no more.
        defer { session.safeModeLifted = false }
        if let onUnit { onUnit(String(decoding: sql.drop { $0 == 32 || $0 == 9 }, as: UTF8.self)) }
        if session.echo && echo {
            out.write(sql)
            if sql.last != 10 { out.write(byte: 10) }
        }
        if let handler = nextSQLHandler {
            nextSQLHandler = nil
            return try afterUnit(handler(sql, line ?? 1), line: line, unit: String(decoding: sql, as: UTF8.self))
        }
        sqlite3WouldHaveOpened = true
        let paged = holdResultsForPager()
        // sqlite3 times and counts changes per chunk of input; SQL from a COMMAND argument or
        // `-cmd` (`echo` false) goes straight to its shell_exec, neither timed nor counted.
        inputChunk = echo ? InputChunk(cpu: session.timer ? CPUTime.now() : nil) : nil
        let ok = runSQL(sql, line: line ?? 1)
        if let chunk = inputChunk, chunk.ranStatement {
            if let cpu = chunk.cpu { writeRunTime(since: chunk.started, cpu: cpu) }
            if ok && session.showChanges {
                out.write("changes: \(session.db.changes)   total_changes: \(session.db.totalChanges)\n")
            }
        }
        inputChunk = nil
        if paged { out.releaseHold() }
        return try afterUnit(ok, line: line, unit: String(decoding: sql, as: UTF8.self))
    }

    // MARK: SQL

    /// Runs every statement of `sql`, printing results in the current mode: each statement
    /// is prepared and stepped through the core's `Statement`, one after the other.
    /// SQL a command built, which may carry a word's bytes (`CarriedBytes`): SQLite gets them.
    func runSQL(_ sql: String, line startLine: Int) -> Bool {
        runSQL(CarriedBytes.bytes(of: sql), line: startLine)
    }

    /// `runSQL` on bytes: they reach `sqlite3_prepare` exactly as given (no decoding), and an
    /// error names `startLine`, where the text starts, as sqlite3 names its input chunk's line.
    /// The statements come from the core's one loop over SQL text (`StatementCursor`).
    func runSQL(_ sql: [UInt8], line startLine: Int) -> Bool {
        let db = session.db
        // sqlite3's `.progress --reset`: the count starts over at each chunk of input.
        db.progressReport?.startInput()
        if formatter.settings != session.output { formatter.settings = session.output }
        if formatter.out !== session.out { formatter.out = session.out }
        // `.progress` counts the user's SQL only (not migsh's own queries).
        return db.reportingProgress { db.withStatements(in: sql) { statements -> Bool in
            let line = startLine
            while statements.skipWhiteSpace() {
                let wasInTransaction = session.inTransaction
                let started = DispatchTime.now()
                // Interactive only: learn from SQLite's authorizer what the statement does.
                let classify = session.confirmsDestructiveSQL && !wasInTransaction
                // A scratch session: learn from it which statements rename (SQLITE_ALTER_TABLE).
                let watchRenames = session.configuration.scratch != nil
                // At the terminal, `\x auto` may run a read-only statement twice (to measure it):
                // not one that calls a function with effects outside the database.
                let expanded = expandedWidth
                var events: [AuthorizerEvent] = []
                let prepared: Statement?
                do {
                    prepared = classify || watchRenames || expanded != nil
                        ? try db.observingAuthorizations({ events.append($0) }) { try statements.prepareNext() }
                        : try statements.prepareNext()
                } catch let error as MigshError {
                    if session.safeModeViolation != nil { return false }  // runUnit ends the run
                    // The context from the bytes themselves: SQLite's offset counts bytes.
                    sqlFailed(statements.remainingText, message: Shell.withCode(error), kind: .prepare, line: line,
                              context: SQLErrorContext.render(sql: Array(statements.remaining), offset: error.sqlOffset),
                              started: started, wasInTransaction: wasInTransaction)
                    return false
                } catch {
                    return false
                }
                let text = String(decoding: statements.lastText, as: UTF8.self)
                let statementLine = line
                guard let statement = prepared else { continue }  // comment only: white space to sqlite3
                inputChunk?.ranStatement = true
                // query_only stops writes to the database, but VACUUM INTO creates its target
                // file before failing: under --readonly it is refused before it runs.
                if session.configuration.readOnly, SQLScript.leadingWords(text, count: 1) == ["VACUUM"] {
                    sqlFailed(text, message: Array("VACUUM refused: the database was opened with --readonly".utf8), kind: .other,
                              line: statementLine, started: started, wasInTransaction: wasInTransaction)
                    return false
                }
                if classify, let reason = DestructiveStatement.classify(sql: text, events: events) {
                    guard session.ask?("\(reason). Run it?") == true else {
                        err.write("not run: \(text.trimming(.whitespacesAndNewlines))\n")
                        err.flush()
                        session.logStatement(trimmedSQL(text), outcome: .declined, durationMS: 0)
                        return false
                    }
                }
                let before = db.totalChanges
                if session.eqp != .off && statement.explainKind == .none {
                    showQueryPlan(of: statement)
                }
                SQLParameters.bind(statement, in: db)
                // A migration file binds nothing: what `.record` keeps has the values written in.
                var recordedText = text
                if session.recording {
                    do {
                        if let expanded = try SQLParameters.recordable(statement, in: db) { recordedText = expanded }
                    } catch {
                        sqlFailed(text, message: Array(((error as? MigshError)?.message ?? "\(error)").utf8), kind: .other, line: statementLine, started: started, wasInTransaction: wasInTransaction)
                        return false
                    }
                }
                do {
                    switch session.explain == .off ? .none : statement.explainKind {
                    case .explain: try formatter.writeExplain(statement)
                    case .queryPlan: try formatter.writeQueryPlan(statement)
                    case .none:
                        // psql's `\x auto`, on a terminal only: a table wider than it, one record a block.
                        if let width = expanded, !events.contains(where: ExpandedResults.hasEffects),
                           try ExpandedResults.write(statement, width: width, settings: session.output, to: out) {
                            break
                        }
                        let rows = try formatter.write(statement)
                        // sqlite3 pads .width with zeros up to a columnar result's column count.
                        let columns = statement.columnCount
                        if rows > 0 && session.output.mode.isColumnar && columns > session.output.columnWidths.count {
                            session.output.columnWidths += Array(repeating: 0, count: columns - session.output.columnWidths.count)
                            formatter.settings = session.output
                        }
                    }
                } catch let error as MigshError {
                    if session.safeModeViolation != nil { return false }  // VACUUM INTO: runUnit ends the run
                    sqlFailed(text, message: Shell.withCode(error), kind: .step, line: statementLine,
                              started: started, wasInTransaction: wasInTransaction, resultCode: error.resultCode)
                    return false
                } catch {
                    return false
                }
                // The rows are the statement's outcome: one that could not be written (a full
                // disk under `> file`) fails it.
                if let failure = standardOutputFailure() {
                    sqlFailed(text, message: Array(failure.message.utf8), kind: .other, line: statementLine,
                              started: started, wasInTransaction: wasInTransaction)
                    return false
                }
                let changed = db.totalChanges - before
                if session.stats != .off { StatsCommand.report(statement, in: self) }
                if session.recording {
                    session.recorder.observe(recordedText, readOnly: statement.isReadOnly, autocommitAfter: db.isAutocommit)
                }
                if watchRenames {
                    let readOnly = statement.isReadOnly
                    let renames = events.contains { $0.kind == .alterTable } && SchemaRename.parse(text) != nil
                    if renames || StatementRecorder.kind(of: text, readOnly: readOnly) != .change {
                        session.renameLog.observe(text, readOnly: readOnly, autocommitAfter: db.isAutocommit)
                    }
                }
                session.logStatement(trimmedSQL(text), outcome: .ok, rowsChanged: changed, durationMS: elapsedMS(since: started))
            }
            out.flush()
            return true
        } }
    }

    /// `.eqp on|trigger|full`: the statement's query plan (and with `full`, its bytecode)
    /// before its rows, as sqlite3 prints them.
    func showQueryPlan(of statement: Statement) {
        let db = session.db
        var sql = statement.sql
        while let first = sql.first, first.isWhitespace { sql.removeFirst() }
        let triggerEQP = db.isOn(.triggerEQP)
        if session.eqp >= .trigger { db.set(.triggerEQP, on: true) }
        defer { if session.eqp >= .trigger && !triggerEQP { db.set(.triggerEQP, on: false) } }
        if let plan = try? db.prepare("EXPLAIN QUERY PLAN " + sql) { try? formatter.writeQueryPlan(plan) }
        if session.eqp == .full, let program = try? db.prepare("EXPLAIN " + sql) { try? formatter.writeExplain(program) }
    }

    /// When an SQL error happened: sqlite3 words each differently.
    enum SQLFailure {
        case prepare, step, other
    }

    /// SQLite's message, with the primary result code after it unless it is 1 (sqlite3's
    /// `save_err_msg`).
    static func withCode(_ error: MigshError) -> [UInt8] {
        let code = error.resultCode?.primary.rawValue ?? ResultCode.error.rawValue
        return code > 1 ? error.messageBytes + Array(" (\(code))".utf8) : error.messageBytes
    }

    /// An SQL error on standard error, in sqlite3's words: in a script `Parse error near line
    /// N: …` (migsh adds `of FILE` for a named file), typed `Parse error: …`, and for SQL given
    /// on the command line `Error: in prepare, …` / `Error: stepping, …`; then the caret.
    /// `.timer on`: sqlite3's line — wall clock to the millisecond, then the process's user and
    /// system CPU since `cpuStarted`.
    func writeRunTime(since started: DispatchTime, cpu cpuStarted: CPUTime?) {
        let cpu = CPUTime.now().since(cpuStarted ?? CPUTime.now())
        out.write(cFormat("Run Time: real %.3f user %f sys %f\n", Double(elapsedMS(since: started)) / 1000, cpu.user, cpu.system))
    }

    func sqlFailed(_ text: String, message: [UInt8], kind: SQLFailure, line: Int, context: [UInt8] = [],
                           started: DispatchTime, wasInTransaction: Bool, resultCode: ResultCode? = nil) {
        // sqlite3's END_TIMER comes before the error message: a failing chunk gets its line.
        if let chunk = inputChunk, let cpu = chunk.cpu {
            writeRunTime(since: chunk.started, cpu: cpu)
            inputChunk = nil
        }
        out.flush()
        let decoded = String(decoding: message, as: UTF8.self)
        if firstError == nil { firstError = decoded }
        // Ctrl-C stopped it: audited as the dot-commands' interruptions are, not as an error.
        let stopped = resultCode?.primary == .interrupt && CancellationToken.interrupt.isRequested
        session.logStatement(trimmedSQL(text), outcome: stopped ? .interrupted : .error, durationMS: elapsedMS(since: started), error: decoded)
        let prefix: String
        if inScript || session.configuration.interactive {
            let word = kind == .prepare ? "Parse error" : kind == .step ? "Runtime error" : "Error"
            prefix = inScript ? "\(word) near line \(line)" + (sourceName.map { " of \($0)" } ?? "") + ": " : "\(word): "
        } else {
            prefix = kind == .prepare ? "Error: in prepare, " : kind == .step ? "Error: stepping, " : "Error: "
        }
        err.write(prefix)
        err.write(message)
        err.write(context)
        err.write(byte: 10)
        // At the prompt, a write refused by a read-only session says why (scripts keep sqlite3's lines).
        if session.configuration.interactive, !inScript, resultCode?.primary == .readOnly, let reason = session.readOnlyReason {
            err.write("This session is read-only: \(reason).\n")
        }
        if wasInTransaction && !session.inTransaction {
            session.recorder.transactionRolledBack()
            session.renameLog.transactionRolledBack()
            err.write("Note: SQLite rolled the open transaction back after this error; earlier changes in it are gone.\n")
            session.log(Audit.Rollback(reason: "SQLite rolled the transaction back after an error", error: decoded))
        }
        err.flush()
        failureCode = failureCode.keepingFirstFailure(.failure)
    }
}

/// A chunk of input run as SQL: when it started, the CPU time then (with `.timer on`), and
/// whether it held a statement (a chunk of comments and `;` only is white space to sqlite3).
struct InputChunk {
    let started = DispatchTime.now()
    let cpu: CPUTime?
    var ranStatement = false
}

/// The statement without surrounding white space (byte-level: no Foundation on the hot path).
func trimmedSQL(_ text: String) -> String {
    // Usually the statement has no surrounding white space (the caller skipped it): no copy.
    func isSpace(_ b: UInt8) -> Bool { b == 32 || (b >= 9 && b <= 13) }
    if let f = text.utf8.first, let l = text.utf8.last, !isSpace(f), !isSpace(l) { return text }
    return text.trimmingASCIIWhitespace()
}

func elapsedMS(since start: DispatchTime) -> Int {
    Int((DispatchTime.now().uptimeNanoseconds - start.uptimeNanoseconds) / 1_000_000)
}

/// The process's user and system CPU time (getrusage), for `.timer`.
struct CPUTime {
    var user: Double
    var system: Double

    static func now() -> CPUTime {
        var usage = rusage()
        getrusage(RUSAGE_SELF.rawValue, &usage)
        func seconds(_ t: timeval) -> Double { Double(t.tv_sec) + Double(t.tv_usec) / 1e6 }
        return CPUTime(user: seconds(usage.ru_utime), system: seconds(usage.ru_stime))
    }

    func since(_ start: CPUTime) -> CPUTime { CPUTime(user: user - start.user, system: system - start.system) }
}
