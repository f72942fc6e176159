import CMigshSQLite
import Foundation
import MigshCore

/// Runs input — command arguments, scripts, typed lines — against the session: dot-commands
/// by name, everything else as SQL when `sqlite3_complete()` says it is complete.
final class Shell {
    let session: Session
    /// Where the current input comes from, for error messages ("near line 12 of fix.sql").
    var sourceName: String?
    /// True while a script (a file, standard input, `.read`) runs: errors name their line.
    var inScript = false
    var readDepth = 0
    /// The number of the input line last read by the running script (sqlite3's p->lineno).
    var currentLine = 0
    /// Set once any command or statement failed (for --no-bail's exit status).
    var failureCode: ExitStatus = .success
    /// A failed write to standard output was reported (`standardOutputFailure()`).
    private var standardOutputFailureReported = false
    /// The first error reported, without its details (a fleet run's report names it).
    private(set) var firstError: String?
    private(set) var firstErrorCode: MigshError.Code?
    /// Told each command or statement as it starts (a fleet run's progress line shows it).
    var onUnit: ((String) -> Void)?
    /// The running unit already said that Ctrl-C stopped it.
    var interruptionReported = false
    /// Run after `.open` opened a database: the interactive shell's start-up check (none in batch mode).
    var onOpen: (() -> Void)?
    /// Takes the next SQL unit in place of running it (`.expert` analyses it), once; any
    /// dot-command drops it first, as sqlite3's do_meta_command drops a pending `.expert`.
    var nextSQLHandler: ((_ sql: [UInt8], _ line: Int) -> Bool)?

    var out: OutputBuffer { session.out }
    var err: OutputBuffer { session.err }
    var json: Bool { session.configuration.json }

    /// One formatter for the session (it owns a scratch buffer; settings follow `.mode`).
    let formatter: ResultFormatter
    /// The progress line of long work, on a terminal only (standard error).
    let progress: ProgressLine

    init(session: Session) {
        self.session = session
        formatter = ResultFormatter(settings: session.output, out: session.out)
        progress = ProgressLine(enabled: isatty(2) != 0 && session.configuration.interactive && !session.configuration.json
                                && session.err.fileDescriptor == 2)
    }

    // MARK: Reporting

    func report(_ error: any Error, line: Int? = nil) {
        if firstError == nil {
            firstError = (error as? MigshError)?.message ?? "\(error)"
            firstErrorCode = (error as? MigshError)?.code
        }
        var location = ""
        if let line {
            location = "near line \(line)" + (sourceName.map { " of \($0)" } ?? "") + ": "
        }
        Shell.writeError(error, location: location, to: err,
                         width: Terminal.width(fd: err.fileDescriptor, interactive: session.configuration.interactive),
                         backupsFolder: session.backupStore.directory)
    }

    /// `Error: [location]message`, then the details indented, on standard error; on a
    /// terminal (`width`) the words wrap, the SQL under a caret never does.
    /// A refusal's verdict is written under the message, its ways out naming backups in `backupsFolder`.
    static func writeError(_ error: any Error, location: String = "", to err: OutputBuffer, width: Int? = nil, backupsFolder: String = "") {
        let prefix = Colour.red("Error:") + " " + location
        if let e = error as? MigshError {
            err.write(wrapText(prefix + e.message, width: width) + "\n")
            if let sql = e.sql, e.resultCode != nil, e.sqlOffset != nil {
                // A statement SQLite refused (in a migration, say): sqlite3's caret under the spot.
                let context = SQLErrorContext.render(sql: sql, offset: e.sqlOffset)
                if !context.isEmpty { err.write(String(context.dropFirst()) + "\n") }
            }
            for line in e.verdict.map({ VerdictText.render($0, backupsFolder: backupsFolder).split(separator: "\n") }) ?? [] {
                err.write(wrapText("  " + line, width: width) + "\n")
            }
            for d in e.details { err.write(wrapText("  " + d, width: width) + "\n") }
            for h in e.hints { err.write(wrapText("  " + h.text, width: width) + "\n") }
            if e.code == .damaged && e.details.isEmpty {
                err.write(wrapText("  The database is damaged. Investigate with .diff and .check; restore a verified backup with .restore (.backups lists them).", width: width) + "\n")
            }
        } else {
            err.write(wrapText(prefix + "\(error)", width: width) + "\n")
        }
        err.flush()
    }

