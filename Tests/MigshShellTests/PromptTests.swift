import Foundation
import MigshCore
import Testing
@testable import MigshShell

/// `.prompt`: the name before the version is the user's; the version and the `*` of an open
/// transaction stay; the continuation prompt is replaced as given.
@Suite(".prompt")
struct PromptTests {
    /// A reader that is never read from: the prompt is computed, not shown.
    final class SilentReader: LineReader {
        func readLine(prompt: String) -> String? { nil }
        func addHistory(_ line: String) {}
        func loadHistory(_ path: String) {}
        func saveHistory(_ path: String) {}
        var completer: ((String, String, String) -> [String])?
    }

    @Test("MAIN replaces the database name; the version and * follow it; CONTINUE is used as given")
    func prompt() throws {
        let shell = try InProcessShell(setup: "create table x(a);")
        let interactive = InteractiveShell(shell: shell.shell, reader: SilentReader())
        #expect(interactive.prompt() == "db.sqlite v0> ")
        #expect(shell.run(".prompt 'prod> ' '  more> '"))
        #expect(interactive.prompt() == "prod v0> ")
        #expect(shell.session.continuationPrompt == "  more> ")
        #expect(shell.run("begin;"))
        #expect(interactive.prompt() == "prod v0*> ")
        #expect(shell.run("rollback;"))
        #expect(shell.run(".prompt plain"))
        #expect(interactive.prompt() == "plain v0> ")
    }

    @Test("a read-only session says [read-only] in the prompt, and its refusals say why")
    func readOnlyPrompt() throws {
        let shell = try InProcessShell(setup: "create table x(a);")
        let interactive = InteractiveShell(shell: shell.shell, reader: SilentReader())
        #expect(interactive.prompt() == "db.sqlite v0> ")
        shell.session.configuration.readOnly = true
        #expect(interactive.prompt() == "db.sqlite v0 [read-only]> ")
        #expect(!shell.run(".baseline 1 --yes"))
        #expect(shell.takeErrors().contains(".baseline refused: the database was opened with --readonly"))
        shell.session.newerDatabaseReason = "the database (schema version 9) is newer than this application (8)"
        #expect(!shell.run(".baseline 1 --yes"))
        #expect(shell.takeErrors().contains(".baseline refused: the database (schema version 9) is newer than this application (8)"))
        // Typed SQL that writes: SQLite's error, then why the session is read-only.
        try shell.session.db.execute("PRAGMA query_only = ON")
        shell.session.configuration.interactive = true
        #expect(!shell.run("insert into x values (1);"))
        #expect(shell.takeErrors().hasSuffix("This session is read-only: the database (schema version 9) is newer than this application (8).\n"))
    }

    @Test("a scratch session's prompt names the original and says [scratch]")
    func scratchPrompt() throws {
        let shell = try InProcessShell(setup: "create table x(a);")
        try shell.session.reopen(path: shell.dir + "/db.sqlite", create: false, scratch: true)
        let interactive = InteractiveShell(shell: shell.shell, reader: SilentReader())
        #expect(interactive.prompt() == "db.sqlite v0 [scratch]> ")
        #expect(shell.session.configuration.databasePath != shell.dir + "/db.sqlite")
        shell.session.configuration.scratch?.remove()
    }
}
