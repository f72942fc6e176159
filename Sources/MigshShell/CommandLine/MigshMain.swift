import ArgumentParser
import Foundation
import MigshCore

/// The `migsh` entry point: parse the command line, open the session, run the input, exit
/// with the contract's status.
public enum MigshMain {
    /// `lineReader`: where the interactive shell reads lines (libedit in the executable).
    public static func main(lineReader: any LineReader) -> Never {
        // The character type only (what libedit and wcwidth need): loading every category
        // reads a dozen files at each start, and LC_NUMERIC would put a decimal comma into
        // numbers that C formatting writes.
        setlocale(LC_CTYPE, "")
        signal(SIGPIPE, SIG_IGN)
        // A file-size limit (ulimit -f) must make writes fail with EFBIG — reported as a
        // failed backup with the partial file removed — not kill the process mid-write.
        signal(SIGXFSZ, SIG_IGN)
        let options: MigshOptions
        do {
            // The usual forms are read directly; the rest by swift-argument-parser's parse()
            // (not parseAsRoot(): the root would answer --help with a HelpCommand value).
            options = try MigshOptions.parse()
        } catch {
            let code = MigshCommandLine.exitCode(for: error)
            let message = MigshCommandLine.fullMessage(for: error)
            if code == .success {
                print(message)
                exit(0)
            }
            FileHandle.standardError.write(Data(("migsh: " + message + "\n").utf8))
            exit(2)
        }
        exit(run(options, lineReader: lineReader))
    }

    static func run(_ o: MigshOptions, lineReader: any LineReader) -> Int32 {
        if !o.mergeReports.isEmpty { return FleetMain.merge(o) }
        if o.isFleet { return FleetMain.run(o) }
        let env = Environment.process
        let out = OutputBuffer(fd: 1)
        let err = OutputBuffer(fd: 2)
        defer { out.flush(); err.flush() }
        let databasePath = o.database ?? env["MIGSH_DATABASE"] ?? "nukeworks_db.sqlite"
        let interactive = o.commands.isEmpty && o.file == nil && !o.check && isatty(0) != 0
        var c = configuration(o, databasePath: databasePath, interactive: interactive)

        // --target and --app-version are checked against the folder now: a bad value is a
        // usage error (exit 2), not a failure of whatever command runs first.
        if let message = badTarget(o, migrationsPath: c.migrationsPath) {
            err.write("migsh: \(message)\n")
            return 2
        }
        if o.scratch {
            // A private copy made with the online backup API; the original is only read.
            do {
                c = Session.scratchConfiguration(c, copy: try ScratchCopy.make(of: databasePath, busyTimeoutMS: o.busyTimeout))
            } catch {
                Shell.writeError(error, to: err)
                return Shell.exitCode(for: error)
            }
        } else if interactive && !o.create && !FileManager.default.fileExists(atPath: databasePath) {
            guard lineReader.askYesNo("\(databasePath) does not exist. Create it? [y/N] ") else {
                err.write("Error: database not found: \(databasePath)\n")
                return 1
            }
            c.create = true
        }

        let session: Session
        do {
            session = try Session(configuration: c, out: out, err: err)
        } catch {
            c.scratch?.remove()
            Shell.writeError(error, to: err)
            return Shell.exitCode(for: error)
        }
        prepare(session, o, interactive: interactive)
        if interactive { session.ask = { lineReader.askYesNo($0 + " [y/N] ") } }
        let shell = Shell(session: session)
        return runInput(o, shell: shell, interactive: interactive, lineReader: lineReader)
    }

    /// The session's settings from the command line, for the database at `databasePath`.
    static func configuration(_ o: MigshOptions, databasePath: String, interactive: Bool, migrations: MigrationFolder? = nil) -> Session.Configuration {
        let env = Environment.process
        var c = Session.Configuration(
            databasePath: databasePath,
            migrationsPath: o.migrations ?? env["MIGSH_MIGRATIONS"] ?? "migrations",
            backupsPath: o.backups ?? BackupStore.defaultDirectory(forDatabase: databasePath),
            auditPath: o.audit ?? absolutePath(databasePath) + "-audit.jsonl")
        c.backupsGiven = o.backups != nil
        c.auditGiven = o.audit != nil
        c.target = o.target
        c.appVersion = o.appVersion
        c.readOnly = o.readOnly
        c.create = o.create
        c.busyTimeoutMS = o.busyTimeout
        c.assumeYes = o.yes
        c.json = o.json
        c.interactive = interactive
        c.folder = migrations
        return c
    }

    /// A --target or --app-version the folder does not know, as a usage error's message.
    static func badTarget(_ o: MigshOptions, migrationsPath: String) -> String? {
        guard o.target != nil || o.appVersion != nil, let folder = try? MigrationFolder.load(migrationsPath) else { return nil }
        do {
            _ = try MigrationPlan.requiredVersion(folder: folder, target: o.target, appVersion: o.appVersion)
        } catch let error as MigshError where error.code == .usage {
            return error.message
        } catch {}
        return nil
    }

    /// The output settings and modes the command line asks for.
    static func prepare(_ session: Session, _ o: MigshOptions, interactive: Bool) {
        if let kind = session.db.networkFileSystem {
            session.err.write("warning: \(session.configuration.databasePath) is on a network filesystem (\(kind)): SQLite's locking is unreliable there (sqlite.org/useovernet.html); work on a local copy where you can. WAL mode is refused.\n")
        }
        // Command-line modes behave as sqlite3's -csv/-json flags (e.g. csv rows end in \n).
        if o.json { session.output = OutputSettings(commandLineMode: .json) }
        if let mode = o.mode, let m = OutputMode(rawValue: mode.lowercased()) { session.output = OutputSettings(commandLineMode: m) }
        if o.header { session.output.setHeaders(true) }
        if o.noheader { session.output.setHeaders(false) }
        session.echo = o.echo
        session.bail = o.bail ?? !interactive
    }

