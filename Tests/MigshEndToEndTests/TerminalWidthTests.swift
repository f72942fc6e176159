import Foundation
import MigshTestSupport
import Testing

/// migsh's own output in a real terminal (tmux) at 80 and 200 columns: nothing it prints is
/// wider than the terminal (tables shorten a cell with `…`, text breaks between words), the
/// progress line is gone when the work ends, and completion offers what each command takes.
/// True when the screen's last line is a prompt ending in `end` (trailing space aside).
private func atPrompt(_ screen: String, _ end: String) -> Bool {
    (screen.split(separator: "\n").last.map(String.init) ?? "").trimmingTrailingWhitespace.hasSuffix(end)
}

@Suite("The interactive shell fits the terminal (tmux)", .serialized, .enabled(if: shouldRun(needing: tmuxIsAvailable), "tmux is not installed"))
struct TerminalWidthTests {
    static let databaseName = "nukeworks_db.sqlite"

    /// A demo database at 3 whose projects carry 40 MB of notes (so a backup takes long enough
    /// to show its progress); migsh started on it at `width` columns.
    func withShell(width: Int, _ body: (TerminalDriver, String) throws -> Void) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/" + Self.databaseName
            try makeDemoDatabase(db, version: 3)
            _ = sqlite(db, "UPDATE Projects SET notes = hex(randomblob(700000))")
            try withTerminal(environment: ["HOME": dir, "MIGSH_HISTORY": dir + "/history", "NO_COLOR": "1", "PAGER": "cat"], cwd: dir, width: width) { terminal in
                try terminal.launch(["--noinit", "-m", repositoryMigrations, Self.databaseName])
                try body(terminal, dir)
            }
        }
    }

    /// Runs `line` and waits for the next prompt.
    func run(_ terminal: TerminalDriver, _ line: String, timeout: TimeInterval = 15) throws {
        let before = occurrences(of: Self.databaseName + " v", in: try terminal.screen())
        try terminal.typeLine(line)
        _ = try terminal.waitUntil("the prompt after \(line)", timeout: timeout) {
            occurrences(of: Self.databaseName + " v", in: $0) > before && atPrompt($0, ">")
        }
    }

    @Test("every listing, the verdict, help and the start-up list fit; the progress line is gone after the backup",
          arguments: [80, 200])
    func everythingFits(width: Int) throws {
        try withShell(width: width) { terminal, dir in
            let startup = try terminal.waitFor("[y/N]", timeout: 10)
            #expect(startup.contains("• Version 4: "), "\(startup)")
            try terminal.typeLine("n")
            _ = try terminal.waitUntil("the first prompt", timeout: 10) { atPrompt($0, "v3>") }
            for command in [".pending", ".history", ".version", ".backups", ".help", ".help .apply", ".baseline --help", ".audit 8", ".backup", ".test"] {
                try run(terminal, command, timeout: 60)
            }
            // The confirmation of .apply, with its DROP TABLE warnings; answered no.
            try terminal.typeLine(".apply")
            _ = try terminal.waitUntil("the confirmation", timeout: 15) { atPrompt($0, "Update database? [y/N]") }
            try terminal.typeLine("n")
            _ = try terminal.waitUntil("the prompt after no", timeout: 15) { atPrompt($0, "v3>") }
            // A view changed by hand: .diff shows both definitions as a diff; .repair puts it back.
            _ = sqlite(dir + "/" + Self.databaseName, """
                DROP VIEW v_active_projects;
                CREATE VIEW v_active_projects AS SELECT project_id, project_name, location FROM Projects WHERE project_status = 'Operating';
                """)
            for command in [".diff", ".repair --yes", ".diff"] {
                try run(terminal, command, timeout: 60)
            }
            let screen = try terminal.screen()
            // migsh's lines (the command that started it was typed into bash: "$ …").
            let long = screen.split(separator: "\n").filter { $0.count > width && !$0.hasPrefix("$ ") }.map(String.init)
            #expect(long.isEmpty, "lines wider than \(width) columns:\n\(long.joined(separator: "\n"))")
            // The pieces each command prints are there.
            #expect(screen.contains("description"), "\(screen)")
            #expect(screen.contains("--- expected") && screen.contains("+++ live"), "no unified diff of the view:\n\(screen)")
            #expect(screen.contains("backup: "), "\(screen)")
            #expect(screen.contains("rehearsal passed"), "\(screen)")
            // The progress line was cleared: no phase is left on the screen.
            #expect(!screen.contains("copying") && !screen.contains("verifying the copy") && !screen.contains("rehearsing"), "\(screen)")
            if width == 80 {
                #expect(screen.contains("…"), "nothing was shortened at 80 columns:\n\(screen)")
            }
        }
    }

    @Test("completion offers each command's own arguments", arguments: [80])
    func completion(width: Int) throws {
        try withShell(width: width) { terminal, _ in
            try terminal.waitFor("[y/N]", timeout: 10)
            try terminal.typeLine("n")
            _ = try terminal.waitUntil("the first prompt", timeout: 10) { atPrompt($0, "v3>") }
            func complete(_ typed: String, expect: String) throws {
                try terminal.typeAndWaitForEcho(typed)
                try terminal.press("Tab")
                try terminal.press("Tab")
                let line = try terminal.waitUntil("completion of \(typed.debugDescription)", timeout: 5) { $0.contains(expect) }
                #expect(line.contains(expect))
                try terminal.press("C-u")
                try terminal.press("Enter")
            }
            try complete(".apply --re", expect: ".apply --resume")
            try complete(".apply --to ", expect: "4")
            try complete(".audit ", expect: ".audit verify")
            try complete("select * from Owners_D", expect: "select * from Owners_Developers")
            try complete("select * from Projects p where p.proj", expect: "p.project_")
        }
    }

    @Test("a slow migration shows a progress line while it runs, and the line is gone at the prompt")
    func progressLine() throws {
        try withTemporaryDirectory { dir in
            let migrations = dir + "/migrations"
            // About two seconds of work in one statement (a recursive count into a table).
            try makeSlowMigrations(in: migrations, rows: 6000000)
            try withTerminal(environment: ["HOME": dir, "MIGSH_HISTORY": dir + "/history", "NO_COLOR": "1"], cwd: dir, width: 80) { terminal in
                try terminal.launch(["--noinit", "-m", migrations, "--create", "slow.sqlite"])
                try terminal.waitFor("[y/N]", timeout: 10)
                try terminal.typeLine("n")
                _ = try terminal.waitUntil("the first prompt", timeout: 10) { atPrompt($0, "v0>") }
                try terminal.typeLine(".apply --yes")
                let during = try terminal.waitUntil("the progress line", timeout: 30) { $0.contains("applying 001 (1 of 1)") }
                #expect(during.contains("applying 001 (1 of 1)"))
                let after = try terminal.waitUntil("the prompt after .apply", timeout: 60) { atPrompt($0, "v1>") }
                #expect(!after.contains("applying 001 (1 of 1)"), "the progress line was left on the screen:\n\(after)")
                #expect(sqlite(dir + "/slow.sqlite", "SELECT count(*) FROM Numbers") == "6000000")
            }
        }
    }
}
