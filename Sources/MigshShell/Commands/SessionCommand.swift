import ArgumentParser
import Glibc
import MigshBase
import MigshCore

/// `.session ?NAME? CMD …`: sqlite3's changeset sessions (SQLite's session extension,
/// `ChangesetSession`), each on the active connection (`.connection`), with sqlite3 3.40's
/// syntax, output and messages. A changeset or patchset file is SQLite's bytes, as sqlite3
/// writes them; the file is created 0600 and never written through a symbolic link, as every
/// file migsh writes.
struct SessionCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".session", abstract: "Create or control sessions (SQLite's changesets).",
        discussion: """
            CMD: open DB NAME, attach TABLE, changeset FILE, patchset FILE, close,
            enable ?BOOLEAN?, indirect ?BOOLEAN?, filter GLOB..., isempty, list.
            Without NAME, the first session opened is the one meant.
            Example: .session open main s1
            """)
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("?NAME? CMD and its words.", valueName: "words"), completion: .list(["open", "attach", "changeset", "patchset", "close", "enable", "filter", "indirect", "isempty", "list"])) var words: [String] = []

    /// sqlite3's `showHelp(p->out, "session")`: what a command it cannot read prints.
    static let sqlite3Help = """
        .session ?NAME? CMD ...  Create or control sessions
           Subcommands:
             attach TABLE             Attach TABLE
             changeset FILE           Write a changeset into FILE
             close                    Close one session
             enable ?BOOLEAN?         Set or query the enable bit
             filter GLOB...           Reject tables matching GLOBs
             indirect ?BOOLEAN?       Mark or query the indirect status
             isempty                  Query whether the session is empty
             list                     List currently open session names
             open DB NAME             Open a new session on DB
             patchset FILE            Write a patchset into FILE
           If ?NAME? is omitted, the first defined session is used.

        """

    /// sqlite3 3.40 keeps four sessions a connection.
    static let maximum = 4

    func run(in shell: Shell) throws {
        let session = shell.session
        let out = shell.out
        let changesets = session.connections.changesets
        func syntaxError() { out.write(Self.sqlite3Help) }
        func say(_ line: String) {
            out.flush()
            shell.err.write(line + "\n")
            shell.err.flush()
        }
        guard !words.isEmpty else { return syntaxError() }
        // As sqlite3: with three words or more, a first word that names a session picks it;
        // otherwise the first session is meant.
        var command = words[...]
        var index = 0
        if words.count >= 2, let named = changesets.firstIndex(where: { $0.name == words[0] }) {
            index = named
            command = command.dropFirst()
        }
        let chosen = changesets.indices.contains(index) ? changesets[index] : nil
        let argumentCount = command.count
        let arguments = Array(command.dropFirst())
        switch command.first! {
        case "attach":
            guard argumentCount == 2 else { return syntaxError() }
            guard let chosen else { return say("ERROR: No sessions are open") }
            let rc = chosen.attach(arguments[0])
            if rc != 0 { say("ERROR: sqlite3session_attach() returns \(rc)") }
        case "changeset", "patchset":
            let kind = command.first!
            if session.configuration.safe && !session.safeModeLifted {
                try shell.safeModeViolation("cannot run \".session \(kind)\" in safe mode", unit: ".session " + words.joined(separator: " "))
            }
            guard argumentCount == 2 else { return syntaxError() }
            guard let chosen else { return say("ERROR: No sessions are open") }
            let path = arguments[0]
            let fd = FileSystem.open(path, O_WRONLY | O_CREAT | O_TRUNC | O_NOFOLLOW | O_CLOEXEC, 0o600)
            guard fd >= 0 else { return say("ERROR: cannot open \"\(path)\" for writing") }
            defer { close(fd) }
            let (rc, bytes) = chosen.changes(patchset: kind == "patchset")
            if rc != 0 {
                // sqlite3 prints this one on standard output.
                out.flush()
                session.standardOutput.write("Error: error code \(rc)\n")
                session.standardOutput.flush()
            }
            if let bytes, !Self.writeAll(bytes, to: fd) {
                say("ERROR: Failed to write entire \(bytes.count)-byte output")
            }
        case "close":
            guard argumentCount == 1 else { return syntaxError() }
            // As sqlite3: the last session takes the closed one's place.
            if !changesets.isEmpty {
                session.connections.changesets.swapAt(index, changesets.count - 1)
                session.connections.changesets.removeLast()
            }
        case "enable", "indirect":
            guard argumentCount <= 2 else { return syntaxError() }
            let value = arguments.first.map { booleanNumber($0, in: shell) } ?? -1
            if let chosen {
                let flag = command.first! == "enable" ? chosen.enable(value) : chosen.indirect(value)
                out.write("session \(chosen.name) \(command.first!) flag = \(flag)\n")
            }
        case "filter":
            guard argumentCount >= 2 else { return syntaxError() }
            chosen?.setFilters(arguments)
        case "isempty":
            guard argumentCount == 1 else { return syntaxError() }
            if let chosen { out.write("session \(chosen.name) isempty flag = \(chosen.isEmpty)\n") }
        case "list":
            for (i, each) in changesets.enumerated() { out.write("\(i) \(each.name)\n") }
        case "open":
            guard argumentCount == 3, !arguments[1].isEmpty else { return syntaxError() }
            let name = arguments[1]
            if changesets.contains(where: { $0.name == name }) { return say("Session \"\(name)\" already exists") }
            guard changesets.count < Self.maximum else { return say("Maximum of \(Self.maximum) sessions") }
            let (opened, rc) = ChangesetSession.open(on: session.db, schema: arguments[0], name: name)
            guard let opened else { return say("Cannot open session: error code=\(rc)") }
            session.connections.changesets.append(opened)
        default:
            syntaxError()
        }
    }

    /// Writes every byte (a short write continues); false when the file refuses them.
    static func writeAll(_ bytes: [UInt8], to fd: Int32) -> Bool {
        var offset = 0
        while offset < bytes.count {
            let n = bytes.withUnsafeBytes { write(fd, $0.baseAddress! + offset, $0.count - offset) }
            if n < 0 && errno == EINTR { continue }
            guard n > 0 else { return false }
            offset += n
        }
        return true
    }
}