    /// Runs one unit (a dot-command line or complete SQL). Returns false on failure.
    /// `ShellExit` propagates.
    /// `echo`: false for COMMAND arguments and `-cmd`, which sqlite3 never echoes.
    @discardableResult
    func runUnit(_ text: String, line: Int?, echo: Bool = true) throws -> Bool {
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix(".") else { return try runSQLUnit(Array(text.utf8), line: line, echo: echo) }
        onUnit?(String(trimmed))
        if session.echo && echo { out.write(text.hasSuffix("\n") ? text : text + "\n") }
        let ok = try runDotCommand(String(trimmed.trimmingCharacters(in: .whitespacesAndNewlines)), line: line)
        return try afterUnit(ok, line: line, unit: text)
    }

    /// Runs one unit of input read by `SQLInput`. Returns false on failure.
    @discardableResult
    func run(_ unit: SQLInput.Unit) throws -> Bool {
        switch unit {
        case .nothing(let text):
            if session.echo { out.write(text); out.write(byte: 10) }
            return true
        case .dotCommand(let text, let line):
            return try runUnit(String(decoding: text, as: UTF8.self), line: line)
        case .sql(let text, let line):
            return try runSQLUnit(text, line: line)
        }
    }

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
        let paged = holdResultsForPager()
        let ok = runSQL(sql, line: line ?? 1)
        if paged { out.releaseHold() }
        return try afterUnit(ok, line: line, unit: String(decoding: sql, as: UTF8.self))
    }

    /// `-safe` ends the run at a refused unit; `.once` ends after each unit; a redirected file
    /// that failed (a full disk) is said. After Ctrl-C: a redirected file is said to be
    /// incomplete, and a script (batch) ends with exit 130.
    private func afterUnit(_ ok: Bool, line: Int?, unit: String) throws -> Bool {
        if let message = session.safeModeViolation {
            session.safeModeViolation = nil
            try safeModeViolation(message, unit: unit)
        }
        let interrupted = CancellationToken.interrupt.isRequested
        if interrupted, !interruptionReported, !ok, let name = session.redirection?.name {
            note("interrupted: \(name) is incomplete")
            interruptionReported = true
        }
        if session.redirection != nil, let problem = session.afterUnit() {
            report(problem, line: inScript ? line : nil)
            failureCode = failureCode.keepingFirstFailure(.failure)
            if !interrupted { return false }
        }
        guard interrupted else { return ok }
        let reported = interruptionReported
        interruptionReported = false
        if !session.configuration.interactive {
            if !reported { note(ok ? "interrupted: the script stops here (the command before completed)" : "interrupted: the script stops here") }
            throw ShellExit(exitStatus: .interrupted)
        }
        if ok && !reported { note("interrupted: the command had completed before it could stop") }
        return ok
    }

    func runDotCommand(_ line: String, line lineNumber: Int?) throws -> Bool {
        nextSQLHandler = nil
        let started = DispatchTime.now()
        defer { out.flush() }
        if session.configuration.safe {
            // sqlite3 -safe: a command that reaches beyond the database ends the run; `.nonce`
            // with the -nonce value lifts that for the next dot-command only.
            let words = DotCommands.words(ofCommandLine: line)
            let name = words.first.map { DotCommands.fullName(of: $0) ?? $0 } ?? ""
            if name == ".nonce" {
                guard words.count == 2 else {
                    err.write("Usage: .nonce NONCE\n")
                    failureCode = failureCode.keepingFirstFailure(.failure)
                    return false
                }
                guard let nonce = session.configuration.nonce, words[1] == nonce else {
                    try safeModeViolation("incorrect nonce: \"\(words[1])\"", unit: line)
                }
                session.safeModeLifted = true
                return true
            }
            defer { session.safeModeLifted = false }
            if let message = SafeMode.refusal(of: name, words: words), !session.safeModeLifted {
                try safeModeViolation(message, unit: line)
            }
        }
        do {
            try DotCommands.run(line: line, in: self)
            // Its output is part of its outcome: a full disk under `> file` fails the command.
            if let failure = standardOutputFailure() { throw failure }
            session.log(Audit.Command(command: line, outcome: .ok, durationMS: elapsedMS(since: started)))
            return true
        } catch let exit as ShellExit {
            session.log(Audit.Command(command: line, outcome: .ok, durationMS: nil))
            throw exit
        } catch let error as MigshError where error.code == .interrupted {
            // Ctrl-C: not a failure of the command; what it left is said, in plain words.
            out.flush()
            session.log(Audit.Command(command: line, outcome: .interrupted, error: error.message, durationMS: elapsedMS(since: started)))
            let name = DotCommands.words(ofCommandLine: line).first.map { DotCommands.fullName(of: $0) ?? $0 } ?? line
            note(error.message == "interrupted" ? "interrupted: \(name) stopped; nothing was changed" : error.message)
            for d in error.details { note("  " + d) }
            interruptionReported = true
            if failureCode == .success { failureCode = .interrupted }
            return false
        } catch is ConfirmationDeclined {
            // The user's answer, not a failure: a notice, and the run goes on.
            session.log(Audit.Command(command: line, outcome: .declined, durationMS: elapsedMS(since: started)))
            note("cancelled; nothing was changed")
            failureCode = failureCode.keepingFirstFailure(.failure)
            return false
        } catch {
            out.flush()
            session.log(Audit.Command(command: line, outcome: .error, error: (error as? MigshError)?.message ?? "\(error)",
                                      durationMS: elapsedMS(since: started)))
            // A diff's differences are its output, already printed: the status says so, no error line.
            let kind = (error as? MigshError)?.code
            if kind == .verbatim, let e = error as? MigshError {
                out.flush()
                err.write(e.message + "\n")
                err.flush()
            } else if kind != .schemaDiffers && kind != .saidAlready {
                // sqlite3's own commands say a usage or file error as sqlite3 does: no line,
                // and a usage line as it is (`Usage: .bail on|off`).
                if let kind, [.usage, .notFound, .io].contains(kind), DotCommands.isSQLite3Name(line), let e = error as? MigshError {
                    out.flush()
                    err.write(e.message.hasPrefix("Usage: ") ? e.message + "\n" : Colour.red("Error:") + " " + e.message + "\n")
                    for d in e.details { err.write("  " + d + "\n") }
                    err.flush()
                    if firstError == nil { (firstError, firstErrorCode) = (e.message, e.code) }
                } else {
                    report(error, line: inScript ? lineNumber : nil)
                }
            }
            failureCode = failureCode.keepingFirstFailure(ExitStatus(error))
            return false
        }
    }

    /// sqlite3's failIfSafeMode: `line N: MESSAGE` on standard error, and the run ends, exit 1
    /// (an open transaction is rolled back, as at any end of a script).
    /// The line is sqlite3's: the input line last read (0 for COMMAND arguments and -cmd).
    func safeModeViolation(_ message: String, unit: String) throws -> Never {
        out.flush()
        err.write("line \(inScript ? currentLine : 0): \(message)\n")
        err.flush()
        session.log(Audit.Command(command: trimmedSQL(unit), outcome: .refused, error: message, durationMS: nil))
        throw ShellExit(exitStatus: .failure)
    }

    /// Standard output that refused what was written to it (ENOSPC, EIO, EFBIG), said once:
    /// the output is incomplete, so the command that wrote it failed. A reader that went
    /// away (EPIPE: `migsh … | head`) is not an error, as in sqlite3. Flushes what is
    /// buffered for standard output (nothing to do when nothing is).
    func standardOutputFailure() -> MigshError? {
        let stdout = session.standardOutput
        guard !standardOutputFailureReported else { return nil }
        stdout.flush()
        guard stdout.isBroken, stdout.failure != EPIPE else { return nil }
        standardOutputFailureReported = true
        return MigshError(.io, "writing standard output failed: \(String(cString: strerror(stdout.failure))); the output is incomplete")
    }

    // MARK: SQL

    /// Runs every statement of `sql`, printing results in the current mode: each statement
    /// is prepared and stepped through the core's `Statement`, one after the other.
    func runSQL(_ sql: String, line startLine: Int) -> Bool {
        runSQL(Array(sql.utf8), line: startLine)
    }

    /// `runSQL` on bytes: they reach `sqlite3_prepare` exactly as given (no decoding), and an
    /// error names `startLine`, where the text starts, as sqlite3 names its input chunk's line.
    func runSQL(_ sql: [UInt8], line startLine: Int) -> Bool {
        let db = session.db
        // sqlite3's `.progress --reset`: the count starts over at each chunk of input.
        db.progressReport?.startInput()
        if formatter.settings != session.output { formatter.settings = session.output }
        if formatter.out !== session.out { formatter.out = session.out }
        var text = sql
        text.append(0)
        // `.progress` counts the user's SQL only (not migsh's own queries).
        return db.reportingProgress { text.withUnsafeBufferPointer { buffer -> Bool in
            let base = UnsafeRawPointer(buffer.baseAddress!).assumingMemoryBound(to: CChar.self)
            var cursor: UnsafePointer<CChar> = base
            let line = startLine
            while cursor.pointee != 0 {
                while cursor.pointee != 0, isspace(Int32(UInt8(bitPattern: cursor.pointee))) != 0 { cursor += 1 }
                if cursor.pointee == 0 { break }
                let wasInTransaction = session.inTransaction
                let started = DispatchTime.now()
                let cpuStarted = session.timer ? CPUTime.now() : nil
                // Interactive only: learn from SQLite's authorizer what the statement does.
                let classify = session.confirmsDestructiveSQL && !wasInTransaction
                // A scratch session: learn from it which statements rename (SQLITE_ALTER_TABLE).
                let watchRenames = session.configuration.scratch != nil
                // At the terminal, `\x auto` may run a read-only statement twice (to measure it):
                // not one that calls a function with effects outside the database.
                let expanded = expandedWidth
                var events: [AuthorizerEvent] = []
                var tail: UnsafePointer<CChar>?
                let prepared: Statement?
                do {
                    prepared = classify || watchRenames || expanded != nil
                        ? try db.observingAuthorizations({ events.append($0) }) { try db.prepare(first: cursor, tail: &tail) }
                        : try db.prepare(first: cursor, tail: &tail)
                } catch let error as MigshError {
                    if session.safeModeViolation != nil { return false }  // runUnit ends the run
                    // The context from the bytes themselves: SQLite's offset counts bytes.
                    let rest = UnsafeBufferPointer(start: UnsafeRawPointer(cursor).assumingMemoryBound(to: UInt8.self),
                                                   count: buffer.count - 1 - (cursor - base))
                    sqlFailed(String(cString: cursor), message: Shell.withCode(error), kind: .prepare, line: line,
                              context: SQLErrorContext.render(sql: Array(rest), offset: error.sqlOffset),
                              started: started, wasInTransaction: wasInTransaction)
                    return false
                } catch {
                    return false
                }
                let next = tail ?? cursor
                let text = String(decoding: UnsafeRawBufferPointer(start: cursor, count: next - cursor), as: UTF8.self)
                let statementLine = line
                cursor = next
                guard let statement = prepared else { continue }  // comment only
                // query_only stops writes to the database, but VACUUM INTO creates its target
                // file before failing: under --readonly it is refused before it runs.
                if session.configuration.readOnly, SQLScript.leadingWords(text, count: 1) == ["VACUUM"] {
                    sqlFailed(text, message: Array("VACUUM refused: the database was opened with --readonly".utf8), kind: .other,
                              line: statementLine, started: started, wasInTransaction: wasInTransaction)
                    return false
                }
                if classify, let reason = DestructiveStatement.classify(sql: text, events: events) {
                    guard session.ask?("\(reason). Run it?") == true else {
                        err.write("not run: \(text.trimmingCharacters(in: .whitespacesAndNewlines))\n")
                        err.flush()
                        session.logStatement(trimmedSQL(text), outcome: .declined, durationMS: 0)
                        return false
                    }
                }
                let before = db.totalChanges
                if session.eqp != .off && sqlite3_stmt_isexplain(statement.sqliteHandle) == 0 {
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
                    switch session.explain == .off ? 0 : sqlite3_stmt_isexplain(statement.sqliteHandle) {
                    case 1: try formatter.writeExplain(statement)
                    case 2: try formatter.writeQueryPlan(statement)
                    default:
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
                if session.timer {
                    // sqlite3's line: wall clock to the millisecond, then the process's user and system CPU.
                    let cpu = CPUTime.now().since(cpuStarted ?? CPUTime.now())
                    out.write(String(format: "Run Time: real %.3f user %f sys %f\n", Double(elapsedMS(since: started)) / 1000, cpu.user, cpu.system))
                }
                if session.showChanges {
                    out.write("changes: \(db.changes)   total_changes: \(db.totalChanges)\n")
                }
                if session.stats != .off { StatsCommand.report(statement, in: self) }
                if session.recording {
                    session.recorder.observe(recordedText, readOnly: sqlite3_stmt_readonly(statement.sqliteHandle) != 0, autocommitAfter: db.isAutocommit)
                }
                if watchRenames {
                    let readOnly = sqlite3_stmt_readonly(statement.sqliteHandle) != 0
                    let renames = events.contains { $0.action == SQLITE_ALTER_TABLE } && SchemaRename.parse(text) != nil
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
        let handle = db.sqliteHandle
        var triggerEQP: Int32 = 0
        migsh_sqlite3_db_config_int(handle, SQLITE_DBCONFIG_TRIGGER_EQP, -1, &triggerEQP)
        if session.eqp >= .trigger { migsh_sqlite3_db_config_int(handle, SQLITE_DBCONFIG_TRIGGER_EQP, 1, nil) }
        defer { if session.eqp >= .trigger && triggerEQP == 0 { migsh_sqlite3_db_config_int(handle, SQLITE_DBCONFIG_TRIGGER_EQP, 0, nil) } }
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
        let code = error.resultCode?.primary.rawValue ?? SQLITE_ERROR
        return code > 1 ? error.messageBytes + Array(" (\(code))".utf8) : error.messageBytes
    }

    /// An SQL error on standard error, in sqlite3's words: in a script `Parse error near line
    /// N: …` (migsh adds `of FILE` for a named file), typed `Parse error: …`, and for SQL given
    /// on the command line `Error: in prepare, …` / `Error: stepping, …`; then the caret.
    func sqlFailed(_ text: String, message: [UInt8], kind: SQLFailure, line: Int, context: [UInt8] = [],
                           started: DispatchTime, wasInTransaction: Bool, resultCode: ResultCode? = nil) {
        out.flush()
        let decoded = String(decoding: message, as: UTF8.self)
        if firstError == nil { firstError = decoded }
        session.logStatement(trimmedSQL(text), outcome: .error, durationMS: elapsedMS(since: started), error: decoded)
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

    // MARK: Scripts

    /// Runs a script read line by line, as sqlite3's process_input does (`SQLInput`): its
    /// bytes reach SQLite unchanged, and SQL still pending at the end of input runs as it is.
    /// Returns the number of failures; stops at the first when bail is on. `ShellExit` propagates.
    func runScript(lines: inout some LineSource, name: String?) throws -> Int {
        let (savedName, savedInScript) = (sourceName, inScript)
        (sourceName, inScript) = (name, true)
        defer { (sourceName, inScript) = (savedName, savedInScript) }
        var input = SQLInput()
        var failures = 0
        var lineNumber = 0
        while let line = lines.nextLine() {
            lineNumber += 1
            currentLine = lineNumber
            guard let unit = input.add(line) else { continue }
            if !(try run(unit)) {
                failures += 1
                if session.bail { return failures }
            }
            // Ctrl-C ends a script read with `.read` too.
            if CancellationToken.interrupt.isRequested { return failures + 1 }
        }
        if let unit = input.finish(), !(try run(unit)) {
            failures += 1
        }
        return failures
    }

    /// The end of a non-interactive session: an open transaction is rolled back, said on
    /// standard error, and the exit status is 1 — never a silent commit or rollback.
    func finishBatch() -> ExitStatus {
        if session.inTransaction {
            try? session.db.execute("ROLLBACK")
            err.write("Error: the script ended with a transaction open; it was rolled back (add COMMIT to keep the changes)\n")
            err.flush()
            session.log(Audit.Rollback(reason: "script ended with a transaction open"))
            failureCode = failureCode.keepingFirstFailure(.failure)
        }
        return failureCode
    }
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

/// A source of input lines (without their newline), as bytes: never decoded.
protocol LineSource {
    mutating func nextLine() -> [UInt8]?
}

/// Lines from a C stream, read with getline (no size limit, no per-line buffering surprises).
struct FileLineSource: LineSource {
    let file: UnsafeMutablePointer<FILE>
    mutating func nextLine() -> [UInt8]? {
        // After Ctrl-C no more of the script is read (a read already waiting ends with EINTR).
        if CancellationToken.interrupt.isRequested { return nil }
        var ptr: UnsafeMutablePointer<CChar>?
        var cap = 0
        let n = getline(&ptr, &cap, file)
        defer { free(ptr) }
        guard n >= 0, let ptr else { return nil }
        var len = n
        if len > 0 && ptr[len - 1] == 10 { len -= 1 }
        if len > 0 && ptr[len - 1] == 13 { len -= 1 }
        return Array(UnsafeRawBufferPointer(start: ptr, count: len))
    }
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
