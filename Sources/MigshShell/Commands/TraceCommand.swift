import ArgumentParser
import MigshCore

/// `.trace ?OPTIONS? ?FILE?`: each statement as SQLite runs it (`Connection.trace`), as
/// sqlite3 3.40 writes it: the SQL without its final `;`s, then `;` (and ` -- N ns` for
/// `--profile`). FILE is `stdout`, `stderr`, `off` or a file (created 0600, as `.output`).
struct TraceCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".trace", abstract: "Output each SQL statement as it is run.",
        discussion: """
            FILE: stdout, stderr, off (disable tracing) or a file
            --expanded   Expand query parameters      --plain    Show SQL as it is input
            --stmt       Trace statement execution    --profile  Profile statements
            --row        Trace each row               --close    Trace connection close
            Example: .trace stdout --expanded
            """)
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("FILE and options.", valueName: "options"), completion: .list(["stdout", "stderr", "off", "--expanded", "--plain", "--stmt", "--profile", "--row", "--close"])) var words: [String] = []

    func run(in shell: Shell) throws {
        let session = shell.session
        var events: Connection.TraceEvents = []
        var expanded: Bool?
        var target: String?
        for word in words {
            guard word.hasPrefix("-") else {
                target = word
                continue
            }
            // sqlite3's optionMatch: one or two dashes, the whole name.
            let name = word.hasPrefix("--") ? String(word.dropFirst(2)) : String(word.dropFirst())
            switch name {
            case "expanded": expanded = true
            case "plain": expanded = false
            case "profile": events.insert(.profile)
            case "row": events.insert(.row)
            case "stmt": events.insert(.statement)
            case "close": events.insert(.close)
            default: throw sqlite3Usage("Unknown option \"\(word)\" on \".trace\"", in: shell)
            }
        }
        if let expanded { session.traceExpanded = expanded }
        guard let target else {
            // As sqlite3: without FILE the trace keeps going where it went, with these options.
            if let output = session.traceTarget { install(output, events: events, in: shell) }
            return
        }
        if let old = session.traceOutput {
            _ = old.close()
            session.traceOutput = nil
        }
        session.traceTarget = nil
        switch target {
        case "off":
            break
        case "stdout":
            session.traceTarget = session.standardOutput
        default:
            do {
                let opened = try OutputRedirection.open(target, once: false)
                session.traceOutput = opened
                session.traceTarget = opened.buffer
            } catch {
                // As sqlite3: said, tracing off, and the command does not fail.
                shell.out.flush()
                shell.err.write("Error: cannot open \"\(target)\"\n")
            }
        }
        if let output = session.traceTarget { install(output, events: events, in: shell) } else { session.db.trace([], expanded: false, nil) }
    }

    private func install(_ output: OutputBuffer, events: Connection.TraceEvents, in shell: Shell) {
        let flushEach = output !== shell.session.standardOutput
        shell.session.db.trace(events.isEmpty ? .statement : events, expanded: shell.session.traceExpanded) { event in
            var sql: [UInt8]
            var suffix = ";\n"
            switch event {
            case .close:
                output.write("-- closing database connection\n")
                return
            case .statement(let text), .row(let text): sql = text
            case .profile(let text, let nanoseconds):
                sql = text
                suffix = "; -- \(nanoseconds) ns\n"
            }
            while sql.last == UInt8(ascii: ";") { sql.removeLast() }
            output.write(sql)
            output.write(suffix)
            if flushEach { output.flush() }
        }
    }
}
