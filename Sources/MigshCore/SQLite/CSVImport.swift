import CMigshSQLite
import FoundationEssentials
import Glibc
import MigshBase

/// `.import FILE TABLE`: delimited text into a table, read exactly as sqlite3 3.40 reads it
/// (its CSV reader: `"…"` quoting with `""`, CRLF, a UTF-8 BOM; or its ASCII reader), the
/// table created from the header row when missing (sqlite3's CREATE TABLE text and its
/// renaming of duplicate names), every row bound as text.
///
/// Unlike sqlite3, which warns and imports what it can, a problem with any row — too few or
/// too many fields, a stray or unterminated quote, an INSERT that fails — is reported with
/// sqlite3's message and line number, and nothing is imported: the CREATE and the INSERTs run
/// under one savepoint that is rolled back.
public struct CSVImport {
    public enum Reader: Sendable { case csv, ascii }

    public struct Options: Sendable {
        public var file: String
        public var table: String
        public var schema: String?
        public var skip = 0
        public var columnSeparator: UInt8
        public var rowSeparator: UInt8
        public var reader: Reader
        /// Stop at an empty first field (sqlite3 does so when the output mode is ascii).
        public var asciiOutputMode = false
        public init(file: String, table: String, columnSeparator: UInt8, rowSeparator: UInt8, reader: Reader) {
            self.file = file
            self.table = table
            self.columnSeparator = columnSeparator
            self.rowSeparator = rowSeparator
            self.reader = reader
        }
    }

    public struct Result: Sendable {
        public var rows = 0
        public var lines = 0
        /// The CREATE TABLE that ran, when the table was missing.
        public var created: String?
        public var insertStatement = ""
        /// sqlite3's "Columns renamed …" message, when header names repeated.
        public var renames: String?
    }

    let db: Connection
    let options: Options

    public init(db: Connection, options: Options) {
        self.db = db
        self.options = options
    }

