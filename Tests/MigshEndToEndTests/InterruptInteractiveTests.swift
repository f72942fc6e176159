import Foundation
import Testing

/// Ctrl-C typed in the interactive shell (tmux) during `.backup` and `.apply`: the work stops,
/// the database and the backups folder are as they were, the shell says so and stays usable.
@Suite("Ctrl-C in the interactive shell (tmux)", .serialized, .enabled(if: tmuxIsAvailable, "tmux is not installed"))
struct InterruptInteractiveTests {
    @Test("Ctrl-C during .backup and during .apply leaves everything as it was; the shell goes on")
    func ctrlCDuringBackupAndApply() throws {
        try withTemporaryDirectory { dir in
            let path = try InterruptTests.database(in: dir)
            let before = dump(path)
            let backupsBefore = InterruptTests.backups(dir)
            let fifo = try PauseFIFO(in: dir)
            defer { fifo.close() }
            var environment = fifo.environment(pausingAt: ["backup.copying", "apply.statement"])
            environment["HOME"] = dir
            environment["MIGSH_HISTORY"] = dir + "/history"
            environment["XDG_CACHE_HOME"] = dir + "/cache"
            try withTerminal(environment: environment, cwd: dir) { terminal in
                try terminal.launch(["--noinit", "-m", "migrations", InterruptTests.db])
                try terminal.waitFor("Update database now? [y/N]", timeout: 10)
                try terminal.typeLine("n")
                try terminal.waitForCurrentLine("prompt") { $0.hasSuffix("numbers.sqlite v1>") }

                try terminal.typeLine(".backup")
                #expect(fifo.waitForPhase() == "backup.copying")
                try terminal.press("C-c")
                try terminal.waitFor("interrupted: nothing was changed; no backup was taken (the partial copy was removed)", timeout: 30)
                try terminal.waitForCurrentLine("prompt after .backup", timeout: 10) { $0.hasSuffix("numbers.sqlite v1>") }
                #expect(InterruptTests.backups(dir) == backupsBefore, "backups left: \(InterruptTests.backups(dir).subtracting(backupsBefore))")

                try terminal.typeLine(".apply --yes")
                #expect(fifo.waitForPhase() == "apply.statement")
                try terminal.press("C-c")
                // The second "nothing was changed" on the screen (the first is .backup's).
                let screen = try terminal.waitFor("interrupted: nothing was changed", count: 2, timeout: 30)
                #expect(!screen.contains("MIGRATION FAILED"), "\(screen)")
                try terminal.waitForCurrentLine("prompt after .apply", timeout: 10) { $0.hasSuffix("numbers.sqlite v1>") }
                #expect(dump(path) == before)
                #expect(InterruptTests.backups(dir) == backupsBefore, "backups left: \(InterruptTests.backups(dir).subtracting(backupsBefore))")
                #expect(InterruptTests.lastOutcome(dir, event: "apply") == "interrupted")

                // The shell goes on: the next .apply (no pause left) runs to the end.
                try terminal.typeLine(".apply --yes")
                try terminal.waitForCurrentLine("prompt at v2", timeout: 30) { $0.hasSuffix("numbers.sqlite v2>") }
                try terminal.typeLine(".quit")
                #expect(try terminal.exitStatus() == 0)
            }
            #expect(schemaVersion(path) == "2")
        }
    }

    @Test(".restore shows the share of the backup copied in (a percentage, not a spinner) between its steps")
    func restoreShowsPercentage() throws {
        try withTemporaryDirectory { dir in
            let path = try InterruptTests.restorable(dir)
            let before = dump(path)
            let fifo = try PauseFIFO(in: dir)
            defer { fifo.close() }
            var environment = fifo.environment(pausingAt: ["restore.copying"])
            environment["HOME"] = dir
            environment["MIGSH_HISTORY"] = dir + "/history"
            environment["XDG_CACHE_HOME"] = dir + "/cache"
            try withTerminal(environment: environment, cwd: dir) { terminal in
                try terminal.launch(["--noinit", "-m", "migrations", InterruptTests.db])
                try terminal.waitForCurrentLine("prompt") { $0.hasSuffix("numbers.sqlite v2>") }
                try terminal.typeLine(".restore snapshots/v1.sqlite --yes")
                #expect(fifo.waitForPhase() == "restore.copying")
                // Paused after the first 256 pages: the progress line (drawn after 300 ms) has
                // the share copied, e.g. "restoring v1.sqlite · 37% · 0.4 s".
                let screen = try terminal.waitForCurrentLine("the restore's percentage", timeout: 10) {
                    $0.hasPrefix("restoring v1.sqlite · ") && $0.range(of: #"· [0-9]{1,3}% ·"#, options: .regularExpression) != nil
                }
                #expect(!screen.contains("· 100%"), "\(screen)")
                try terminal.press("C-c")
                try terminal.waitFor("nothing was restored", timeout: 30)
                try terminal.waitForCurrentLine("prompt after .restore", timeout: 10) { $0.hasSuffix("numbers.sqlite v2>") }
                #expect(dump(path) == before)
            }
        }
    }

    @Test(".dump into a file shows the share of rows written, not of tables")
    func dumpShowsRowShare() throws {
        try withTemporaryDirectory { dir in
            // A has 1 row, B 3: after A's row, 1 of 4 rows is out (25%); counted by tables it
            // would still be 0% (table 1 of 2).
            let path = dir + "/rows.sqlite"
            _ = sqlite(path, "CREATE TABLE A(x); INSERT INTO A VALUES (1); CREATE TABLE B(y); INSERT INTO B VALUES (1), (2), (3);")
            let fifo = try PauseFIFO(in: dir)
            defer { fifo.close() }
            var environment = fifo.environment(pausingAt: ["dump.row"])
            environment["HOME"] = dir
            environment["MIGSH_HISTORY"] = dir + "/history"
            environment["XDG_CACHE_HOME"] = dir + "/cache"
            try withTerminal(environment: environment, cwd: dir) { terminal in
                try terminal.launch(["--noinit", "rows.sqlite"])
                try terminal.waitForCurrentLine("prompt") { $0.hasSuffix(">") }
                try terminal.typeLine(".once out.sql")
                try terminal.typeLine(".dump")
                #expect(fifo.waitForPhase() == "dump.row")
                let screen = try terminal.waitForCurrentLine("the dump's percentage", timeout: 10) { $0.hasPrefix("dumping A (table 1 of 2) · ") }
                #expect(screen.contains("dumping A (table 1 of 2) · 25% ·"), "\(screen)")
                try terminal.press("C-c")
                try terminal.waitFor("out.sql is incomplete", timeout: 30)
            }
        }
    }
}
