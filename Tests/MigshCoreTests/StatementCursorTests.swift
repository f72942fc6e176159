import Testing
@testable import MigshCore

/// The one loop over SQL text (`StatementCursor`), which `Connection.execute` and the shell's
/// SQL runner both walk. Expectations come from the SQL itself and SQLite's documented
/// prepare rules (a statement ends after its `;`, a text of only comments prepares nothing).
@Suite("One loop over SQL text: StatementCursor and Connection.execute")
struct StatementCursorTests {
    @Test("execute runs each statement after the one before it: a later statement uses the table an earlier one made")
    func executeRunsInOrder() throws {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        try db.execute("CREATE TABLE t(a); INSERT INTO t VALUES (1), (2); -- a comment\n; INSERT INTO t SELECT a + 10 FROM t;")
        #expect(try db.column("SELECT a FROM t ORDER BY a") == ["1", "2", "11", "12"])
    }

    @Test("a statement that does not compile stops execute; its error carries that statement's text, and SQLite's offset points into it")
    func prepareErrorPointsIntoItsStatement() throws {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        let error = try #require(throws: MigshError.self) {
            try db.execute("CREATE TABLE t(a);\nSELECT nosuch FROM t;\nCREATE TABLE u(b);")
        }
        let sql = try #require(error.sql)
        let offset = try #require(error.sqlOffset)
        #expect(Array(sql.utf8)[offset...].starts(with: "nosuch".utf8), "offset \(offset) into \(sql)")
        #expect(try db.tableExists("t"))
        #expect(try !db.tableExists("u"))
    }

    @Test("the cursor hands out each statement's own bytes (comments included), a comment alone as nothing, and stops at a NUL byte")
    func cursorHandsOutEachStatement() throws {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        let text = Array("SELECT 1; /* c */ SELECT 2;\n-- end\n".utf8) + [0] + Array("SELECT 3;".utf8)
        let seen: [String] = try db.withStatements(in: text) { statements in
            var seen: [String] = []
            while statements.skipWhiteSpace() {
                let statement = try statements.prepareNext()
                seen.append((statement == nil ? "nothing: " : "") + String(decoding: statements.lastText, as: UTF8.self))
            }
            return seen
        }
        #expect(seen == ["SELECT 1;", "/* c */ SELECT 2;", "nothing: -- end\n"])
    }

    @Test("after a failed prepare the cursor stays at the statement: the rest of the text is what failed")
    func failedPrepareKeepsTheCursor() throws {
        let db = try Connection(path: ":memory:", mode: .readWriteCreate)
        let rest: String = try db.withStatements(in: Array("SELECT 1; SELEC 2; SELECT 3;".utf8)) { statements in
            var more = statements.skipWhiteSpace()
            #expect(more)
            _ = try statements.prepareNext()
            more = statements.skipWhiteSpace()
            #expect(more)
            #expect(throws: MigshError.self) { try statements.prepareNext() }
            return String(decoding: statements.remaining, as: UTF8.self)
        }
        #expect(rest == "SELEC 2; SELECT 3;")
    }
}