    /// Imports; `problem` receives each of sqlite3's per-row messages as it is found (e.g.
    /// `data.csv:3: expected 3 columns but found 2 - filling the rest with NULL`).
    /// `rows` is told the count of rows imported so far, every 10,000, and the part of the
    /// file read (nil for a pipe, whose size is unknown).
    public func run(rows rowsSoFar: ((_ rows: Int, _ fractionRead: Double?) -> Void)? = nil, problem: @escaping (String) -> Void) throws -> Result {
        let name = options.file.hasPrefix("|") ? "<pipe>" : options.file
        let stream: UnsafeMutablePointer<FILE>?
        if options.file.hasPrefix("|") {
            stream = CarriedBytes.withCString(String(options.file.dropFirst())) { popen($0, "r") }
        } else {
            stream = CarriedBytes.withCString(options.file) { fopen($0, "rb") }
        }
        guard let stream else { throw MigshError(.notFound, "cannot open \"\(options.file)\"") }
        defer { if options.file.hasPrefix("|") { pclose(stream) } else { fclose(stream) } }
        var info = stat()
        let size: Int64? = !options.file.hasPrefix("|") && fstat(fileno(stream), &info) == 0 && (info.st_mode & S_IFMT) == S_IFREG && info.st_size > 0
            ? Int64(info.st_size) : nil
        var reader = FieldReader(stream: stream, name: name, columnSeparator: Int32(options.columnSeparator),
                                 rowSeparator: Int32(options.rowSeparator), csv: options.reader == .csv, problem: problem)
        var skip = options.skip
        while skip > 0 {
            while reader.next() != nil && reader.terminator == reader.columnSeparator {}
            skip -= 1
        }
        // Parenthesized: `??` binds looser than `+`, and `--schema S` once named no table at all.
        let target = (options.schema.map { "\"\($0.replacingAll("\"", with: "\"\""))\"." } ?? "")
            + "\"\(options.table.replacingAll("\"", with: "\"\""))\""
        var result = Result()
        try db.execute("SAVEPOINT migsh_import")
        var committed = false
        defer {
            if !committed {
                CancellationToken.interrupt.finishing("rolling back the import") {
                    try? db.execute("ROLLBACK TO migsh_import; RELEASE migsh_import")
                }
            }
        }
        let interrupted = "interrupted: nothing was changed; nothing was imported"

        var columnCount: Int
        do {
            columnCount = try db.prepare("SELECT * FROM \(target)").columnCount
        } catch let error as MigshError where sqlite3_strglob("no such table: *", error.message) == 0 {
            var names: [String] = []
            while let field = reader.next() {
                names.append(field)
                if reader.terminator != reader.columnSeparator { break }
            }
            guard !names.isEmpty else { throw MigshError(.validation, "\(name): empty file") }
            let (definitions, renames) = try CSVImport.columnDefinitions(names)
            if let renames { result.renames = "Columns renamed during .import \(name) due to duplicates:\n\(renames)" }
            let create = "CREATE TABLE \(target)\(definitions)\n"
            do {
                try db.execute(create)
            } catch let failure as MigshError {
                throw MigshError(.sqlite, "\(create) failed:\n\(failure.message)")
            }
            result.created = create
            columnCount = try db.prepare("SELECT * FROM \(target)").columnCount
        }
        guard columnCount > 0 else {
            committed = true
            try db.execute("RELEASE migsh_import")
            return result
        }
        result.insertStatement = "INSERT INTO \(target) VALUES(" + Array(repeating: "?", count: columnCount).joined(separator: ",") + ")"
        let insert = try db.prepare(result.insertStatement)
        let stmt = insert.sqliteHandle
        var problems = 0
        repeat {
            // Ctrl-C: the savepoint is rolled back (the defer above).
            try CancellationToken.interrupt.check(interrupted)
            if result.rows == 1 { TestPause.at("import.row") }
            let startLine = reader.line
            var i = 0
            var stopped = false
            while i < columnCount {
                let field = reader.next()
                if field == nil && i == 0 { stopped = true; break }
                if options.asciiOutputMode && (field == nil || field!.isEmpty) && i == 0 { stopped = true; break }
                if let field { CarriedBytes.withCString(field) { _ = sqlite3_bind_text(stmt, Int32(i + 1), $0, -1, SQLITE_TRANSIENT) } } else { sqlite3_bind_null(stmt, Int32(i + 1)) }
                if i < columnCount - 1 && reader.terminator != reader.columnSeparator {
                    problem("\(name):\(startLine): expected \(columnCount) columns but found \(i + 1) - filling the rest with NULL")
                    problems += 1
                    i += 2
                    while i <= columnCount { sqlite3_bind_null(stmt, Int32(i)); i += 1 }
                    break
                }
                i += 1
            }
            if stopped && reader.terminator == EOF { break }
            if reader.terminator == reader.columnSeparator {
                repeat {
                    _ = reader.next()
                    i += 1
                } while reader.terminator == reader.columnSeparator
                problem("\(name):\(startLine): expected \(columnCount) columns but found \(i) - extras ignored")
                problems += 1
            }
            if i >= columnCount {
                sqlite3_step(stmt)
                if sqlite3_reset(stmt) != SQLITE_OK {
                    problem("\(name):\(startLine): INSERT failed: \(String(cString: sqlite3_errmsg(db.sqliteHandle)))")
                    problems += 1
                } else {
                    result.rows += 1
                    if result.rows % 10_000 == 0 { rowsSoFar?(result.rows, size.map { Double(ftello(stream)) / Double($0) }) }
                }
            }
        } while reader.terminator != EOF
        // A read cut short by the signal looks like the end of the file: checked before
        // anything is kept.
        try CancellationToken.interrupt.check(interrupted)
        result.lines = reader.line - 1
        problems += reader.problems
        if problems > 0 {
            throw MigshError(.validation, "\(problems) problem\(problems == 1 ? "" : "s") in \(name); nothing was imported")
        }
        try db.execute("RELEASE migsh_import")
        committed = true
        return result
    }

    /// sqlite3's field readers (`csv_read_one_field`, `ascii_read_one_field`).
    struct FieldReader {
        let stream: UnsafeMutablePointer<FILE>
        let name: String
        let columnSeparator: Int32
        let rowSeparator: Int32
        let csv: Bool
        let problem: (String) -> Void
        var line = 1
        var terminator: Int32 = 0
        var notFirst = false
        var problems = 0
        var field: [UInt8] = []

        init(stream: UnsafeMutablePointer<FILE>, name: String, columnSeparator: Int32, rowSeparator: Int32, csv: Bool,
             problem: @escaping (String) -> Void) {
            self.stream = stream
            self.name = name
            self.columnSeparator = columnSeparator
            self.rowSeparator = rowSeparator
            self.csv = csv
            self.problem = problem
        }

        /// The next field (cut at a NUL byte, as sqlite3 binds it), or nil at the end.
        mutating func next() -> String? {
            csv ? nextCSV() : nextASCII()
        }

        private func text() -> String {
            let end = field.firstIndex(of: 0) ?? field.count
            // The file's bytes, carried (`CarriedBytes`): a Latin-1 field is stored as it is.
            return CarriedBytes.string(carrying: field[..<end])
        }

        private mutating func nextCSV() -> String? {
            field.removeAll(keepingCapacity: true)
            var c = getc(stream)
            if c == EOF {
                terminator = EOF
                return nil
            }
            let quote = Int32(UInt8(ascii: "\""))
            if c == quote {
                var pc: Int32 = 0
                var ppc: Int32 = 0
                let startLine = line
                while true {
                    c = getc(stream)
                    if c == rowSeparator { line += 1 }
                    if c == quote && pc == quote {
                        pc = 0
                        continue
                    }
                    if (c == columnSeparator && pc == quote) || (c == rowSeparator && pc == quote)
                        || (c == rowSeparator && pc == 13 && ppc == quote) || (c == EOF && pc == quote) {
                        // Back to (and without) the closing quote: a CR before the row end goes too.
                        while let last = field.popLast(), Int32(last) != quote {}
                        terminator = c
                        break
                    }
                    if pc == quote && c != 13 {
                        problem("\(name):\(line): unescaped \" character")
                        problems += 1
                    }
                    if c == EOF {
                        problem("\(name):\(startLine): unterminated \"-quoted field")
                        problems += 1
                        terminator = c
                        break
                    }
                    field.append(UInt8(truncatingIfNeeded: c))
                    ppc = pc
                    pc = c
                }
            } else {
                if c == 0xef && !notFirst {
                    field.append(0xef)
                    c = getc(stream)
                    if c == 0xbb {
                        field.append(0xbb)
                        c = getc(stream)
                        if c == 0xbf {
                            notFirst = true
                            return nextCSV()
                        }
                    }
                }
                while c != EOF && c != columnSeparator && c != rowSeparator {
                    field.append(UInt8(truncatingIfNeeded: c))
                    c = getc(stream)
                }
                if c == rowSeparator {
                    line += 1
                    if field.last == 13 { field.removeLast() }
                }
                terminator = c
            }
            notFirst = true
            return text()
        }

        private mutating func nextASCII() -> String? {
            field.removeAll(keepingCapacity: true)
            var c = getc(stream)
            if c == EOF {
                terminator = EOF
                return nil
            }
            while c != EOF && c != columnSeparator && c != rowSeparator {
                field.append(UInt8(truncatingIfNeeded: c))
                c = getc(stream)
            }
            if c == rowSeparator { line += 1 }
            terminator = c
            return text()
        }
    }

    /// sqlite3's `zAutoColumn`: the column list of the CREATE TABLE for a header row, with
    /// repeated names (compared without case) numbered, and the message listing the renames.
    static func columnDefinitions(_ names: [String]) throws -> (String, String?) {
        let scratch = try Connection(path: ":memory:", mode: .readWriteCreate)
        try scratch.execute("""
            CREATE TABLE ColNames( cpos INTEGER PRIMARY KEY, name TEXT, nlen INT, chop INT, reps INT, suff TEXT);\
            CREATE VIEW RepeatedNames AS SELECT DISTINCT t.name FROM ColNames t WHERE t.name COLLATE NOCASE IN ( SELECT o.name FROM ColNames o WHERE o.cpos<>t.cpos);
            """)
        let fill = try scratch.prepare("INSERT INTO ColNames(name,nlen,chop,reps,suff) VALUES(iif(length(?1)>0,?1,'?'),max(length(?1),1),0,0,'')")
        for name in names {
            fill.reset()
            try fill.bind(name, at: 1)
            try fill.run()
        }
        let hasDuplicates = (try scratch.scalarInt("SELECT count(DISTINCT (substring(name,1,nlen-chop)||suff) COLLATE NOCASE) <count(name) FROM ColNames") ?? 0) != 0
        if hasDuplicates {
            let digits = try scratch.scalarInt("SELECT CASE WHEN (nc < 10) THEN 1 WHEN (nc < 100) THEN 2 WHEN (nc < 1000) THEN 3 WHEN (nc < 10000) THEN 4 ELSE 5 END FROM (SELECT count(*) AS nc FROM ColNames) ") ?? 1
            try scratch.execute("UPDATE ColNames AS t SET reps=(SELECT count(*) FROM ColNames d WHERE substring(t.name,1,t.nlen-t.chop)=substring(d.name,1,d.nlen-d.chop) COLLATE NOCASE)")
            let rank = try scratch.prepare("""
                WITH Lzn(nlz) AS (  SELECT 0 AS nlz  UNION  SELECT nlz+1 AS nlz FROM Lzn  WHERE EXISTS(   SELECT 1   FROM ColNames t, ColNames o   WHERE    \
                iif(t.name IN (SELECT * FROM RepeatedNames),     printf('%s_%s',      t.name, substring(printf('%.*c%0.*d',nlz+1,'0',$1,t.cpos),2)),     t.name    )    \
                =    iif(o.name IN (SELECT * FROM RepeatedNames),     printf('%s_%s',      o.name, substring(printf('%.*c%0.*d',nlz+1,'0',$1,o.cpos),2)),     o.name    )    \
                COLLATE NOCASE    AND o.cpos<>t.cpos   GROUP BY t.cpos  )) UPDATE Colnames AS t SET chop = 0, suff = iif(name IN (SELECT * FROM RepeatedNames),  \
                printf('_%s', substring(   printf('%.*c%0.*d',(SELECT max(nlz) FROM Lzn)+1,'0',1,t.cpos),2)),  '' )
                """)
            try rank.bind(digits, at: 1)
            try rank.run()
        }
        let spec = try scratch.scalarText("""
            SELECT '('||x'0a' || group_concat(  cname||' TEXT',  ','||iif((cpos-1)%4>0, ' ', x'0a'||' ')) ||')' AS ColsSpec \
            FROM ( SELECT cpos, printf('"%w"',printf('%!.*s%s', nlen-chop,name,suff)) AS cname  FROM ColNames ORDER BY cpos)
            """) ?? "()"
        let renames = hasDuplicates
            ? try scratch.scalarText("SELECT group_concat( printf('\"%w\" to \"%w\"',name,printf('%!.*s%s', nlen-chop, name, suff)), ','||x'0a')FROM ColNames WHERE suff<>'' OR chop!=0")
            : nil
        return (spec, renames)
    }
}
