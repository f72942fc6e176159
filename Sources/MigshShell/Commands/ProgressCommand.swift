import ArgumentParser
import MigshCore

/// `.progress N ?--limit N --reset --once --quiet?`: sqlite3 3.40's progress report. Every N
/// virtual-machine steps of the session's connection, `Progress K` on the output; with
/// `--limit N`, the N-th call prints `Progress limit reached (N)` and interrupts the statement.
/// `.progress` (or N of 0) turns it off. The counting and the connection's one progress
/// handler (shared with Ctrl-C and the step limit) are the core's `ProgressReport`.
struct ProgressCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".progress", abstract: "Invoke a progress handler after every N opcodes.",
        discussion: """
          --limit N   Interrupt after N progress callbacks
          --once      Do no more than one progress interrupt
          --quiet|-q  No output except at interrupts
          --reset     Reset the count for each input and interrupt
        Example: .progress 1000 --limit 10
        """)
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("N and the options.", valueName: "n"), completion: .nothing) var words: [String] = []

    func run(in shell: Shell) throws {
        let db = shell.session.db
        var (interval, limit, quiet, reset, once) = (Int32(0), Int64(0), false, false, false)
        var i = 0
        do {
            while i < words.count {
                let word = words[i]
                i += 1
                guard word.hasPrefix("-") else {
                    interval = Int32(truncatingIfNeeded: integerValue(word))
                    continue
                }
                var option = word.dropFirst()
                if option.hasPrefix("-") { option = option.dropFirst() }
                switch option {
                case "quiet", "q": quiet = true
                case "reset": reset = true
                case "once": once = true
                case "limit":
                    guard i < words.count else { throw MigshError(.usage, "missing argument on --limit") }
                    limit = Int64(Int32(truncatingIfNeeded: integerValue(words[i])))
                    i += 1
                default: throw MigshError(.usage, "unknown option: \"\(word)\"")
                }
            }
        } catch {
            // As sqlite3: the options and the count are cleared before the error, and the
            // handler stays at its interval.
            if let current = db.progressReport { db.reportProgress(Self.report(interval: current.interval, in: shell)) }
            throw error
        }
        db.reportProgress(interval > 0 ? Self.report(interval: interval, limit: limit, quiet: quiet, reset: reset, once: once, in: shell) : nil)
    }

    /// The report, printing sqlite3's lines on the session's output of the moment.
    static func report(interval: Int32, limit: Int64 = 0, quiet: Bool = false, reset: Bool = false, once: Bool = false,
                       in shell: Shell) -> ProgressReport {
        ProgressReport(interval: interval, limit: limit, quiet: quiet, reset: reset, once: once) { [weak session = shell.session] event in
            guard let session else { return }
            switch event {
            case .progress(let n): session.out.write("Progress \(n)\n")
            case .limitReached(let n): session.out.write("Progress limit reached (\(n))\n")
            }
        }
    }
}
