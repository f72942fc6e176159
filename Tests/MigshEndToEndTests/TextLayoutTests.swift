import Foundation
import MigshTestSupport
import Testing

/// What migsh says, laid out in a real terminal (tmux) at 40, 80 and 200 columns: prose wraps
/// between words, never inside one; SQL and file names are printed as written; tables keep
/// identifiers whole and turn into one block a row where no table fits; long output goes
/// through the pager; a statement of several lines is one history entry, written at once.
/// The screen is read with `capture-pane -J`, so a line the terminal wrapped comes back whole:
/// a line wider than the terminal there is one migsh did not break.
@Suite("Text layout in the terminal (tmux)", .serialized, .enabled(if: tmuxIsAvailable, "tmux is not installed"))
struct TextLayoutTests {
    static let databaseName = "nukeworks_db.sqlite"

    /// migsh started at `width` columns on a demo database at version 3 in a fresh folder,
    /// the start-up update answered no. `PAGER` is `cat` unless the test sets it.
    func withShell(width: Int, migrations: String = repositoryMigrations, environment: [String: String] = [:],
                   _ body: (TerminalDriver, String) throws -> Void) throws {
        try withTemporaryDirectory { dir in
            try makeDemoDatabase(dir + "/" + Self.databaseName, version: 3)
            var env = ["HOME": dir, "MIGSH_HISTORY": dir + "/history", "NO_COLOR": "1", "PAGER": "cat"]
            env.merge(environment) { _, new in new }
            try withTerminal(environment: env, cwd: dir, width: width) { terminal in
                try terminal.launch(["--noinit", "-m", migrations, Self.databaseName])
                try terminal.waitFor("[y/N]", timeout: 15)
                try terminal.typeLine("n")
                _ = try terminal.waitUntil("the first prompt", timeout: 10) { Self.atPrompt($0) }
                try body(terminal, dir)
            }
        }
    }

    static func atPrompt(_ screen: String) -> Bool {
        let last = (screen.split(separator: "\n").last.map(String.init) ?? "").trimmingTrailingWhitespace
        return last.hasPrefix(databaseName + " v") && last.hasSuffix(">")
    }

    /// Runs `line` and waits for the next prompt.
    func run(_ terminal: TerminalDriver, _ line: String, timeout: TimeInterval = 30) throws {
        let before = occurrences(of: Self.databaseName + " v", in: try terminal.screen())
        try terminal.typeLine(line)
        _ = try terminal.waitUntil("the prompt after \(line)", timeout: timeout) {
            occurrences(of: Self.databaseName + " v", in: $0) > before && Self.atPrompt($0)
        }
    }

    /// migsh's lines wider than `width`, leaving out what was typed into bash and lines
    /// holding one piece that could not fit anyway (a path, a backup's name).
    func tooWide(_ screen: String, width: Int) -> [String] {
        screen.split(separator: "\n").map(String.init).filter { line in
            line.count > width && !line.hasPrefix("$ ") && !line.hasPrefix(Self.databaseName + " v")
                && !line.split(separator: " ").contains { $0.count > width - 12 }
        }
    }

    /// The screen's words in order, whatever the line breaks: a word broken by migsh shows
    /// up as two.
    func words(_ screen: String) -> String {
        screen.split(whereSeparator: { $0 == " " || $0 == "\n" }).joined(separator: " ")
    }

    @Test("messages, questions, errors and the update list wrap between words and fit", arguments: [40, 80, 200])
    func prose(width: Int) throws {
        try withShell(width: width) { terminal, dir in
            try run(terminal, "BEGIN;")
            try run(terminal, ".apply")
            try run(terminal, "ROLLBACK;")
            try run(terminal, ".backup", timeout: 60)
            try terminal.typeLine(".restore --latest")
            _ = try terminal.waitUntil("the restore question", timeout: 30) { $0.contains("Restore? [y/N]") }
            try terminal.typeLine("n")
            _ = try terminal.waitUntil("the prompt after no", timeout: 10) { Self.atPrompt($0) }
            try terminal.typeLine(".apply")
            _ = try terminal.waitUntil("the update question", timeout: 30) { $0.contains("Update database? [y/N]") }
            try terminal.typeLine("n")
            _ = try terminal.waitUntil("the prompt after no", timeout: 10) { Self.atPrompt($0) }
            let screen = try terminal.screen()
            let wide = tooWide(screen, width: width)
            #expect(wide.isEmpty, "lines wider than \(width) columns:\n\(wide.joined(separator: "\n"))\n--- screen:\n\(screen)")
            let text = words(screen)
            for sentence in [
                "refused: a transaction is open in this session (COMMIT or ROLLBACK it first)",
                "(schema version 3, taken",
                "The current state will be backed up first.",
                "• Version 4: Add supplier diversity tracking",
                "A backup will be created before updating.",
            ] {
                #expect(text.contains(sentence), "\(sentence.debugDescription) is not on the screen whole:\n\(screen)")
            }
            #expect(schemaVersion(dir + "/" + Self.databaseName) == "3")
        }
    }

