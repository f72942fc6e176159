import CMigshSQLite
import Foundation
import MigshTestSupport
import MigshCore
@testable import MigshShell
import Testing

// The formatter's contract is "print what sqlite3 3.40 prints". These tests hold it to that
// contract byte for byte: every corpus input goes through ResultFormatter and through the
// real sqlite3 binary, and the two outputs must be identical.

private let sqlite3Path = "/usr/bin/sqlite3"
private let sqlite3IsInstalled = FileManager.default.isExecutableFile(atPath: sqlite3Path)

/// One SQL input of the corpus; it may hold several statements.
struct CorpusCase: Sendable, CustomTestStringConvertible {
    let name: String
    let sql: String
    var testDescription: String { name }
}

/// A way of choosing the output mode: a sqlite3 command-line flag (`-csv -header`) or the
/// `.mode` / `.headers` dot-commands, whose side effects differ (`.mode csv` ends rows with
/// CRLF, `.mode box` wraps at 60 characters, `.mode column` turns headers on).
struct OutputChoice: Sendable, CustomTestStringConvertible {
    enum Kind: Sendable { case flag, dotCommand }
    let kind: Kind
    let mode: OutputMode
    let headers: Bool

    var testDescription: String {
        switch kind {
        case .flag: return "-\(mode.rawValue) -\(headers ? "header" : "noheader")"
        case .dotCommand: return ".mode \(mode.rawValue) / .headers \(headers ? "on" : "off")"
        }
    }

    var settings: OutputSettings {
        switch kind {
        case .flag:
            var settings = OutputSettings(commandLineMode: mode)
            settings.showHeaders = headers
            return settings
        case .dotCommand:
            var settings = OutputSettings()
            settings.setHeaders(headers)
            settings.setMode(mode)
            return settings
        }
    }

    /// sqlite3's arguments and the script prefix that select this output.
    var sqlite3Invocation: (arguments: [String], scriptPrefix: String) {
        switch kind {
        case .flag:
            return (["-\(mode.rawValue)", headers ? "-header" : "-noheader", ":memory:"], "")
        case .dotCommand:
            return ([":memory:"], ".headers \(headers ? "on" : "off")\n.mode \(mode.rawValue)\n")
        }
    }

    static func all(_ kind: Kind, _ modes: [OutputMode]) -> [OutputChoice] {
        modes.flatMap { mode in [true, false].map { OutputChoice(kind: kind, mode: mode, headers: $0) } }
    }
}

