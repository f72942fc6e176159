import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// The interactive shell: prompt with database and version, multi-line SQL, history,
/// completion, the startup check, and the quit prompt when a transaction is open.
struct InteractiveShell {
    let shell: Shell
    let reader: any LineReader
    var session: Session { shell.session }

    /// The history file; a variable's bytes are kept (a name that is not UTF-8 is carried).
    static func historyPath() -> String {
        func variable(_ name: String) -> String? { getenv(name).map { FileSystem.string(fromPath: $0) } }
        if let p = variable("MIGSH_HISTORY"), !p.isEmpty { return p }
        if let state = variable("XDG_STATE_HOME"), !state.isEmpty {
            return state.pathAppending("migsh/history")
        }
        return homeDirectory().pathAppending(".migsh_history")
    }

    func prompt() -> String {
        let name = session.promptName ?? (session.configuration.scratch?.original ?? session.configuration.databasePath).pathLastComponent
        let version = session.currentVersion.map { "v\($0)" } ?? "v?"
        return "\(name) \(version)\(session.inTransaction ? "*" : "")\(session.configuration.scratch != nil ? " [scratch]" : "")"
            + "\(session.readOnlyReason != nil ? " [read-only]" : "")> "
    }

    func run() -> ExitStatus {
        let history = InteractiveShell.historyPath()
        reader.loadHistory(history)
        var input = SQLInput()
        // The lines of the entry being typed: a statement over several lines is one history
        // entry, recalled whole.
        var entry: [[UInt8]] = []
        // Completion sees the statement typed so far on earlier lines too (its FROM names the tables).
        reader.completer = { [session] line, word, after in
            Completion(sources: session).candidates(line: line, word: word,
                                                    statementBefore: input.hasPending ? String(decoding: input.pending, as: UTF8.self) + "\n" : "",
                                                    after: after)
        }
        // A temporary database (`:memory:`, "") leaves no file behind: its lines are not kept.
        let keepsHistory = !Session.isTemporary(session.configuration.databasePath)
        defer { if keepsHistory { reader.saveHistory(history) } }
        shell.out.write("migsh \(MigshVersion.current) — enter \".help\" for help\n")
        shell.out.flush()
        // The spec's start-up check is for installations; a temporary database is none.
        if keepsHistory { startupCheck() }
        shell.onOpen = { [self] in startupCheck() }
        defer { shell.onOpen = nil }  // the closure holds this shell: no cycle past the session

        while true {
            InterruptHandler.interrupted = 0
            // A Ctrl-C stops the work of the line it came during, not the next one.
            CancellationToken.interrupt.reset()
            guard let line = reader.readLineBytes(prompt: input.hasPending ? session.continuationPrompt : prompt()) else {
                if InterruptHandler.interrupted != 0 {
                    // Ctrl-C at the prompt: libedit returns no line; drop what was pending.
                    shell.out.write("^C\n")
                    shell.out.flush()
                    input.reset()
                    entry = []
                    continue
                }
                // Ctrl-D
                shell.out.write("\n")
                shell.out.flush()
                if input.hasPending {
                    // An unfinished statement is not run at end of typed input: say so.
                    let lines = input.pending.split(separator: 10, omittingEmptySubsequences: false)
                    shell.note("dropped the unfinished statement (no closing ;): \(String(decoding: lines.first ?? [], as: UTF8.self))\(lines.count > 1 ? " …" : "")")
                    input.reset()
                    entry = []
                }
                if let code = quit() { return code }
                continue
            }
            if reader.takeEditRequest() {
                // Ctrl-X Ctrl-E: the statement typed so far (its earlier lines and this one)
                // in $EDITOR, then run as `.edit` runs it (psql's `\e`).
                shell.out.write("\n")
                let typed = String(decoding: Array((entry + [line]).joined(separator: [10])), as: UTF8.self)
                input.reset()
                entry = []
                do {
                    if let edited = try EditCommand.edit(typed, in: shell) {
                        reader.addHistoryBytes(Array(edited.utf8))
                        if keepsHistory { reader.saveHistory(history) }
                    }
                } catch let exit as ShellExit {
                    if let code = quit(exitCode: exit.exitStatus) { return code }
                } catch {
                    shell.report(error)
                    // What was typed is not lost: ↑ brings it back.
                    if typed.contains(where: { !$0.isWhitespace }) {
                        reader.addHistoryBytes(Array(typed.utf8))
                        if keepsHistory { reader.saveHistory(history) }
                        shell.note("the statement typed is in the history: ↑ brings it back")
                    }
                }
                continue
            }
            if line.contains(where: { $0 != 32 && $0 != 9 }) || !entry.isEmpty { entry.append(line) }
            // A recalled entry of several lines comes back as one: fed line by line, as typed.
            for part in line.split(separator: 10, omittingEmptySubsequences: false) {
                guard let unit = input.add(part) else { continue }
                if !input.hasPending && !entry.isEmpty {
                    let whole = Array(entry.joined(separator: [10]))
                    if case .sql = unit { session.lastStatement = String(decoding: whole, as: UTF8.self) }
                    reader.addHistoryBytes(whole)
                    entry = []
                    // Written at once: a terminal closed under the shell (SIGHUP) loses nothing.
                    if keepsHistory { reader.saveHistory(history) }
                }
                do {
                    _ = try shell.run(unit)
                } catch let exit as ShellExit {
                    if let code = quit(exitCode: exit.exitStatus) { return code }
                } catch {
                    shell.report(error)
                }
            }
        }
    }

