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
    /// Set once any command or statement failed (for --no-bail's exit status).
    var failureCode: Int32 = 0
    /// A failed write to standard output was reported (`standardOutputFailure()`).
    private var standardOutputFailureReported = false
    /// The first error reported, without its details (a fleet run's report names it).
    private(set) var firstError: String?
    private(set) var firstErrorCode: MigshError.Code?
    /// Told each command or statement as it starts (a fleet run's progress line shows it).
    var onUnit: ((String) -> Void)?

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
        Shell.writeError(error, location: location, to: err)
    }

    /// `Error: [location]message`, then the details indented, on standard error.
    static func writeError(_ error: any Error, location: String = "", to err: OutputBuffer) {
        let prefix = Colour.red("Error:") + " " + location
        if let e = error as? MigshError {
            err.write(prefix + e.message + "\n")
            if let sql = e.sql, e.resultCode != nil, e.sqlOffset != nil {
                // A statement SQLite refused (in a migration, say): sqlite3's caret under the spot.
                let context = SQLErrorContext.render(sql: sql, offset: e.sqlOffset)
                if !context.isEmpty { err.write(String(context.dropFirst()) + "\n") }
            }
            for d in e.details { err.write("  " + d + "\n") }
            for h in e.hints { err.write("  " + h.text + "\n") }
            if e.code == .damaged && e.details.isEmpty {
                err.write("  The database is damaged. Investigate with .diff and .check; restore a verified backup with .restore (.backups lists them).\n")
            }
        } else {
            err.write(prefix + "\(error)\n")
        }
        err.flush()
    }

    static func exitCode(for error: any Error) -> Int32 {
        if let exit = error as? ShellExit { return exit.code }
        guard let e = error as? MigshError else { return 1 }
        switch e.code {
        case .databaseTooNew: return 3
        case .migrationFailed: return 4
        default: return 1
        }
    }

    /// Runs one unit (a dot-command line or complete SQL). Returns false on failure.
    /// `ShellExit` propagates.
    @discardableResult
    func runUnit(_ text: String, line: Int?) throws -> Bool {
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        onUnit?(String(trimmed))
        if session.echo { out.write(text.hasSuffix("\n") ? text : text + "\n") }
        let ok = trimmed.hasPrefix(".")
            ? try runDotCommand(String(trimmed.trimmingCharacters(in: .whitespacesAndNewlines)), line: line)
            : runSQL(text, line: line ?? 1)
        // `.once` ends after this unit; a redirected file that failed (a full disk) is said.
        if session.redirection != nil, let problem = session.afterUnit() {
            report(problem, line: inScript ? line : nil)
            if failureCode == 0 { failureCode = 1 }
            return false
        }
        return ok
    }

    func runDotCommand(_ line: String, line lineNumber: Int?) throws -> Bool {
        let started = DispatchTime.now()
        defer { out.flush() }
        do {
            try DotCommands.run(line: line, in: self)
            // Its output is part of its outcome: a full disk under `> file` fails the command.
            if let failure = standardOutputFailure() { throw failure }
            session.log(Audit.Command(command: line, outcome: "ok", durationMS: elapsedMS(since: started)))
            return true
        } catch let exit as ShellExit {
            session.log(Audit.Command(command: line, outcome: "ok", durationMS: nil))
            throw exit
        } catch {
            out.flush()
            session.log(Audit.Command(command: line, outcome: "error", error: (error as? MigshError)?.message ?? "\(error)",
                                      durationMS: elapsedMS(since: started)))
            // A diff's differences are its output, already printed: the status says so, no error line.
            if (error as? MigshError)?.code != .schemaDiffers { report(error, line: inScript ? lineNumber : nil) }
            let code = Shell.exitCode(for: error)
            if failureCode == 0 || code > 1 { failureCode = code }
            return false
        }
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
        let db = session.db
        if formatter.settings != session.output { formatter.settings = session.output }
        if formatter.out !== session.out { formatter.out = session.out }
        // withCString: native strings are already NUL-terminated UTF-8, so no copy.
        return sql.withCString { base -> Bool in
            var cursor: UnsafePointer<CChar> = base
            var line = startLine
            while cursor.pointee != 0 {
                // Line of the statement's first token, for error messages.
                while cursor.pointee != 0, isspace(Int32(UInt8(bitPattern: cursor.pointee))) != 0 {
                    if cursor.pointee == 10 { line += 1 }
                    cursor += 1
                }
                if cursor.pointee == 0 { break }
                let wasInTransaction = session.inTransaction
                let started = DispatchTime.now()
                // Interactive only: learn from SQLite's authorizer what the statement does.
                let classify = session.confirmsDestructiveSQL && !wasInTransaction
                var events: [AuthorizerEvent] = []
                var tail: UnsafePointer<CChar>?
                let prepared: Statement?
                do {
                    prepared = classify
                        ? try db.observingAuthorizations({ events.append($0) }) { try db.prepare(first: cursor, tail: &tail) }
                        : try db.prepare(first: cursor, tail: &tail)
                } catch let error as MigshError {
                    sqlFailed(String(cString: cursor), message: error.message, kind: "Parse error", line: line,
                              context: SQLErrorContext.render(sql: error.sql, offset: error.sqlOffset),
                              started: started, wasInTransaction: wasInTransaction)
                    return false
                } catch {
                    return false
                }
                let next = tail ?? cursor
                let text = String(decoding: UnsafeRawBufferPointer(start: cursor, count: next - cursor), as: UTF8.self)
                let statementLine = line
                for p in cursor..<next where p.pointee == 10 { line += 1 }
                cursor = next
                guard let statement = prepared else { continue }  // comment only
                // query_only stops writes to the database, but VACUUM INTO creates its target
                // file before failing: under --readonly it is refused before it runs.
                if session.configuration.readOnly, SQLScript.leadingWords(text, count: 1) == ["VACUUM"] {
                    sqlFailed(text, message: "VACUUM refused: the database was opened with --readonly", kind: "Error",
                              line: statementLine, started: started, wasInTransaction: wasInTransaction)
                    return false
                }
                if classify, let reason = DestructiveStatement.classify(sql: text, events: events) {
                    guard session.ask?("\(reason). Run it?") == true else {
                        err.write("not run: \(text.trimmingCharacters(in: .whitespacesAndNewlines))\n")
                        err.flush()
                        session.logStatement(trimmedSQL(text), outcome: "declined", durationMS: 0)
                        return false
                    }
                }
                let before = db.totalChanges
                if session.eqp > 0 && sqlite3_stmt_isexplain(statement.sqliteHandle) == 0 {
                    showQueryPlan(of: statement)
                }
                SQLParameters.bind(statement, in: db)
                do {
                    switch session.explain == .off ? 0 : sqlite3_stmt_isexplain(statement.sqliteHandle) {
                    case 1: try formatter.writeExplain(statement)
                    case 2: try formatter.writeQueryPlan(statement)
                    default:
                        let rows = try formatter.write(statement)
                        // sqlite3 pads .width with zeros up to a columnar result's column count.
                        let columns = statement.columnCount
                        if rows > 0 && session.output.mode.isColumnar && columns > session.output.columnWidths.count {
                            session.output.columnWidths += Array(repeating: 0, count: columns - session.output.columnWidths.count)
                            formatter.settings = session.output
                        }
                    }
                } catch let error as MigshError {
                    // sqlite3 prints the primary result code after a runtime error.
                    // sqlite3 adds the primary result code after a runtime error, unless it is 1.
                    let code = error.resultCode?.primary.rawValue ?? SQLITE_ERROR
                    sqlFailed(text, message: code > 1 ? "\(error.message) (\(code))" : error.message, kind: "Runtime error", line: statementLine,
                              started: started, wasInTransaction: wasInTransaction)
                    return false
                } catch {
                    return false
                }
                // The rows are the statement's outcome: one that could not be written (a full
                // disk under `> file`) fails it.
                if let failure = standardOutputFailure() {
                    sqlFailed(text, message: failure.message, kind: "Error", line: statementLine,
                              started: started, wasInTransaction: wasInTransaction)
                    return false
                }
                let changed = db.totalChanges - before
                if session.timer {
                    out.write(String(format: "Run Time: real %.3f\n", Double(elapsedMS(since: started)) / 1000))
                }
                if session.showChanges {
                    out.write("changes: \(db.changes)   total_changes: \(db.totalChanges)\n")
                }
                if session.stats > 0 { StatsCommand.report(statement, in: self) }
                if session.recording {
                    session.recorder.observe(text, readOnly: sqlite3_stmt_readonly(statement.sqliteHandle) != 0, autocommitAfter: db.isAutocommit)
                }
                session.logStatement(trimmedSQL(text), outcome: "ok", rowsChanged: changed, durationMS: elapsedMS(since: started))
            }
            out.flush()
            return true
        }
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
        if session.eqp >= 2 { migsh_sqlite3_db_config_int(handle, SQLITE_DBCONFIG_TRIGGER_EQP, 1, nil) }
        defer { if session.eqp >= 2 && triggerEQP == 0 { migsh_sqlite3_db_config_int(handle, SQLITE_DBCONFIG_TRIGGER_EQP, 0, nil) } }
        if let plan = try? db.prepare("EXPLAIN QUERY PLAN " + sql) { try? formatter.writeQueryPlan(plan) }
        if session.eqp >= 3, let program = try? db.prepare("EXPLAIN " + sql) { try? formatter.writeExplain(program) }
    }

    private func sqlFailed(_ text: String, message: String, kind: String, line: Int, context: String = "",
                           started: DispatchTime, wasInTransaction: Bool) {
        out.flush()
        if firstError == nil { firstError = message }
        session.logStatement(trimmedSQL(text), outcome: "error", durationMS: elapsedMS(since: started), error: message)
        var location = ""
        if sourceName != nil || line > 1 || session.configuration.interactive == false {
            location = " near line \(line)" + (sourceName.map { " of \($0)" } ?? "")
        }
        err.write("\(kind)\(location): \(message)\(context)\n")
        if wasInTransaction && !session.inTransaction {
            session.recorder.transactionRolledBack()
            err.write("Note: SQLite rolled the open transaction back after this error; earlier changes in it are gone.\n")
            session.log(Audit.Rollback(reason: "SQLite rolled the transaction back after an error", error: message))
        }
        err.flush()
        if failureCode == 0 { failureCode = 1 }
    }

    // MARK: Scripts

    /// Runs a script read line by line, as sqlite3's process_input does. Returns the number
    /// of failures; stops at the first when bail is on. `ShellExit` propagates.
    func runScript(lines: inout some LineSource, name: String?) throws -> Int {
        let (savedName, savedInScript) = (sourceName, inScript)
        (sourceName, inScript) = (name, true)
        defer { (sourceName, inScript) = (savedName, savedInScript) }
        var buffer = ""
        var bufferLine = 0
        var lineNumber = 0
        var failures = 0
        while let raw = lines.nextLine() {
            lineNumber += 1
            let line = raw
            if buffer.isEmpty {
                if Shell.isAllWhitespace(line) {
                    if session.echo { out.write(line + "\n") }
                    continue
                }
                if line.first == "." {
                    if !(try runUnit(line, line: lineNumber)) {
                        failures += 1
                        if session.bail { return failures }
                    }
                    continue
                }
                bufferLine = lineNumber
            }
            // The common case in scripts, one complete statement per line: no buffer to build.
            if buffer.isEmpty && SQLScript.isComplete(line) {
                if !(try runUnit(line, line: lineNumber)) {
                    failures += 1
                    if session.bail { return failures }
                }
                continue
            }
            buffer += line
            buffer += "\n"
            if SQLScript.isComplete(buffer) {
                let ok = try runUnit(buffer, line: bufferLine)
                buffer = ""
                if !ok {
                    failures += 1
                    if session.bail { return failures }
                }
            }
        }
        if !buffer.isEmpty && !Shell.isAllWhitespace(buffer) {
            err.write("Parse error near line \(bufferLine)" + (name.map { " of \($0)" } ?? "") + ": incomplete input (an unterminated statement, string or trigger at end of input)\n")
            err.flush()
            session.logStatement(trimmedSQL(buffer), outcome: "error", durationMS: 0, error: "incomplete input")
            failures += 1
            if failureCode == 0 { failureCode = 1 }
        }
        return failures
    }

    /// True when the line holds only white space and comments (sqlite3's _all_whitespace).
    static func isAllWhitespace(_ text: String) -> Bool {
        // Fast path: the first non-blank byte decides unless it may start a comment.
        for byte in text.utf8 where !(byte == 32 || byte == 9 || byte == 10 || byte == 13 || byte == 11 || byte == 12) {
            if byte != UInt8(ascii: "-") && byte != UInt8(ascii: "/") { return false }
            break
        }
        var tokenizer = SQLTokenizer(text)
        return tokenizer.next() == nil && !text.contains("'") && !text.contains("\"")
    }

    /// The end of a non-interactive session: an open transaction is rolled back, said on
    /// standard error, and the exit status is 1 — never a silent commit or rollback.
    func finishBatch() -> Int32 {
        if session.inTransaction {
            try? session.db.execute("ROLLBACK")
            err.write("Error: the script ended with a transaction open; it was rolled back (add COMMIT to keep the changes)\n")
            err.flush()
            session.log(Audit.Rollback(reason: "script ended with a transaction open"))
            if failureCode == 0 { failureCode = 1 }
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

/// A source of input lines (without their newline).
protocol LineSource {
    mutating func nextLine() -> String?
}

/// Lines from a C stream, read with getline (no size limit, no per-line buffering surprises).
struct FileLineSource: LineSource {
    let file: UnsafeMutablePointer<FILE>
    mutating func nextLine() -> String? {
        var ptr: UnsafeMutablePointer<CChar>?
        var cap = 0
        let n = getline(&ptr, &cap, file)
        defer { free(ptr) }
        guard n >= 0, let ptr else { return nil }
        var len = n
        if len > 0 && ptr[len - 1] == 10 { len -= 1 }
        if len > 0 && ptr[len - 1] == 13 { len -= 1 }
        return String(decoding: UnsafeRawBufferPointer(start: ptr, count: len), as: UTF8.self)
    }
}
