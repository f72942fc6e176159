import MigshCore

// How units end the run, and with which exit status (`ExitStatus`): safe mode's refusals,
// Ctrl-C, and a script that ends inside a transaction.
extension Shell {
    /// `-safe` ends the run at a refused unit; `.once` ends after each unit; a redirected file
    /// that failed (a full disk) is said. After Ctrl-C: a redirected file is said to be
    /// incomplete, and a script (batch) ends with exit 130.
    func afterUnit(_ ok: Bool, line: Int?, unit: @autoclosure () -> String) throws -> Bool {
        if let message = session.safeModeViolation {
            session.safeModeViolation = nil
            try safeModeViolation(message, unit: unit())
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
        // Inside `.read`, the `.read` says where its script stopped.
        if ok && !reported && readDepth == 0 { note("interrupted: the command had completed before it could stop") }
        return ok
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
