import ArgumentParser
import MigshBase
import MigshCore

/// `.import [--csv|--ascii] [--skip N] [--schema S] [-v] FILE TABLE`: rows of delimited text
/// (FILE, or `|COMMAND`'s output) into TABLE, created from the header row when missing, in one
/// transaction. Read as sqlite3 reads it; but a bad row imports nothing (sqlite3 imports the
/// rest): the messages name the file and line, and the table is as it was.
struct ImportCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".import", abstract: "Import delimited text from FILE into TABLE (created from the header when missing).",
        // The words are parsed as sqlite3 parses them (-csv or --csv, anywhere): the usage is declared.
        usage: ".import [--csv|--ascii] [--skip <n>] [--schema <schema>] [-v] <file> <table>",
        discussion: """
        Options: --csv (, and newline), --ascii (\\037 and \\036), --skip N (first N rows), --schema S,
        -v (say what it does). Without --csv or --ascii the separators are the output mode's.
        Example: .import --csv projects.csv Projects_staging
        """)
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("Options, FILE and TABLE.", valueName: "file"), completion: .inOrder([.files(extensions: ["csv", "txt", "tsv"]), .tables])) var words: [String] = []

    func run(in shell: Shell) throws {
        let session = shell.session
        var file: String?
        var table: String?
        var schema: String?
        var skip = 0
        var verbose = 0
        var explicit: (column: UInt8, row: UInt8, reader: CSVImport.Reader)?
        var i = 0
        while i < words.count {
            var word = words[i]
            if word.hasPrefix("--") { word.removeFirst() }
            if !word.hasPrefix("-") {
                if file == nil { file = word } else if table == nil { table = word } else {
                    throw sqlite3UsageWithHelp("extra argument: \"\(word)\".  Usage:", help: Self.sqlite3Help, in: shell)
                }
            } else if word == "-v" {
                verbose += 1
            } else if word == "-schema" && i < words.count - 1 {
                i += 1
                schema = words[i]
            } else if word == "-skip" && i < words.count - 1 {
                i += 1
                skip = max(0, Int(clamping: integerValue(words[i])))
            } else if word == "-ascii" {
                explicit = (0x1f, 0x1e, .ascii)
            } else if word == "-csv" {
                explicit = (UInt8(ascii: ","), 0x0a, .csv)
            } else {
                throw sqlite3UsageWithHelp("unknown option: \"\(word)\".  Usage:", help: Self.sqlite3Help, in: shell)
            }
            i += 1
        }
        guard let file, let table else {
            throw sqlite3UsageWithHelp("missing \(file == nil ? "FILE" : "TABLE") argument. Usage:", help: Self.sqlite3Help, in: shell)
        }
        try session.refuseReadOnly(".import")
        let output = session.output
        var options: CSVImport.Options
        if let explicit {
            options = CSVImport.Options(file: file, table: table, columnSeparator: explicit.column, rowSeparator: explicit.row, reader: explicit.reader)
        } else {
            let column = CarriedBytes.bytes(of: output.separator)
            var row = CarriedBytes.bytes(of: output.rowSeparator)
            guard !column.isEmpty else { throw MigshError(.usage, "non-null column separator required for import") }
            guard column.count == 1 else { throw MigshError(.usage, "multi-character column separators not allowed for import") }
            guard !row.isEmpty else { throw MigshError(.usage, "non-null row separator required for import") }
            // csv's output row separator \r\n reads as \n — and, as in sqlite3, stays \n for the
            // csv output that follows ("one separator for input and output").
            if output.mode == .csv && row == [0x0d, 0x0a] {
                row = [0x0a]
                session.output.rowSeparator = "\n"
            }
            guard row.count == 1 else { throw MigshError(.usage, "multi-character row separators not allowed for import") }
            options = CSVImport.Options(file: file, table: table, columnSeparator: column[0], rowSeparator: row[0],
                                        reader: output.mode == .ascii ? .ascii : .csv)
        }
        options.schema = schema
        options.skip = skip
        options.asciiOutputMode = output.mode == .ascii
        if verbose >= 2 || (verbose >= 1 && explicit == nil) {
            func c(_ byte: UInt8) -> String { "\"" + SQLLiteral.cEscaped(String(decoding: [byte], as: UTF8.self)) + "\"" }
            shell.out.write("Column separator \(c(options.columnSeparator)), row separator \(c(options.rowSeparator))\n")
        }
        let err = shell.err
        let result: CSVImport.Result
        let progress = shell.progress
        defer { progress.end() }
        do {
            result = try CSVImport(db: session.db, options: options).run(rows: { n, fraction in
                if !progress.isIn("importing \(table)") { progress.begin("importing \(table)") }
                if let fraction { progress.update(fraction: fraction) }
                progress.note(rows: n)
            }) { line in
                progress.clear()
                err.write(line + "\n")
            }
        } catch {
            err.flush()
            throw error
        }
        if session.recording {
            session.recorder.missed(".import \(file) \(table) (\(result.rows) row\(result.rows == 1 ? "" : "s"))")
        }
        if let renames = result.renames {
            (session.configuration.interactive ? shell.out : shell.err).write(renames + "\n")
        }
        if verbose >= 1, let created = result.created { shell.out.write(created + "\n") }
        if verbose >= 2 { shell.out.write("Insert using: \(result.insertStatement)\n") }
        if verbose >= 1 { shell.out.write("Added \(result.rows) rows with 0 errors using \(result.lines) lines of input\n") }
    }

    /// sqlite3 3.40's `.help import`, which its argument errors print (on the output).
    static let sqlite3Help = """
        .import FILE TABLE       Import data from FILE into TABLE
           Options:
             --ascii               Use \\037 and \\036 as column and row separators
             --csv                 Use , and \\n as column and row separators
             --skip N              Skip the first N rows of input
             --schema S            Target table to be S.TABLE
             -v                    "Verbose" - increase auxiliary output
           Notes:
             *  If TABLE does not exist, it is created.  The first row of input
                determines the column names.
             *  If neither --csv or --ascii are used, the input mode is derived
                from the ".mode" output mode
             *  If FILE begins with "|" then it is a command that generates the
                input text.

        """
}
