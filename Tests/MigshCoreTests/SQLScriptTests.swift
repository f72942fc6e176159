import Testing
@testable import MigshCore

@Suite("Splitting SQL into statements")
struct SQLScriptTests {
    @Test("statements split at semicolons, with the line of each first token")
    func splitsWithLines() {
        let split = SQLScript.split("-- header\nCREATE TABLE a(x);\n\n  INSERT INTO a VALUES (1);  SELECT 2;\n")
        #expect(split.statements.map(\.line) == [2, 4, 4])
        #expect(split.statements.map(\.index) == [1, 2, 3])
        #expect(split.incompleteTail == nil)
    }

    @Test("a trigger body with semicolons stays one statement")
    func triggerStaysWhole() {
        let sql = """
        CREATE TRIGGER tr AFTER INSERT ON a BEGIN
          UPDATE a SET x = 1;
          UPDATE a SET x = 2;
        END;
        SELECT 1;
        """
        let split = SQLScript.split(sql)
        #expect(split.statements.count == 2)
        #expect(split.statements[0].sql.hasSuffix("END;"))
        #expect(split.statements[1].line == 5)
    }

    @Test("semicolons inside strings, identifiers and comments do not end a statement")
    func quotedSemicolons() {
        let split = SQLScript.split("INSERT INTO \"a;b\" VALUES ('x;y', 'it''s;'); -- c;d\n/* e;\n f; */ SELECT 1;")
        #expect(split.statements.count == 2)
        #expect(split.statements[1].line == 3)  // SELECT follows the comment's second line
    }

    @Test("an unterminated string or statement is reported as the incomplete tail")
    func incompleteTail() {
        #expect(SQLScript.split("SELECT 1;\nSELECT 'abc;\n").incompleteTail?.line == 2)
        #expect(SQLScript.split("SELECT 1;\nCREATE TRIGGER t AFTER INSERT ON a BEGIN SELECT 1;").incompleteTail != nil)
        #expect(SQLScript.split("SELECT 1; -- trailing comment\n").incompleteTail == nil)
    }

    @Test("leading words skip comments and upper-case keywords")
    func leadingWords() {
        #expect(SQLScript.leadingWords("/* x */ -- y\n drop  table Foo;", count: 3) == ["DROP", "TABLE", "FOO"])
        #expect(SQLScript.leadingWords("pragma foreign_keys = off", count: 2) == ["PRAGMA", "FOREIGN_KEYS"])
    }

    /// The units `SQLInput` gives for `lines`, then for the end of input.
    private func units(_ lines: [[UInt8]]) -> [SQLInput.Unit] {
        var input = SQLInput()
        return lines.compactMap { input.add($0) } + [input.finish()].compactMap { $0 }
    }

    @Test("SQLInput: sqlite3's units, bytes unchanged")
    func sqlInputUnits() {
        func l(_ s: String) -> [UInt8] { Array(s.utf8) }
        // A multi-line block comment before a statement stays with it; its line is where it starts.
        #expect(units([l("/*"), l(" header"), l("*/ select 1;")]) == [.sql(l("/*\n header\n*/ select 1;"), line: 1)])
        // Comment-only input runs nothing; a dot-command needs nothing pending.
        #expect(units([l("-- x ;"), l("/* a"), l(";*/"), l(".tables")])
                == [.nothing(l("-- x ;")), .nothing(l("/* a\n;*/")), .dotCommand(l(".tables"), line: 4)])
        // The last statement without ; is handed over at the end, as it is.
        #expect(units([l("select 1;"), l("  select 2")]) == [.sql(l("select 1;"), line: 1), .sql(l("select 2"), line: 2)])
        #expect(units([l("SELECT 'unclosed;")]) == [.sql(l("SELECT 'unclosed;"), line: 1)])
        // Bytes that are not UTF-8 pass through.
        #expect(units([[0x73, 0x65, 0x6c, 0x65, 0x63, 0x74, 0x20, 0x27, 0xe9, 0xff, 0x27, 0x3b]])
                == [.sql([0x73, 0x65, 0x6c, 0x65, 0x63, 0x74, 0x20, 0x27, 0xe9, 0xff, 0x27, 0x3b], line: 1)])
        // '/' and 'go' end a statement that a ; would complete; a trigger needs its END.
        #expect(units([l("select 1"), l(" GO ")]) == [.sql(l("select 1\n;"), line: 1)])
        #expect(units([l("create trigger t after insert on a begin"), l("select 1;"), l("end;")])
                == [.sql(l("create trigger t after insert on a begin\nselect 1;\nend;"), line: 1)])
    }
}
