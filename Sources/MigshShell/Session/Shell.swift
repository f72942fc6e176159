import Dispatch
import FoundationEssentials
import Glibc
import MigshBase
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
    var firstError: String?
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
    /// The chunk of input being run as SQL (sqlite3's `runOneSqlLine`): `.timer` and
    /// `.changes` report once per chunk, not per statement.
    var inputChunk: InputChunk?
    /// sqlite3 opens a database that is no file yet (`:memory:`, "") only when SQL or a command
    /// needs it; until then its `.vfslist` marks no VFS current and `.vfsinfo` prints nothing.
    /// migsh opens it at start-up, and remembers here whether sqlite3 would have by now.
    var sqlite3WouldHaveOpened = false
    /// The running dot-command's name as typed, without its dot (`expe` for `.expe`): sqlite3
    /// names a command so in some of its messages.
    var commandName: String?

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
    /// `text` carries any bytes that are not UTF-8 (`CarriedBytes`): they reach SQLite, and
    /// a dot-command's words, as given.
    @discardableResult
    func runUnit(_ text: String, line: Int?, echo: Bool = true) throws -> Bool {
        let trimmed = text.drop { $0 == " " || $0 == "\t" }
        guard trimmed.hasPrefix(".") else { return try runSQLUnit(CarriedBytes.bytes(of: text), line: line, echo: echo) }
        onUnit?(String(trimmed))
        if session.echo && echo { out.write(text.hasSuffix("\n") ? text : text + "\n") }
        let ok = try runDotCommand(String(trimmed.trimming(.whitespacesAndNewlines)), line: line)
        return try afterUnit(ok, line: line, unit: text)
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

}
