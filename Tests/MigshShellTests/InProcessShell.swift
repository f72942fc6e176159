import Foundation
import MigshCore
@testable import MigshShell

/// A shell on a fresh database in a private folder, run in this process, its standard output
/// and error captured: dot-commands, SQL and rendering tested without a child process.
final class InProcessShell {
    let dir: String
    let shell: Shell
    var session: Session { shell.session }

    /// `setup` runs first (SQL), through the shell itself.
    init(json: Bool = false, migrations: String = InProcessShell.repositoryMigrations, setup: String = "") throws {
        dir = NSTemporaryDirectory() + "migsh-shell-" + UUID().uuidString
        try FileManager.default.createDirectory(atPath: dir, withIntermediateDirectories: true)
        let db = dir + "/db.sqlite"
        var c = Session.Configuration(databasePath: db, migrationsPath: migrations,
                                      backupsPath: dir + "/snapshots", auditPath: db + "-audit.jsonl")
        c.create = true
        c.json = json
        let session = try Session(configuration: c, out: .capturing(), err: .capturing())
        // Later .open commands need --new, as on the command line without --create.
        session.configuration.create = false
        shell = Shell(session: session)
        if !setup.isEmpty { _ = shell.runSQL(setup, line: 1) }
        _ = takeOutput()
        _ = takeErrors()
    }

    deinit { try? FileManager.default.removeItem(atPath: dir) }

    static let repositoryMigrations: String = {
        URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
            .deletingLastPathComponent().appendingPathComponent("migrations").path
    }()

    private var outSeen = 0
    private var errSeen = 0

    /// Runs one line (a dot-command or SQL) as a script line; returns false on failure.
    @discardableResult
    func run(_ line: String) -> Bool {
        (try? shell.runUnit(line, line: nil)) ?? false
    }

    /// Standard output written since the last call.
    func takeOutput() -> String {
        let all = session.out.capturedText
        defer { outSeen = all.utf8.count }
        return String(decoding: Array(all.utf8).dropFirst(outSeen), as: UTF8.self)
    }

    /// Standard error written since the last call.
    func takeErrors() -> String {
        let all = session.err.capturedText
        defer { errSeen = all.utf8.count }
        return String(decoding: Array(all.utf8).dropFirst(errSeen), as: UTF8.self)
    }
}