    /// The init file, then `--check`, the COMMAND arguments, `-f FILE`, the terminal or
    /// standard input; the exit status. The audit log's session end is written last.
    static func runInput(_ o: MigshOptions, commands: [String]? = nil, shell: Shell, interactive: Bool, lineReader: (any LineReader)?) -> Int32 {
        let session = shell.session
        var status = runInputBody(o, commands: commands ?? o.commands, shell: shell, interactive: interactive, lineReader: lineReader)
        // A file that `.output` still holds is closed now; a failed write to it is an error.
        if let problem = session.resetOutput() {
            shell.report(problem)
            if status == 0 { status = 1 }
        }
        // So is output to standard output that never arrived (--check's line, the last rows).
        if let problem = shell.standardOutputFailure() {
            shell.report(problem)
            if status == 0 { status = 1 }
        }
        session.log(Audit.SessionEnd(exitCode: Int(status), user: session.user, pid: Int(getpid()),
                                     database: absolutePath(session.configuration.databasePath)))
        try? session.audit.flush()
        session.out.flush()
        session.err.flush()
        // Quitting removes a scratch session's copy (`.scratch keep FILE` saved it if wanted).
        session.configuration.scratch?.remove()
        return status
    }

    private static func runInputBody(_ o: MigshOptions, commands: [String], shell: Shell, interactive: Bool, lineReader: (any LineReader)?) -> Int32 {
        let session = shell.session
        let err = session.err
        let env = Environment.process
        var status: Int32 = 0

        if !o.noInit, let initPath = initFilePath(o.initFile, env: env) {
            if let f = fopen(initPath, "r") {
                var source = FileLineSource(file: f)
                _ = try? shell.runScript(lines: &source, name: (initPath as NSString).lastPathComponent)
                fclose(f)
            } else if o.initFile != nil {
                err.write("Error: cannot open init file \(initPath)\n")
                status = 1
                return status
            }
        }

        if o.check {
            status = CheckStatus.run(shell)
            return status
        }
        do {
            if !commands.isEmpty {
                for command in commands {
                    let ok = try shell.runUnit(command, line: nil)
                    if !ok && session.bail { break }
                }
                status = shell.finishBatch()
            } else if let file = o.file {
                guard let f = fopen(file, "r") else {
                    err.write("Error: cannot open \"\(file)\": \(String(cString: strerror(errno)))\n")
                    status = 1
                    return status
                }
                defer { fclose(f) }
                var source = FileLineSource(file: f)
                _ = try shell.runScript(lines: &source, name: (file as NSString).lastPathComponent)
                status = shell.finishBatch()
            } else if interactive, let lineReader {
                status = InteractiveShell(shell: shell, reader: lineReader).run()
            } else {
                var source = FileLineSource(file: fdopen(0, "r"))
                _ = try shell.runScript(lines: &source, name: nil)
                status = shell.finishBatch()
            }
        } catch let exit as ShellExit {
            let pending = shell.finishBatch()
            status = exit.code != 0 ? exit.code : pending
        } catch {
            shell.report(error)
            status = Shell.exitCode(for: error)
        }
        return status
    }

    static func initFilePath(_ explicit: String?, env: Environment) -> String? {
        if let explicit { return explicit }
        if let xdg = env["XDG_CONFIG_HOME"], !xdg.isEmpty {
            let p = (xdg as NSString).appendingPathComponent("migsh/migshrc")
            if FileManager.default.fileExists(atPath: p) { return p }
        }
        let home = env["HOME"] ?? NSHomeDirectory()
        let p = (home as NSString).appendingPathComponent(".migshrc")
        return FileManager.default.fileExists(atPath: p) ? p : nil
    }
}

/// `--check`: print the version status; exit 0 up to date, 5 pending, 3 database newer, 1 when
/// the folder has errors or Schema_Version cannot be trusted (what `.apply` refuses).
enum CheckStatus {
    static func run(_ shell: Shell) -> Int32 {
        do {
            let s = try shell.session.versionStatus()
            try shell.emit(VersionCommand.document(s, database: shell.session.configuration.databasePath)) {
                switch s.state {
                case .upToDate: return "up to date: schema version \(s.currentVersion)"
                case .databaseNewer: return DatabaseTooNew.message(current: s.currentVersion, required: s.requiredVersion)
                case .pending: return "\(s.pending) pending: schema version \(s.currentVersion), required \(s.requiredVersion)"
                case .folderError: return "the migrations folder has errors; .apply refuses it"
                }
            }
            if s.state == .folderError {
                shell.report(MigshError(.migrationFolder, "the migrations folder \(shell.session.configuration.migrationsPath) has \(s.folderErrors.count) error(s)",
                                        details: s.folderErrors.map(\.text)))
            }
            shell.session.log(Audit.Check(status: s.state.rawValue, currentVersion: s.currentVersion, requiredVersion: s.requiredVersion))
            switch s.state {
            case .upToDate: return 0
            case .databaseNewer: return 3
            case .pending: return 5
            case .folderError: return 1
            }
        } catch {
            shell.session.log(Audit.Check(status: "error", error: (error as? MigshError)?.message ?? "\(error)"))
            shell.report(error)
            return 1
        }
    }
}