    /// Spec §4.1: up to date → continue; newer → "Database Version Too New"; older → the
    /// "DATABASE UPDATE REQUIRED" confirmation, and the `Apply` operation on yes, exactly as
    /// `.apply` runs it: the same validation and the same consistency policy (a drifted schema
    /// is warned about, a state no migration made gets the verdict instead of the update). A
    /// read-only session is never offered an update.
    func startupCheck() {
        let status: VersionStatus
        let folder: MigrationFolder
        do {
            folder = try session.loadFolder()
            status = try session.versionStatus(folder)
        } catch {
            shell.report(error)
            return
        }
        switch status.state {
        case .folderError:
            shell.note("The migrations folder has errors; nothing can be applied until they are fixed:")
            for e in status.folderErrors { shell.note("  \(e.text)") }
            return
        case .databaseNewer:
            shell.note(DatabaseTooNew.message(current: status.currentVersion, required: status.requiredVersion))
            // An older application's shell must not change a newer database: read-only from here.
            if (try? session.db.execute("PRAGMA query_only = ON")) != nil {
                session.configuration.readOnly = true
                session.newerDatabaseReason = "the database (schema version \(status.currentVersion)) is newer than this application (\(status.requiredVersion))"
                shell.note("You may need to download the latest version. This session is read-only: investigate, nothing can be changed.")
            }
            return
        case .upToDate:
            guard consistent(folder, version: status.currentVersion) else { return }
            shell.note("schema version \(status.currentVersion): up to date")
            return
        case .pending:
            break
        }
        if session.configuration.readOnly {
            guard consistent(folder, version: status.currentVersion), let plan = try? session.plan(folder) else { return }
            shell.note(UpdateRequired.text(plan, width: Terminal.width(fd: 2, interactive: true)))
            shell.note("Not offered: the database was opened with --readonly. .pending lists the migrations.")
            return
        }
        do {
            try ApplyCommand.perform(Apply.Request(), in: shell, confirming: StartupUpdate(shell: shell, reader: reader))
        } catch let error as MigshError where error.verdict != nil {
            notInRecordedState(error.verdict!)
        } catch is ConfirmationDeclined {
            shell.note("Not updated. Run .apply when ready; .pending lists the migrations.")
        } catch let error as MigshError where error.code == .interrupted {
            shell.note(error.message)
            for d in error.details { shell.note("  " + d) }
        } catch {
            shell.report(error)
        }
    }

    /// The consistency policy on a database with nothing to apply (or nothing that may be):
    /// its warning is said; false, after the verdict, when the policy refuses changes.
    func consistent(_ folder: MigrationFolder, version: Int) -> Bool {
        switch (try? session.workspace.consistency(folder, at: version)) ?? .consistent {
        case .consistent: return true
        case .warning(let verdict):
            shell.note(ApplyCommand.consistencyWarning(verdict))
            return true
        case .refused(let verdict):
            notInRecordedState(verdict)
            return false
        }
    }

    func notInRecordedState(_ verdict: Verdict) {
        shell.note("The database is not in the state its Schema_Version records; the update is not offered.")
        shell.note(VerdictText.render(verdict, backupsFolder: shell.session.backupStore.directory).trimming(.newlines))
    }

    /// Quitting with a transaction open asks commit / rollback / cancel. Returns the exit
    /// code, or nil to stay in the shell.
    func quit(exitCode: ExitStatus = .success) -> ExitStatus? {
        guard session.inTransaction else { return exitCode }
        while true {
            guard let answer = reader.readLine(prompt: "A transaction is open. [c]ommit, [r]ollback or c[a]ncel? [a] ") else {
                // Ctrl-C or Ctrl-D at the question: the default, said.
                shell.note("\ncancelled: still in the shell, the transaction still open")
                return nil
            }
            switch answer.trimming(.whitespaces).lowercased() {
            case "c", "commit":
                if shell.runSQL("COMMIT;", line: 1) {
                    shell.note("committed.")
                    return exitCode
                }
                shell.note("the commit failed: still in the shell")
                return nil
            case "r", "rollback":
                _ = shell.runSQL("ROLLBACK;", line: 1)
                shell.note("rolled back.")
                return exitCode
            case "a", "cancel", "":
                shell.note("cancelled: still in the shell, the transaction still open")
                return nil
            default:
                continue
            }
        }
    }
}

/// The start-up's question: the "DATABASE UPDATE REQUIRED" list and the migrations' warnings,
/// then "Update database now?"; a no is `ConfirmationDeclined`.
struct StartupUpdate: Confirming {
    let shell: Shell
    let reader: any LineReader

    func confirm(_ question: Question) throws {
        guard case let .apply(plan, scripts, _, _) = question else {
            throw MigshError(.refused, "the start-up check asks only to apply the pending migrations")
        }
        shell.note(UpdateRequired.text(plan, width: Terminal.width(fd: 2, interactive: true)))
        for warning in ShellConfirming.warnings(scripts) { shell.note(warning) }
        guard reader.askYesNo("Update database now? [y/N] ") else { throw ConfirmationDeclined(.apply) }
    }
}
