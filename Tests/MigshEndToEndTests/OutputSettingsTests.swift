import Foundation
import Testing

/// `.separator` and `.nullvalue` print exactly what sqlite3 prints for the same script.
@Suite("Output settings match sqlite3")
struct OutputSettingsTests {
    @Test("same bytes as sqlite3", arguments: [
        ".separator \";\"\n.nullvalue NULL\nselect 1, null, 'x';\n",
        ".separator \"\\t\" \"\\r\\n\"\nselect 1 as a, 'b c' as b;\nselect null;\n",
        ".mode csv\n.separator \"|\"\n.nullvalue -\nselect 1, null, 'a|b', 'q\"q';\n",
        ".headers on\n.separator \" :: \"\nselect 1 as one, 2 as two;\n",
    ])
    func sameAsSQLite(_ script: String) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            let reference = try runProcess("/usr/bin/sqlite3", ["-init", "/dev/null", ":memory:"], stdin: Data(script.utf8))
            #expect(reference.status == 0, "\(reference)")
            let result = try migsh(["--create", db], script: script)
            #expect(result.status == 0, "\(result)")
            #expect(result.stdout == reference.stdout, "migsh:\n\(result.stdout)\nsqlite3:\n\(reference.stdout)")
        }
    }
}
