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
}