    @Test(".apply --dry-run prints each migration's SQL exactly as its file holds it", arguments: [40, 80])
    func dryRunSQL(width: Int) throws {
        try withTemporaryDirectory { other in
            let migrations = other + "/migrations"
            try copyRepositoryMigrations(to: migrations)
            // A long string literal with spaces and a long comment: re-wrapping would cut both.
            let sql = """
                -- Migration 004: a long comment that goes on past forty columns, and its second half must stay a comment
                BEGIN TRANSACTION;
                CREATE TABLE Notes (id INTEGER PRIMARY KEY, body TEXT NOT NULL DEFAULT 'a long default text that has many words in it and must not be broken');
                INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (4, CURRENT_TIMESTAMP, 'system', 'Notes');
                COMMIT;
                """
            for v in 4...8 { try? FileManager.default.removeItem(atPath: try migrationFile(v, in: migrations)) }
            try sql.write(toFile: migrations + "/004_notes.sql", atomically: true, encoding: .utf8)
            try regenerateChecksums(in: migrations)
            try withShell(width: width, migrations: migrations) { terminal, _ in
                try run(terminal, ".apply --dry-run")
                let screen = try terminal.screen()
                let createLine = sql.split(separator: "\n")[2]
                #expect(screen.contains(createLine), "the CREATE TABLE is not on the screen as written:\n\(screen)")
                // Every line of the dry run's own comments is a comment.
                let head = screen.components(separatedBy: "-- 004_notes.sql")
                #expect(head.count == 2, "\(screen)")
                let comments = head.last!.split(separator: "\n").prefix { !$0.hasPrefix("BEGIN") && !$0.hasPrefix("CREATE") }
                #expect(comments.allSatisfy { $0.isEmpty || $0.hasPrefix("--") || $0.hasPrefix(" (") || $0.hasPrefix("(") },
                        "a comment line that is not a comment:\n\(comments.joined(separator: "\n"))")
                let wide = tooWide(screen.replacingOccurrences(of: String(createLine), with: ""), width: width)
                    .filter { !sql.contains($0) }
                #expect(wide.isEmpty, "lines wider than \(width) columns:\n\(wide.joined(separator: "\n"))")
            }
        }
    }

    @Test(".audit shows the error text, time to the second, versions before → after; no empty rows column", arguments: [120])
    func audit(width: Int) throws {
        try withShell(width: width) { terminal, _ in
            try run(terminal, "SELECT * FROM no_such_table_here;")
            try run(terminal, ".apply --yes", timeout: 120)
            try run(terminal, ".audit 6")
            let screen = try terminal.screen()
            let table = screen.components(separatedBy: ".audit 6").last ?? ""
            #expect(table.contains("no such table: no_such_table_here"), "\(table)")
            #expect(table.contains("3 → 8"), "\(table)")
            #expect(firstMatch(of: #"[0-9]{2}:[0-9]{2}:[0-9]{2}\.[0-9]{3}"#, in: table) == nil, "milliseconds in:\n\(table)")
            #expect(firstMatch(of: #"[0-9]{4}-[0-9]{2}-[0-9]{2} [0-9]{2}:[0-9]{2}:[0-9]{2}"#, in: table) != nil, "\(table)")
            let header = table.split(separator: "\n").first { $0.hasPrefix("seq") } ?? ""
            #expect(!header.contains(" rows "), "\(header)")
        }
    }

    @Test("at 40 columns .audit, .history and .backups become one block a row; a backup's name is whole and restores",
          arguments: [40])
    func narrowTables(width: Int) throws {
        try withShell(width: width) { terminal, dir in
            let before = Set(try FileManager.default.contentsOfDirectory(atPath: dir + "/snapshots"))
            try run(terminal, ".backup", timeout: 60)
            for command in [".audit 4", ".history", ".backups"] { try run(terminal, command) }
            let screen = try terminal.screen()
            #expect(screen.contains("-[ RECORD 1 ]"), "\(screen)")
            let wide = tooWide(screen, width: width)
            #expect(wide.isEmpty, "lines wider than \(width) columns:\n\(wide.joined(separator: "\n"))")
            let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/snapshots").filter { $0.hasSuffix(".sqlite") && !before.contains($0) }
            #expect(names.count == 1)
            let name = try #require(names.first)
            #expect(screen.contains("| " + name), "\(name) is not whole:\n\(screen)")
            try terminal.typeLine(".restore " + name)
            _ = try terminal.waitUntil("the restore question", timeout: 30) { $0.contains("Restore? [y/N]") }
            try terminal.typeLine("n")
            _ = try terminal.waitUntil("the prompt after no", timeout: 10) { Self.atPrompt($0) }
        }
    }

    @Test(".backups at 80 columns shows whole names that .restore takes")
    func backupNames() throws {
        try withShell(width: 80) { terminal, dir in
            try run(terminal, ".backup", timeout: 60)
            try run(terminal, ".backups")
            let screen = try terminal.screen()
            let names = try FileManager.default.contentsOfDirectory(atPath: dir + "/snapshots").filter { $0.hasSuffix(".sqlite") }
            #expect(names.count >= 1)
            for name in names {
                #expect(screen.contains(name), "\(name) is not whole:\n\(screen)")
            }
            #expect(tooWide(screen, width: 80).isEmpty, "\(screen)")
        }
    }

    @Test("the pager (less -FRX) shows .help, which is taller than the screen, and quits with q; .pager off prints it")
    func pager() throws {
        try withShell(width: 80, environment: ["PAGER": ""]) { terminal, _ in
            try terminal.typeLine(".help")
            // less's prompt at the bottom: the help is paged, not printed whole.
            let paged = try terminal.waitForCurrentLine("less's prompt", timeout: 10) { $0 == ":" }
            #expect(!paged.contains("Anything else is SQL"), "the whole help was printed:\n\(paged)")
            try terminal.press("q")
            _ = try terminal.waitUntil("the prompt after q", timeout: 10) { Self.atPrompt($0) }
            try run(terminal, ".pager off")
            try run(terminal, ".help")
            #expect(try terminal.screen().contains("Anything else is SQL"))
            try run(terminal, ".pager on")
            try terminal.typeLine(".version")
            // Short output: less -F quits by itself.
            _ = try terminal.waitUntil("the prompt after .version", timeout: 10) { Self.atPrompt($0) && $0.contains("schema") }
        }
    }

    @Test("query results taller than the screen go through $PAGER; short results and .pager off print on the terminal")
    func pagedResults() throws {
        try withTemporaryDirectory { tools in
            // A "pager" that keeps what it is given and says it ran.
            let paged = tools + "/paged.txt"
            try makeTool(name: "pager.sh", script: "#!/bin/sh\ncat > '\(paged)'\necho PAGER-DONE\n", in: tools)
            let query = "WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100) SELECT i, 'row ' || i FROM n;"
            // The oracle: sqlite3's list output of the same query.
            let expected = sqlite(":memory:", query) + "\n"
            try withShell(width: 80, environment: ["PAGER": tools + "/pager.sh"]) { terminal, _ in
                try run(terminal, ".mode list")
                try run(terminal, query)
                var screen = try terminal.screen()
                #expect(screen.contains("PAGER-DONE"), "\(screen)")
                #expect(!screen.contains("row 100"), "the rows were printed on the terminal:\n\(screen)")
                #expect((try? String(contentsOfFile: paged, encoding: .utf8)) == expected)
                try FileManager.default.removeItem(atPath: paged)
                // Fits the screen: printed, no pager.
                try run(terminal, "SELECT 'short ' || 42;")
                #expect(try terminal.screen().contains("\nshort 42\n"))
                #expect(!FileManager.default.fileExists(atPath: paged))
                try run(terminal, ".pager off")
                try run(terminal, query)
                screen = try terminal.screen()
                #expect(screen.contains("\n100|row 100\n"), "\(screen)")
                #expect(!FileManager.default.fileExists(atPath: paged))
            }
        }
    }

    @Test("less quit with q before the end of a long result: the rest is dropped, and the next result prints on the terminal")
    func pagerQuitEarly() throws {
        try withShell(width: 80, environment: ["PAGER": ""]) { terminal, _ in
            try terminal.typeLine("WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 100000) SELECT i FROM n;")
            let paged = try terminal.waitForCurrentLine("less's prompt", timeout: 20) { $0 == ":" }
            #expect(!paged.contains("\n100000\n"))
            try terminal.press("q")
            _ = try terminal.waitUntil("the prompt after q", timeout: 20) { Self.atPrompt($0) }
            try run(terminal, "SELECT 'answer-' || (6 * 7);")
            let screen = try terminal.screen()
            #expect(screen.contains("answer-42"), "\(screen)")
        }
    }

    @Test("a statement typed over several lines is one history entry, in the history file before the shell ends")
    func history() throws {
        try withShell(width: 80) { terminal, dir in
            try terminal.typeLine("SELECT 40")
            try terminal.waitFor("   ...>")
            try run(terminal, "  + 2 AS answer;")
            #expect(try terminal.screen().contains("\n42\n"))
            // Written at once: the file has it while migsh still runs (a closed terminal loses nothing).
            // libedit's file format escapes white space as octal (`\\040`, `\\012`): one entry is one line.
            let saved = try String(contentsOfFile: dir + "/history", encoding: .utf8)
            let entries = saved.split(separator: "\n").map { line in
                line.replacingOccurrences(of: "\\040", with: " ").replacingOccurrences(of: "\\012", with: "\n")
            }
            #expect(entries.contains("SELECT 40\n  + 2 AS answer;"), "\(saved)")
            // Up brings the whole statement back; Enter runs it again.
            let before = occurrences(of: "\n42\n", in: try terminal.screen())
            try terminal.press("Up")
            try terminal.press("Enter")
            _ = try terminal.waitUntil("the statement run again", timeout: 10) { occurrences(of: "\n42\n", in: $0) > before }
        }
    }

    @Test(".edit opens $EDITOR on the last statement and runs what it leaves")
    func editStatement() throws {
        try withTemporaryDirectory { tools in
            // An "editor" that changes 40 into 41 in the file it is given, as a person would.
            let editor = try makeTool(name: "edit.sh", script: "#!/bin/sh\nsed -i 's/40/41/' \"$1\"\n", in: tools)
            try withShell(width: 80, environment: ["EDITOR": editor, "VISUAL": ""]) { terminal, _ in
                try terminal.typeLine("SELECT 40")
                try terminal.waitFor("   ...>")
                try run(terminal, "  + 2 AS answer;")
                try run(terminal, ".edit")
                let screen = try terminal.screen()
                #expect(screen.contains("SELECT 41\n  + 2 AS answer;\n43\n"), "\(screen)")
            }
        }
    }

    @Test("Ctrl-X Ctrl-E opens $EDITOR on the statement being typed, runs what it leaves, and Ctrl-E still moves to the end")
    func editKey() throws {
        try withTemporaryDirectory { tools in
            // An "editor" that changes 40 into 41 and closes the statement, as a person would.
            let editor = try makeTool(name: "edit.sh", script: "#!/bin/sh\nsed -i -e 's/40/41/' -e 's/answer$/answer;/' \"$1\"\n", in: tools)
            try withShell(width: 80, environment: ["EDITOR": editor, "VISUAL": ""]) { terminal, dir in
                try terminal.typeLine("SELECT 40")
                try terminal.waitFor("   ...>")
                try terminal.typeAndWaitForEcho("  + 2 AS answer")
                let before = occurrences(of: Self.databaseName + " v", in: try terminal.screen())
                try terminal.press("C-x")
                try terminal.press("C-e")
                let screen = try terminal.waitUntil("the edited statement run", timeout: 10) {
                    occurrences(of: Self.databaseName + " v", in: $0) > before && Self.atPrompt($0)
                }
                #expect(screen.contains("SELECT 41\n  + 2 AS answer;\n43\n"), "\(screen)")
                // The edited statement is one history entry.
                let saved = try String(contentsOfFile: dir + "/history", encoding: .utf8)
                #expect(saved.contains("SELECT\\04041\\012\\040\\040+\\0402\\040AS\\040answer;"), "\(saved)")
                // Ctrl-E alone is still end-of-line: Home, then Ctrl-E, then typed text lands at the end.
                try terminal.type("SELECT 7")
                try terminal.press("C-a")
                try terminal.press("C-e")
                try run(terminal, ";")
                #expect(try terminal.screen().contains("\n7\n"))
            }
        }
    }

    @Test("Ctrl-X Ctrl-E with an editor that fails: nothing is run, and ↑ brings back what was typed")
    func editKeyEditorFails() throws {
        try withShell(width: 80, environment: ["EDITOR": "false", "VISUAL": ""]) { terminal, _ in
            try terminal.typeAndWaitForEcho("SELECT 40 + 2 AS answer;")
            let before = occurrences(of: Self.databaseName + " v", in: try terminal.screen())
            try terminal.press("C-x")
            try terminal.press("C-e")
            let screen = try terminal.waitUntil("the prompt after the failed editor", timeout: 10) {
                occurrences(of: Self.databaseName + " v", in: $0) > before && Self.atPrompt($0)
            }
            #expect(screen.contains("the editor (false) exited with status"), "\(screen)")
            #expect(!screen.contains("\n42\n"), "\(screen)")
            try terminal.press("Up")
            try terminal.press("Enter")
            _ = try terminal.waitUntil("the recalled statement run", timeout: 10) { $0.contains("\n42\n") }
        }
    }

    @Test("a candidate list of several rows is shown whole when the input line wraps (40 columns)")
    func completionListWhileWrapped() throws {
        try withTemporaryDirectory { dir in
            let names = ["Products", "Programs", "Projects", "Promotions", "Proposals", "Protocols", "Prototypes", "Provinces"]
            _ = sqlite(dir + "/t.sqlite", names.map { "CREATE TABLE \($0)(x);" }.joined())
            try withTerminal(environment: ["HOME": dir, "MIGSH_HISTORY": dir + "/history", "NO_COLOR": "1"], cwd: dir, width: 40) { terminal in
                try terminal.launch(["--noinit", "t.sqlite"])
                try terminal.waitForCurrentLine("prompt") { $0.hasSuffix(">") }
                // Prompt and line take two rows; eight names take three rows of the list.
                try terminal.typeAndWaitForEcho("SELECT x FROM Products WHERE x IN (SELECT x FROM Pro")
                try terminal.press("Tab")
                try terminal.press("Tab")
                let screen = try terminal.waitUntil("the list and the line again", timeout: 10) {
                    occurrences(of: "(SELECT x FROM Pro", in: $0) >= 2 && $0.contains("Prototypes")
                }
                let listed = screen.split(separator: "\n").filter { !$0.contains("SELECT") && !$0.contains("FROM") && !$0.contains(">") }
                for name in names {
                    #expect(listed.contains { $0.split(separator: " ").contains(Substring(name)) }, "\(name) not listed:\n\(screen)")
                }
                // The line still completes after the list.
                try terminal.type("gr")
                try terminal.press("Tab")
                _ = try terminal.waitForCurrentLine("Programs completed") { $0.hasSuffix("FROM Programs") }
            }
        }
    }

    @Test("a box result wider than the terminal shows one record a block (psql's \\x auto); a narrow one stays a box; a script's is sqlite3's")
    func expandedResults() throws {
        try withShell(width: 80) { terminal, dir in
            try run(terminal, ".mode box")
            try run(terminal, "SELECT project_id, project_name, location, project_status, notes FROM Projects ORDER BY project_id LIMIT 2;")
            try run(terminal, "SELECT 1 AS a;")
            // Measured first, a narrow result is read again: never one whose function writes a file.
            try run(terminal, "SELECT length(writefile('\(dir)/once.txt', cast(coalesce(readfile('\(dir)/once.txt'), '') AS TEXT) || 'x')) AS n;")
            #expect(String(decoding: FileManager.default.contents(atPath: dir + "/once.txt") ?? Data(), as: UTF8.self) == "x",
                    "the statement ran more than once")
            let screen = try terminal.screen()
            #expect(screen.contains("-[ RECORD 1 ]"), "\(screen)")
            #expect(screen.contains("-[ RECORD 2 ]") && !screen.contains("-[ RECORD 3 ]"), "\(screen)")
            #expect(screen.contains("│ a │"), "the narrow result is not a box:\n\(screen)")
            let wide = tooWide(screen, width: 80)
            #expect(wide.isEmpty, "lines wider than 80 columns:\n\(wide.joined(separator: "\n"))")
            // The same query in a script: byte for byte what sqlite3 prints.
            let query = ".mode box\nSELECT project_id, project_name, location, project_status, notes FROM Projects ORDER BY project_id LIMIT 2;\n"
            let ours = try migsh([dir + "/" + Self.databaseName], script: query)
            let theirs = try runProcess(sqlite3Binary, [dir + "/" + Self.databaseName], stdin: Data(query.utf8), timeout: 30)
            #expect(ours.stdout == theirs.stdout, "migsh:\n\(ours.stdout)\nsqlite3:\n\(theirs.stdout)")
        }
    }

    @Test("migsh --help: its prose fills a wide terminal and fits a narrow one, examples hanging under their command", arguments: [40, 200])
    func commandLineHelp(width: Int) throws {
        try withTemporaryDirectory { dir in
            try withTerminal(environment: ["HOME": dir], cwd: dir, width: width) { terminal in
                try terminal.launch(["--help"])
                let screen = try terminal.waitFor("EXIT STATUS:", timeout: 10)
                _ = try terminal.exitStatus()
                // migsh's own sections, before USAGE.
                let ours = screen.components(separatedBy: "USAGE:").first ?? ""
                // Every line fits, the usage and the options too (no exemption for long words:
                // the longest word in the help is shorter than 40 columns).
                let wide = screen.split(separator: "\n").filter { $0.count > width && !$0.hasPrefix("$ ") }
                #expect(wide.isEmpty, "lines wider than \(width) columns:\n\(wide.joined(separator: "\n"))")
                #expect(words(ours).contains("Each COMMAND is one dot-command or one SQL text, run in order; then migsh exits."), "\(ours)")
                if width == 200 {
                    #expect(ours.contains("Each COMMAND is one dot-command or one SQL text, run in order; then migsh exits. With no COMMAND, standard input"), "\(ours)")
                } else {
                    #expect(ours.contains("  migsh app.sqlite .version\n      current, required, status"), "\(ours)")
                }
            }
        }
    }

    @Test("migsh --help says the same words at every width: at 40 columns no option's description is broken inside a word", arguments: [40, 50, 64, 66, 80])
    func commandLineHelpWords(width: Int) throws {
        // The oracle: the same help laid out on 200 columns, where nothing needs breaking.
        let wide = try migsh(["--help"], environment: ["COLUMNS": "200"])
        let narrow = try migsh(["--help"], environment: ["COLUMNS": "\(width)"])
        #expect(wide.status == 0 && narrow.status == 0)
        #expect(narrow.stderr.isEmpty)
        #expect(words(narrow.stdout) == words(wide.stdout), "\(narrow.stdout)")
        let tooLong = narrow.stdout.split(separator: "\n").filter { $0.count > width }
        #expect(tooLong.isEmpty, "lines wider than \(width) columns:\n\(tooLong.joined(separator: "\n"))")
        #expect(narrow.stdout.contains("--migrations <dir>"), "\(narrow.stdout)")
    }

    @Test(".import shows the part of the file read and the rows, apart (· between them), and clears the line")
    func importProgress() throws {
        try withShell(width: 80) { terminal, dir in
            // Enough rows for the line to appear (it waits 300 ms) — about 3 s in a debug build.
            var csv = ""
            for i in 0..<300_000 { csv += "\(i),row number \(i)\n" }
            try csv.write(toFile: dir + "/big.csv", atomically: true, encoding: .utf8)
            try run(terminal, "CREATE TABLE Imported (n, text);")
            try terminal.typeLine(".import --csv big.csv Imported")
            let during = try terminal.waitUntil("the progress line", timeout: 120) {
                firstMatch(of: #"importing Imported · [0-9]+% · [0-9,]+ rows · "#, in: $0) != nil
            }
            #expect(firstMatch(of: #"[0-9]{1,3}(,[0-9]{3})+ rows"#, in: during) != nil, "\(during)")
            let after = try terminal.waitUntil("the prompt after .import", timeout: 300) { Self.atPrompt($0) }
            #expect(!after.contains("importing Imported"), "the progress line was left:\n\(after)")
            #expect(sqlite(dir + "/" + Self.databaseName, "SELECT count(*) FROM Imported") == "300000")
        }
    }

    @Test(".timer prints sqlite3's line: real, user and sys")
    func timer() throws {
        let reference = try runProcess(sqlite3Binary, [":memory:"], stdin: Data(".timer on\nSELECT 1;\n".utf8), timeout: 30).stdout
        let shape = #"Run Time: real [0-9]+\.[0-9]{3} user [0-9]+\.[0-9]{6} sys [0-9]+\.[0-9]{6}"#
        #expect(firstMatch(of: shape, in: reference) != nil, "sqlite3 printed: \(reference)")
        let ours = try migsh([":memory:"], script: ".timer on\nSELECT 1;\n")
        #expect(ours.status == 0, "\(ours)")
        #expect(ours.stdout.hasPrefix("1\n"), "\(ours)")
        #expect(firstMatch(of: "^" + shape + "$", in: ours.stdout.split(separator: "\n").last.map(String.init) ?? "") != nil, "\(ours)")
    }
}