enum ResultFormatterCorpus {
    static let cases: [CorpusCase] = [
        CorpusCase(name: "NULL", sql: "SELECT NULL;"),
        CorpusCase(name: "NULL beside a value", sql: "SELECT NULL AS n, 1 AS one;"),
        CorpusCase(name: "integers, negatives and the int64 limits",
                   sql: "SELECT 0, 1, -1, 42 AS answer, -9223372036854775808 AS lo, 9223372036854775807 AS hi;"),
        CorpusCase(name: "floats",
                   sql: "SELECT 0.1, 1e20, 1.0, -0.0, 3.14159265358979, 2.5e-10, 123456789.125, 1e100;"),
        CorpusCase(name: "infinities and float limits",
                   sql: "SELECT 1e308*10 AS inf, -1e308*10 AS ninf, 4.9e-324 AS tiny, 1.7976931348623157e308 AS big;"),
        CorpusCase(name: "integer-valued floats", sql: "SELECT 2e10, 1e17, 100.0, -5.0, 9007199254740993.0;"),
        CorpusCase(name: "plain text", sql: "SELECT 'hello' AS greeting, 'world';"),
        CorpusCase(name: "single and double quotes",
                   sql: #"SELECT 'it''s' AS single, 'say "hi"' AS dbl, '''' AS q, '"' AS dq;"#),
        CorpusCase(name: "embedded newlines and CRLF",
                   sql: "SELECT 'line1' || char(10) || 'line2' AS nl, 'a' || char(13) || char(10) || 'b' AS crlf, char(10) AS lone;"),
        CorpusCase(name: "commas, tabs, pipes, semicolons",
                   sql: "SELECT 'a,b' AS comma, 'a' || char(9) || 'b' AS tab, 'a|b' AS pipe, 'a;b' AS semi;"),
        CorpusCase(name: "non-ASCII text",
                   sql: "SELECT 'héllo wörld' AS latin, '日本語' AS cjk, '😀 emoji' AS emoji, 'Ωmega' AS greek;"),
        CorpusCase(name: "control characters",
                   sql: "SELECT char(1) AS soh, 'x' || char(1) || 'y' AS mid, char(8,12,27,31,127) AS ctl;"),
        CorpusCase(name: "backslashes", sql: #"SELECT 'C:\path\file' AS win, '\\' AS two, '/slash/' AS fwd;"#),
        CorpusCase(name: "leading, trailing and lone spaces",
                   sql: "SELECT ' lead' AS a, 'trail ' AS b, ' ' AS sp, 'in side' AS c;"),
        CorpusCase(name: "empty strings", sql: "SELECT '' AS empty, '', NULL AS nul;"),
        CorpusCase(name: "blobs",
                   sql: "SELECT x'00ff41' AS b1, x'41ff42' AS b2, x'' AS empty, x'414243' AS abc, zeroblob(3) AS z;"),
        CorpusCase(name: "text cast to blob and back",
                   sql: "SELECT CAST('text as blob' AS BLOB) AS tb, CAST(x'68656c6c6f' AS TEXT) AS bt;"),
        CorpusCase(name: "embedded NUL in text and blob", sql: "SELECT CAST(x'610062' AS TEXT) AS t, x'610062' AS b;"),
        CorpusCase(name: "zero rows", sql: "SELECT 1 AS a WHERE 0;"),
        CorpusCase(name: "zero rows from a table", sql: "CREATE TABLE t(a INTEGER, b TEXT); SELECT * FROM t;"),
        CorpusCase(name: "duplicate column names", sql: "SELECT 1 AS x, 2 AS x, 3 AS X, 'v' AS x;"),
        CorpusCase(name: "expression column names",
                   sql: "SELECT 1+1, upper('a'), 'lit', NULL IS NULL, count(*) FROM (SELECT 1);"),
        CorpusCase(name: "mixed types in one column",
                   sql: "SELECT 1 AS v UNION ALL SELECT 2.5 UNION ALL SELECT 'three' UNION ALL SELECT NULL UNION ALL SELECT x'04' UNION ALL SELECT '';"),
        CorpusCase(name: "several statements, one result each",
                   sql: "SELECT 1 AS a; SELECT 'two' AS b, 2 AS c; SELECT 3 AS a WHERE 0; SELECT 4 AS d;"),
        CorpusCase(name: "DDL and DML print nothing",
                   sql: "CREATE TABLE t(a, b); INSERT INTO t VALUES (1, 'x'), (2, NULL); UPDATE t SET b = 'y' WHERE a = 2; SELECT * FROM t ORDER BY a;"),
        CorpusCase(name: "fifty rows",
                   sql: "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 50) SELECT i, i*i AS sq, i/7.0 AS frac, printf('%05d', i) AS padded FROM c;"),
        CorpusCase(name: "column names that need quoting",
                   sql: #"SELECT 1 AS "a b", 2 AS "c,d", 3 AS "e""f", 4 AS "g'h", 5 AS "ü", 6 AS "";"#),
        CorpusCase(name: "long text",
                   sql: "SELECT replace(hex(zeroblob(40)), '0', 'ab ') AS long, length(replace(hex(zeroblob(40)), '0', 'ab ')) AS n;"),
        CorpusCase(name: "text that looks like JSON",
                   sql: #"SELECT '{"a":[1,2]}' AS j, '[]' AS arr, 'null' AS n, 'true' AS t;"#),
        CorpusCase(name: "numeric-looking strings",
                   sql: "SELECT '1' AS s1, '1.5' AS s2, '-3' AS s3, '1e5' AS s4, ' 7' AS s5;"),
        CorpusCase(name: "typeof", sql: "SELECT typeof(1), typeof(1.0), typeof('x'), typeof(x'00'), typeof(NULL);"),
        CorpusCase(name: "pragma result", sql: "PRAGMA user_version = 7; PRAGMA user_version;"),
        CorpusCase(name: "table of mixed columns",
                   sql: #"CREATE TABLE p(id INTEGER PRIMARY KEY, name TEXT, score REAL, data BLOB); INSERT INTO p VALUES (1,'Ann',9.5,x'01'),(2,'Bob, Jr.',NULL,NULL),(3,'Cé "C"',-0.25,x''); SELECT * FROM p;"#),
        CorpusCase(name: "tab stops",
                   sql: "SELECT 'a' || char(9) || 'b' AS t1, char(9) || 'x' AS t2, 'abcdefg' || char(9) || 'h' AS t3;"),
        CorpusCase(name: "every printable ASCII character",
                   sql: "WITH RECURSIVE c(i) AS (SELECT 32 UNION ALL SELECT i+1 FROM c WHERE i < 126) SELECT i, char(i) AS ch FROM c;"),
        CorpusCase(name: "every control character",
                   sql: "WITH RECURSIVE c(i) AS (SELECT 1 UNION ALL SELECT i+1 FROM c WHERE i < 31) SELECT i, 'a' || char(i) || 'b' AS ch FROM c;"),
    ]
}

@Suite(
    "ResultFormatter prints what sqlite3 3.40 prints",
    .enabled(if: shouldRun(needing: sqlite3IsInstalled), "\(sqlite3Path) is not installed: nothing to compare against")
)
struct ResultFormatterCorpusTests {
    @Test("list, csv and json match sqlite3 byte for byte",
          arguments: ResultFormatterCorpus.cases, OutputChoice.all(.flag, [.list, .csv, .json]))
    func streamingModesMatch(_ corpusCase: CorpusCase, _ choice: OutputChoice) throws {
        try expectSameOutput(corpusCase, choice)
    }

    @Test("the other modes match sqlite3's command-line flags",
          arguments: ResultFormatterCorpus.cases,
          OutputChoice.all(.flag, [.line, .quote, .tabs, .box, .table, .markdown, .column]))
    func otherModesMatch(_ corpusCase: CorpusCase, _ choice: OutputChoice) throws {
        try expectSameOutput(corpusCase, choice)
    }

    @Test("every mode matches sqlite3 after .mode and .headers",
          arguments: ResultFormatterCorpus.cases, OutputChoice.all(.dotCommand, OutputMode.allCases))
    func dotModeMatches(_ corpusCase: CorpusCase, _ choice: OutputChoice) throws {
        try expectSameOutput(corpusCase, choice)
    }

    private func expectSameOutput(_ corpusCase: CorpusCase, _ choice: OutputChoice) throws {
        let expected = try runSQLite3(corpusCase.sql, choice)
        let actual = try runFormatter(corpusCase.sql, settings: choice.settings)
        // Compared as a Bool so that a failure shows the two outputs as text, not byte lists.
        let identical = actual == expected
        #expect(identical, """
            \(choice.testDescription) on \(corpusCase.name)
            sqlite3: \(String(decoding: expected, as: UTF8.self).debugDescription)
            migsh:   \(String(decoding: actual, as: UTF8.self).debugDescription)
            """)
    }
}

@Suite("ResultFormatter behaviour")
struct ResultFormatterBehaviourTests {
    @Test("an empty result prints nothing, headers or not, and counts zero rows",
          arguments: OutputMode.allCases)
    func emptyResultPrintsNothing(_ mode: OutputMode) throws {
        var settings = OutputSettings()
        settings.setMode(mode)
        settings.setHeaders(true)
        var rows = -1
        let output = try withTemporaryOutput { out in
            try withOpenedConnection { db in
                try withPrepared(db, "SELECT 1 AS a WHERE 0") { stmt in
                    rows = try ResultFormatter(settings: settings, out: out).write(stmt)
                }
            }
        }
        #expect(rows == 0)
        #expect(output.isEmpty)
    }

    @Test("write returns the number of rows, counting a wrapped row once", arguments: [OutputMode.list, .box])
    func returnsRowCount(_ mode: OutputMode) throws {
        var settings = OutputSettings()
        settings.setMode(mode)
        var rows = 0
        _ = try withTemporaryOutput { out in
            try withOpenedConnection { db in
                try withPrepared(db, "SELECT 'a' || char(10) || 'b' UNION ALL SELECT 2 UNION ALL SELECT 3") { stmt in
                    rows = try ResultFormatter(settings: settings, out: out).write(stmt)
                }
            }
        }
        #expect(rows == 3)
    }

    @Test("a failing step throws its result code after the rows before it, json array closed")
    func stepErrorThrowsAfterPrintingEarlierRows() throws {
        var settings = OutputSettings()
        settings.setMode(.json)
        let output = try withTemporaryOutput { out in
            try withOpenedConnection { db in
                try withPrepared(db, "SELECT 1 AS a UNION ALL SELECT abs(-9223372036854775808)") { stmt -> Void in
                    let error = #expect(throws: MigshError.self) {
                        try ResultFormatter(settings: settings, out: out).write(stmt)
                    }
                    #expect(error?.resultCode == .error, "\(String(describing: error))")
                    #expect(error?.message == "integer overflow")
                }
            }
        }
        #expect(String(decoding: output, as: UTF8.self) == "[{\"a\":1}]\n")
    }

    @Test("json prints one array per statement")
    func jsonArrayPerStatement() throws {
        var settings = OutputSettings()
        settings.setMode(.json)
        let output = try withTemporaryOutput { out in
            try runStatements("SELECT 1 AS a UNION ALL SELECT 2; SELECT 'x' AS b;", settings: settings, out: out)
        }
        #expect(String(decoding: output, as: UTF8.self) == "[{\"a\":1},\n{\"a\":2}]\n[{\"b\":\"x\"}]\n")
    }

    @Test(".mode applies sqlite3 3.40's separators")
    func setModeAppliesSeparators() {
        var settings = OutputSettings()
        #expect(settings.mode == .list && settings.separator == "|" && settings.rowSeparator == "\n")
        settings.setMode(.csv)
        #expect(settings.separator == "," && settings.rowSeparator == "\r\n")
        settings.setMode(.tabs)
        #expect(settings.separator == "\t" && settings.rowSeparator == "\r\n", "tabs keeps the row separator")
        settings.setMode(.quote)
        #expect(settings.separator == "," && settings.rowSeparator == "\n")
        settings.setMode(.list)
        #expect(settings.separator == "|" && settings.rowSeparator == "\n")
        settings.setMode(.box)
        #expect(settings.wrapWidth == 60 && !settings.wordWrap)
    }

    @Test(".mode column turns headers on unless .headers chose them")
    func columnModeHeaders() {
        var settings = OutputSettings()
        settings.setMode(.column)
        #expect(settings.showHeaders)
        var chosen = OutputSettings()
        chosen.setHeaders(false)
        chosen.setMode(.column)
        #expect(!chosen.showHeaders)
    }
}

@Suite("OutputBuffer")
struct OutputBufferTests {
    @Test("a buffer flushes what it holds when it is released")
    func flushesOnRelease() throws {
        func writeAndRelease(_ fd: Int32) {
            let out = OutputBuffer(fd: fd)
            out.write("kept")
        }
        let output = try withTemporaryOutput { out in
            writeAndRelease(out.fileDescriptor)
        }
        #expect(output == Array("kept".utf8))
    }

    @Test("small and large writes arrive in order")
    func writesArriveInOrder() throws {
        var expected: [UInt8] = []
        let output = try withTemporaryOutput { out in
            for i in 0..<10_000 {
                out.write("row \(i)\n")
                expected += Array("row \(i)\n".utf8)
            }
            let big = [UInt8](repeating: UInt8(ascii: "x"), count: 3 * OutputBuffer.capacity + 17)
            out.write(big)
            expected += big
            out.write(byte: UInt8(ascii: "!"))
            expected.append(UInt8(ascii: "!"))
            out.write(byte: UInt8(ascii: " "), repeating: OutputBuffer.capacity + 5)
            expected += [UInt8](repeating: UInt8(ascii: " "), count: OutputBuffer.capacity + 5)
        }
        #expect(output == expected)
    }

    @Test("a closed reader breaks the buffer instead of the process")
    func brokenPipeIsQuiet() throws {
        signal(SIGPIPE, SIG_IGN)  // as MigshMain does
        var fds: [Int32] = [0, 0]
        #expect(pipe(&fds) == 0)
        close(fds[0])
        let out = OutputBuffer(fd: fds[1])
        out.write("lost")
        out.flush()
        #expect(out.isBroken)
        out.write([UInt8](repeating: 0, count: 2 * OutputBuffer.capacity))
        out.flush()
        close(fds[1])
    }
}

// MARK: - Helpers that always close what they open

private struct SQLiteFailure: Error, CustomStringConvertible {
    let code: Int32
    let message: String
    var description: String { "SQLite error \(code): \(message)" }
}

private func withOpenedConnection<R>(_ body: (Connection) throws -> R) throws -> R {
    try body(try Connection(path: ":memory:", mode: .readWriteCreate))
}

@discardableResult
private func withPrepared<R>(_ db: Connection, _ sql: String, _ body: (Statement) throws -> R) throws -> R {
    try body(try db.prepare(sql))
}

/// Prepares and prints each statement of `sql` in turn, as the sqlite3 shell does: a later
/// statement is prepared only after the earlier one ran (it may use a table the earlier made).
private func runStatements(_ sql: String, settings: OutputSettings, out: OutputBuffer) throws {
    let formatter = ResultFormatter(settings: settings, out: out)
    try withOpenedConnection { db in
        try db.withStatements(in: Array(sql.utf8)) { statements in
            while !statements.isAtEnd {
                guard let statement = try statements.prepareNext() else { continue }
                _ = try formatter.write(statement)
            }
        }
    }
}

private func runFormatter(_ sql: String, settings: OutputSettings) throws -> [UInt8] {
    try withTemporaryOutput { out in try runStatements(sql, settings: settings, out: out) }
}

/// Runs `body` with an OutputBuffer on a fresh temporary file and returns the file's bytes.
private func withTemporaryOutput(_ body: (OutputBuffer) throws -> Void) throws -> [UInt8] {
    let url = FileManager.default.temporaryDirectory
        .appendingPathComponent("migsh-formatter-\(UUID().uuidString).out")
    defer { try? FileManager.default.removeItem(at: url) }
    let fd = open(url.path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
    guard fd >= 0 else { throw SQLiteFailure(code: errno, message: "cannot create \(url.path)") }
    defer { close(fd) }
    let out = OutputBuffer(fd: fd)
    try body(out)
    out.flush()
    return try [UInt8](Data(contentsOf: url))
}

/// Runs the real sqlite3 on an in-memory database with `sql` on standard input.
private func runSQLite3(_ sql: String, _ choice: OutputChoice) throws -> [UInt8] {
    let (arguments, prefix) = choice.sqlite3Invocation
    let directory = FileManager.default.temporaryDirectory
    let input = directory.appendingPathComponent("migsh-sqlite3-\(UUID().uuidString).sql")
    let output = directory.appendingPathComponent("migsh-sqlite3-\(UUID().uuidString).out")
    defer {
        try? FileManager.default.removeItem(at: input)
        try? FileManager.default.removeItem(at: output)
    }
    try Data((prefix + sql + "\n").utf8).write(to: input)
    _ = FileManager.default.createFile(atPath: output.path, contents: nil)
    let stdin = try FileHandle(forReadingFrom: input)
    let stdout = try FileHandle(forWritingTo: output)
    defer {
        try? stdin.close()
        try? stdout.close()
    }
    let child = try ChildProcess(executable: sqlite3Path, arguments: ["-batch"] + arguments,
                                 environment: ProcessInfo.processInfo.environment,
                                 stdin: .descriptor(stdin.fileDescriptor), stdout: .descriptor(stdout.fileDescriptor))
    child.wait(timeout: 60)
    try stdout.synchronize()
    return try [UInt8](Data(contentsOf: output))
}
