import ArgumentParser
import MigshBase
import MigshCore

/// `.archive` (`.ar`): sqlite3 3.40's SQL archives — the `sqlar` table of the database, or
/// of the archive file named by `-f`. The words are read as sqlite3's arParseCommand reads
/// them (`-cvf FILE`, `--create --file FILE`, tar's `cf FILE`, long options by a prefix,
/// `--` before names), `--help` included; the work is the core's `SQLArchive`, and what it
/// reports is printed here in sqlite3's words, byte for byte. A ZIP archive is listed,
/// extracted and written through the `zipfile` table, as sqlite3 does; `-a FILE` opens FILE
/// through sqlite3's apndvfs (`AppendVFS`: an archive appended to another file). Refused
/// under `--readonly` (it reads and writes files other than the database) and `-safe`
/// (`SafeMode`), as the file functions are.
struct ArchiveCommand: DotCommand, ReadsItsOwnHelp {
    static let configuration = CommandConfiguration(commandName: ".archive", abstract: "Manage SQL archives (sqlite3's .archive).",
        discussion: String(sqlite3Help.drop { $0 != "\n" }.dropFirst()))
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("One command option, options, then files or archive members.", valueName: "words"),
              completion: .file())
    var words: [String] = []

    /// sqlite3 3.40's help for `.archive` (`showHelp(out, "archive")`).
    static let sqlite3Help = """
        .archive ...             Manage SQL archives
           Each command must have exactly one of the following options:
             -c, --create               Create a new archive
             -u, --update               Add or update files with changed mtime
             -i, --insert               Like -u but always add even if unchanged
             -r, --remove               Remove files from archive
             -t, --list                 List contents of archive
             -x, --extract              Extract files from archive
           Optional arguments:
             -v, --verbose              Print each filename as it is processed
             -f FILE, --file FILE       Use archive FILE (default is current db)
             -a FILE, --append FILE     Open FILE using the apndvfs VFS
             -C DIR, --directory DIR    Read/extract files from directory DIR
             -g, --glob                 Use glob matching for names in archive
             -n, --dryrun               Show the SQL that would have occurred
           Examples:
             .ar -cf ARCHIVE foo bar  # Create ARCHIVE from files foo and bar
             .ar -tf ARCHIVE          # List members of ARCHIVE
             .ar -xvf ARCHIVE         # Verbosely extract files from ARCHIVE
           See also:
              http://sqlite.org/cli.html#sqlite_archive_support

        """

    func run(in shell: Shell) throws {
        if shell.session.configuration.readOnly {
            throw MigshError(.readOnly, ".archive refused: the session was opened with --readonly, and an archive reads and writes files other than the database (run it without --readonly)")
        }
        let request: ArchiveRequest
        switch Self.parse(words.map { Array($0.utf8) }) {
        case .success(let parsed): request = parsed
        case .failure(let failure):
            shell.out.flush()
            switch failure {
            case .wrongNumberOfArguments:
                shell.err.write("Wrong number of arguments.  Usage:\n" + Self.sqlite3Help)
            case .message(let message):
                shell.err.write(Array("Error: ".utf8) + message + Array("\nUse \".archive --help\" for more help\n".utf8))
            }
            throw MigshError(.saidAlready, ".archive: bad arguments")
        }
        // A ZIP archive keeps what was added before Ctrl-C: sqlite3's zipfile table writes its
        // directory at rollback as at commit, and migsh's does the same.
        let writesZip = request.file.map { SQLArchive.format(of: $0) == .zip } == true
            && ![.list, .extract, .help].contains(request.action)
        let out = shell.out, err = shell.err, standardOutput = shell.session.standardOutput
        let result = SQLArchive.run(request, on: shell.session.db) { event in
            switch event {
            case .opening(let file, let appended): out.write("-- open database '\(file)'\(appended ? " using 'apndvfs'" : "")\n")
            case .statement(let sql): out.write((sql ?? Self.null) + [0x0a])
            case .name(let name): out.write((name ?? Self.null) + [0x0a])
            case .listing(let mode, let size, let time, let name):
                // sqlite3's "%s % 10d  %s  %s\n".
                let number = size < 0 ? String(size) : " " + String(size)
                out.write((mode ?? Self.null) + Array((" " + String(repeating: " ", count: max(0, 10 - number.utf8.count)) + number + "  ").utf8)
                          + (time ?? Self.null) + [0x20, 0x20] + (name ?? Self.null) + [0x0a])
            case .help: out.write(Self.sqlite3Help)
            // sqlite3 writes this one to standard output, whatever .output says.
            case .execFailed(let message): standardOutput.write(Array("ERROR: ".utf8) + message + [0x0a])
            case .stepFailed(let message):
                out.flush()
                err.write(Array("SQL error: ".utf8) + message + [0x0a])
            case .prepareFailed(let message, let code):
                out.flush()
                err.write(Array("sql error: ".utf8) + message + Array(" (\(code))\n".utf8))
            case .notFound(let name):
                out.flush()
                err.write("not found in archive: \(name)\n")
            case .cannotOpen(let file, let message):
                out.flush()
                err.write(CarriedBytes.bytes(of: "cannot open file: \(file) (") + message + Array(")\n".utf8))
            case .noArchiveTable:
                out.flush()
                err.write("database does not contain an 'sqlar' table\n")
            }
        }
        switch result {
        case .done: break
        case .interrupted:
            throw MigshError(.interrupted, writesZip
                ? "interrupted: .archive stopped; a ZIP archive keeps the entries added before it (its zipfile table writes them at rollback too, as sqlite3's does)"
                : "interrupted")
        case .failed(let code): throw MigshError(.saidAlready, ".archive failed (\(code))")
        }
    }

    /// What glibc's printf makes of a NULL `%s`, as sqlite3 prints it.
    static let null = Array("(null)".utf8)

    enum ParseFailure: Error, Equatable {
        case wrongNumberOfArguments
        /// sqlite3's arErrorMsg text (after `Error: `).
        case message([UInt8])
    }

    /// sqlite3 3.40's arParseCommand over the words after the command's name, as bytes.
    static func parse(_ words: [[UInt8]]) -> Result<ArchiveRequest, ParseFailure> {
        enum Switch { case command(ArchiveRequest.Action), verbose, file, append, directory, dryRun, glob }
        let switches: [(long: String, short: UInt8, what: Switch, takesValue: Bool)] = [
            ("create", UInt8(ascii: "c"), .command(.create), false),
            ("extract", UInt8(ascii: "x"), .command(.extract), false),
            ("insert", UInt8(ascii: "i"), .command(.insert), false),
            ("list", UInt8(ascii: "t"), .command(.list), false),
            ("remove", UInt8(ascii: "r"), .command(.remove), false),
            ("update", UInt8(ascii: "u"), .command(.update), false),
            ("help", UInt8(ascii: "h"), .command(.help), false),
            ("verbose", UInt8(ascii: "v"), .verbose, false),
            ("file", UInt8(ascii: "f"), .file, true),
            ("append", UInt8(ascii: "a"), .append, true),
            ("directory", UInt8(ascii: "C"), .directory, true),
            ("dryrun", UInt8(ascii: "n"), .dryRun, false),
            ("glob", UInt8(ascii: "g"), .glob, false),
        ]
        var request = ArchiveRequest()
        func fail(_ text: String, _ bytes: [UInt8] = []) -> Result<ArchiveRequest, ParseFailure> {
            .failure(.message(Array(text.utf8) + bytes))
        }
        func apply(_ what: Switch, _ value: [UInt8]?) -> Bool {
            let value = value.map { String(decoding: $0, as: UTF8.self) }
            switch what {
            case .command(let action):
                if request.action != nil { return false }
                request.action = action
            case .dryRun: request.dryRun = true
            case .glob: request.glob = true
            case .verbose: request.verbose = true
            case .append:
                request.append = true
                request.file = value
            case .file: request.file = value
            case .directory: request.directory = value
            }
            return true
        }
        let multiple = "multiple command options"
        guard let first = words.first else { return .failure(.wrongNumberOfArguments) }
        let members: ArraySlice<[UInt8]>
        if first.first != UInt8(ascii: "-") {
            // tar's style: `.ar cvf FILE NAMES…`, each letter an option, values in order after it.
            var next = 1
            for c in first {
                guard let option = switches.first(where: { $0.short == c }) else { return fail("unrecognized option: ", [c]) }
                var value: [UInt8]?
                if option.takesValue {
                    guard next < words.count else { return fail("option requires an argument: ", [c]) }
                    value = words[next]
                    next += 1
                }
                if !apply(option.what, value) { return fail(multiple) }
            }
            members = words[next...]
        } else {
            var i = 0
            var rest: ArraySlice<[UInt8]> = []
            while i < words.count {
                let z = words[i]
                if z.first != UInt8(ascii: "-") {
                    rest = words[i...]
                    break
                }
                if z.count < 2 || z[1] != UInt8(ascii: "-") {
                    // One or more short options; a value is the rest of the word, or the next word.
                    var k = 1
                    while k < z.count {
                        guard let option = switches.first(where: { $0.short == z[k] }) else { return fail("unrecognized option: ", [z[k]]) }
                        var value: [UInt8]?
                        if option.takesValue {
                            if k < z.count - 1 {
                                value = Array(z[(k + 1)...])
                                k = z.count
                            } else {
                                guard i < words.count - 1 else { return fail("option requires an argument: ", [z[k]]) }
                                i += 1
                                value = words[i]
                            }
                        }
                        if !apply(option.what, value) { return fail(multiple) }
                        k += 1
                    }
                } else if z.count == 2 {
                    // `--`: every word after it is a name.
                    rest = words[(i + 1)...]
                    break
                } else {
                    // A long option, or any prefix of one that names no other.
                    let given = z.dropFirst(2)
                    var match: (long: String, short: UInt8, what: Switch, takesValue: Bool)?
                    for option in switches where given.count <= option.long.utf8.count && option.long.utf8.starts(with: given) {
                        if match != nil { return fail("ambiguous option: ", z) }
                        match = option
                    }
                    guard let option = match else { return fail("unrecognized option: ", z) }
                    var value: [UInt8]?
                    if option.takesValue {
                        guard i < words.count - 1 else { return fail("option requires an argument: ", z) }
                        i += 1
                        value = words[i]
                    }
                    if !apply(option.what, value) { return fail(multiple) }
                }
                i += 1
            }
            members = rest
        }
        request.members = members.map { String(decoding: $0, as: UTF8.self) }
        return .success(request)
    }
}

/// A command that reads `--help` and `-h` among its own words, as sqlite3 reads them
/// (`.archive --help` prints sqlite3's help; `-h` is its help command), so `DotCommands.run`
/// leaves them to it.
protocol ReadsItsOwnHelp {}
