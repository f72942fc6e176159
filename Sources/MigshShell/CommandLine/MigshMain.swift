import ArgumentParser
import FoundationEssentials
import Glibc
import MigshBase
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
            // Every word as the bytes given, carried (a file name that is not UTF-8 included):
            // Swift's CommandLine.arguments would repair such bytes to U+FFFD.
            options = try MigshOptions.parse()
        } catch let refusal as SQLite3Options.Refusal {
            writeCarried("migsh: Error: " + refusal.message + "\n", fd: 2)
            exit(ExitStatus.failure.rawValue)
        } catch {
            let code = MigshCommandLine.exitCode(for: error)
            let message = MigshCommandLine.fullMessage(for: error)
            if code == .success {
                // --help laid out for the terminal (swift-argument-parser's columns break words
                // on a narrow one); --version and the rest as the parser says them.
                writeCarried((message.hasPrefix("OVERVIEW:") ? MigshCommandLine.helpText() : message) + "\n", fd: 1)
                exit(ExitStatus.success.rawValue)
            }
            writeCarried("migsh: " + message + "\n", fd: 2)
            exit(ExitStatus.usage.rawValue)
        }
        if options.sqlite3.version {
            // sqlite3 -version: the library's version and source id, exactly as sqlite3 prints them.
            print("\(SQLiteLibrary.version) \(SQLiteLibrary.sourceID)")
            exit(ExitStatus.success.rawValue)
        }
        if options.sqlite3.help {
            print(MigshCommandLine.helpText())
            exit(ExitStatus.success.rawValue)
        }
        if let message = configureLibrary(options.sqlite3) {
            writeToStandardError(message + "\n")
            exit(ExitStatus.failure.rawValue)
        }
        exit(run(options, lineReader: lineReader).rawValue)
    }

    /// sqlite3's options that configure the library itself (`-mmap`, `-lookaside`,
    /// `-pagecache`, `-vfs`), before the first connection opens, as sqlite3 does; an error's text.
    static func configureLibrary(_ s: SQLite3Options) -> String? {
        // > The sqlite3_config() interface may only be invoked prior to library initialization
        // > using sqlite3_initialize() or after shutdown by sqlite3_shutdown().
        if let size = s.mmap, !SQLiteLibrary.configureMemoryMap(size: size) {
            return "migsh: Error: -mmap \(size): SQLite refused the setting"
        }
        if let l = s.lookaside, !SQLiteLibrary.configureLookaside(size: Int32(clamping: max(0, l[0])), count: Int32(clamping: max(0, l[1]))) {
            return "migsh: Error: -lookaside \(l[0]) \(l[1]): SQLite refused the setting"
        }
        if let p = s.pageCache, !SQLiteLibrary.configurePageCache(size: p[0], count: p[1]) {
            return "migsh: Error: -pagecache \(p[0]) \(p[1]): SQLite refused the setting"
        }
        // SQLite's error log goes through migsh's hook from the start, so that `.log` can
        // name a destination later (the log itself is set only before initialization).
        SQLiteErrorLog.install()
        if let name = s.vfs {
            // sqlite3 makes the named VFS the default one, for every connection.
            guard SQLiteLibrary.makeDefaultVFS(named: name) else { return "no such VFS: \"\(name)\"" }
        }
        // sqlite3's shell registers apndvfs here, after -vfs (so it wraps that one, and
        // `.vfslist` lists it second); only a connection that names it uses it.
        AppendVFS.register()
        return nil
    }

    static func run(_ o: MigshOptions, lineReader: any LineReader) -> ExitStatus {
        if !o.mergeReports.isEmpty { return FleetMain.merge(o) }
        if o.isFleet { return FleetMain.run(o) }
        let env = Environment.process
        let out = OutputBuffer(fd: 1)
        let err = OutputBuffer(fd: 2)
        defer { out.flush(); err.flush() }
        // A name that is not UTF-8 (argument or variable) is carried: the database and every
        // file named after it are made and found under the bytes given (FileSystem).
        let databasePath = o.database ?? env.path("MIGSH_DATABASE") ?? "nukeworks_db.sqlite"
        let readsInput = o.commands.isEmpty && o.file == nil && !o.check
        // sqlite3's -batch reads a terminal as a script; -interactive needs one here (libedit).
        let interactive = readsInput && isatty(0) != 0 && o.sqlite3.interactive != false
        if readsInput && o.sqlite3.interactive == true && !interactive {
            err.write("migsh: Error: -interactive: standard input is not a terminal, and migsh's interactive shell needs one\n")
            return .failure
        }
        var c = Session.Configuration(o, databasePath: databasePath, interactive: interactive)

        // --target and --app-version are checked against the folder now: a bad value is a
        // usage error (exit 2), not a failure of whatever command runs first.
        if let message = Session.Configuration.badTarget(o, migrationsPath: c.migrationsPath) {
            err.write("migsh: \(message)\n")
            return .usage
        }
        if o.scratch {
            // A private copy made with the online backup API; the original is only read.
            // Ctrl-C during the copy (a large database) stops it: the private folder is removed.
            InterruptHandler.install(interactive: interactive)
            do {
                c = Session.scratchConfiguration(c, copy: try ScratchCopy.make(of: databasePath, busyTimeoutMS: o.busyTimeout))
            } catch let error as MigshError where error.code == .interrupted {
                err.write("interrupted: nothing was changed; no scratch copy was made (the partial copy was removed)\n")
                return .interrupted
            } catch {
                Shell.writeError(error, to: err)
                return ExitStatus(error)
            }
        } else if interactive && !o.create && !Session.isTemporary(databasePath) && !FileSystem.exists(databasePath) {
            guard lineReader.askYesNo("\(databasePath) does not exist. Create it? [y/N] ") else {
                err.write("Error: database not found: \(databasePath)\n")
                return .failure
            }
            c.create = true
        }

        let session: Session
        do {
            session = try Session(configuration: c, out: out, err: err)
        } catch {
            c.scratch?.remove()
            Shell.writeError(error, to: err)
            return ExitStatus(error)
        }
        session.takeSettings(from: o, interactive: interactive)
        if interactive { session.ask = { lineReader.askYesNo($0 + " [y/N] ") } }
        let shell = Shell(session: session)
        InterruptHandler.install(interactive: interactive)
        return runInput(o, shell: shell, interactive: interactive, lineReader: lineReader)
    }

    /// The init file, then `--check`, the COMMAND arguments, `-f FILE`, the terminal or
    /// standard input; the exit status. The audit log's session end is written last.
    static func runInput(_ o: MigshOptions, commands: [String]? = nil, shell: Shell, interactive: Bool, lineReader: (any LineReader)?) -> ExitStatus {
        let session = shell.session
        var status = runInputBody(o, commands: commands ?? o.commands, shell: shell, interactive: interactive, lineReader: lineReader)
        // A file that `.output` still holds is closed now; a failed write to it is an error.
        if let problem = session.resetOutput() {
            shell.report(problem)
            status = status.keepingFirstFailure(.failure)
        }
        session.removeOpenerFile()
        // `.connection`'s parked connections close; an open transaction there is said, as above.
        if session.closeParkedConnections() && !interactive { status = status.keepingFirstFailure(.failure) }
        // So is output to standard output that never arrived (--check's line, the last rows).
        if let problem = shell.standardOutputFailure() {
            shell.report(problem)
            status = status.keepingFirstFailure(.failure)
        }
        session.log(Audit.SessionEnd(exitCode: Int(status.rawValue), user: session.user, pid: Int(getpid()),
                                     database: absolutePath(session.configuration.databasePath)))
        try? session.audit.flush()
        session.out.flush()
        session.err.flush()
        // Quitting removes a scratch session's copy (`.scratch keep FILE` saved it if wanted).
        session.configuration.scratch?.remove()
        return status
    }

    private static func runInputBody(_ o: MigshOptions, commands: [String], shell: Shell, interactive: Bool, lineReader: (any LineReader)?) -> ExitStatus {
        let session = shell.session
        let err = session.err
        let env = Environment.process
        var status = ExitStatus.success

        // sqlite3's -init FILE is read even with --noinit (it names the file); a file it
        // cannot open is said as sqlite3 says it, and the session goes on.
        let sqlite3Init = o.sqlite3.initFile != nil && o.initFile == o.sqlite3.initFile
        if !o.noInit || sqlite3Init, let initPath = initFilePath(o.initFile, env: env) {
            // A file named on the command line is opened by the bytes given (Latin-1 included).
            if let f = FileSystem.fopen(initPath, "r") {
                var source = FileLineSource(file: f)
                defer { fclose(f) }
                do {
                    // An error there under bail ends the run before any input, as sqlite3
                    // -bail's exit(1): the input would run with settings the file did not make.
                    if try shell.runScript(lines: &source, name: initPath.pathLastComponent) > 0 && session.bail {
                        return shell.finishBatch().keepingFirstFailure(.failure)
                    }
                } catch let exit as ShellExit {
                    // `.exit N` in the init file ends the program there, as sqlite3's exit(N).
                    let pending = shell.finishBatch()
                    return exit.exitStatus != .success ? exit.exitStatus : pending
                } catch {}
            } else if sqlite3Init {
                err.write("cannot open: \"\(initPath)\"\n")
            } else if o.initFile != nil {
                err.write("Error: cannot open init file \(initPath)\n")
                status = .failure
                return status
            }
        }

        if o.check {
            status = CheckStatus.run(shell)
            return status
        }
        do {
            if let failed = try runSQLite3Actions(o.sqlite3.actions, shell: shell) { return failed }
            if !commands.isEmpty {
                // SQL arguments as the bytes the program was given (Latin-1 included), not
                // their decoding (the words are carried: `arguments()`).
                for command in commands {
                    let raw = CarriedBytes.bytes(of: command)
                    let ok = raw.first(where: { $0 != 32 && $0 != 9 }) == UInt8(ascii: ".")
                        ? try shell.runUnit(command, line: nil, echo: false)
                        : try shell.runSQLUnit(raw, line: nil, echo: false)
                    if !ok && session.bail { break }
                }
                status = shell.finishBatch()
            } else if let file = o.file {
                guard let f = FileSystem.fopen(file, "r") else {
                    err.write("Error: cannot open \"\(file)\": \(String(cString: strerror(errno)))\n")
                    status = .failure
                    return status
                }
                defer { fclose(f) }
                var source = FileLineSource(file: f)
                _ = try shell.runScript(lines: &source, name: file.pathLastComponent)
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
            status = exit.exitStatus != .success ? exit.exitStatus : pending
            return status
        } catch {
            shell.report(error)
            status = ExitStatus(error)
        }
        // Ctrl-C while the script was read (its read ends at once): exit 130, said.
        if !interactive && CancellationToken.interrupt.isRequested {
            shell.note("interrupted: the script stops here")
            status = .interrupted
        }
        return status
    }

    /// The program's arguments (without its name) as the bytes given.
    static func rawArguments() -> [[UInt8]] {
        (1..<Int(CommandLine.argc)).map { i in
            CommandLine.unsafeArgv[i].map { Array(UnsafeRawBufferPointer(start: $0, count: strlen($0))) } ?? []
        }
    }

    /// The program's arguments (without its name) in carried form: a word that is not UTF-8
    /// keeps its bytes (`CarriedBytes`), where `CommandLine.arguments` repairs them.
    static func arguments() -> [String] {
        rawArguments().map(CarriedBytes.string(carrying:))
    }

    /// Writes text that may carry bytes (a word of the command line) as those bytes.
    static func writeCarried(_ text: String, fd: Int32) {
        let buffer = OutputBuffer(fd: fd)
        buffer.write(text)
        buffer.flush()
    }

    /// sqlite3's settings and `-cmd` commands, in command-line order, after the init file and
    /// before the input, as sqlite3 runs them; the exit status when a `-cmd` failed under bail.
    private static func runSQLite3Actions(_ actions: [SQLite3Options.Action], shell: Shell) throws -> ExitStatus? {
        let session = shell.session
        for action in actions {
            switch action {
            case .mode(let mode): session.output.applyCommandLineMode(mode)
            case .separator(let text): session.output.separator = text
            case .newline(let text): session.output.rowSeparator = text
            case .nullValue(let text): session.output.nullValue = text
            case .header(let on): session.output.setHeaders(on)
            case .echo: session.echo = true
            case .eqp(let level): session.eqp = EQPMode(level: level)
            case .stats: session.stats = .on
            case .command(let command):
                // As sqlite3's -cmd: not echoed, errors without a line number.
                // Its bytes as given (a Latin-1 file name), carried as the words of a line are.
                do {
                    if !(try shell.runUnit(command, line: nil, echo: false)) && session.bail {
                        return shell.finishBatch()
                    }
                } catch let exit as ShellExit where exit.endsInputOnly && !session.bail {
                    // sqlite3 without -bail ignores a `-cmd .quit` (its rc 2) and goes on.
                }
            }
        }
        return nil
    }

    static func initFilePath(_ explicit: String?, env: Environment) -> String? {
        if let explicit { return explicit }
        if let xdg = env.path("XDG_CONFIG_HOME"), !xdg.isEmpty {
            let p = xdg.pathAppending("migsh/migshrc")
            if FileSystem.exists(p) { return p }
        }
        let home = env.path("HOME") ?? homeDirectory()
        let p = home.pathAppending(".migshrc")
        return FileSystem.exists(p) ? p : nil
    }
}
