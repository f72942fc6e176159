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
}
