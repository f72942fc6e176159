import Foundation
#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

// Drives the real interactive shell in a terminal, like a person at a keyboard: a tmux pane
// on a private tmux server (its own socket, `tmux -L migsh-test-<uuid>`), so a test never
// touches anyone else's tmux sessions and never shares one with another test.
//
// The pane runs `bash --norc --noprofile`, not migsh itself: the pane survives migsh exiting,
// and the test can ask bash for migsh's exit status (`echo EXIT=$?`).
//
// tmux is started through `runProcess` (posix_spawn, MigshTestSupport), not Foundation's `Process`: a child of the
// test runner inherits its blocked-signal mask (nearly every signal is blocked on the test
// threads), and a tmux server, bash and migsh started that way never see SIGCHLD, SIGTERM or
// the SIGINT of Ctrl-C — the client hangs and Ctrl-C does nothing. A person's terminal starts
// programs with no signal blocked and default dispositions; so do these helpers.

let tmuxBinary: String? = {
    for candidate in ["/usr/bin/tmux", "/usr/local/bin/tmux", "/opt/homebrew/bin/tmux", "/bin/tmux"]
    where FileManager.default.isExecutableFile(atPath: candidate) {
        return candidate
    }
    return nil
}()

/// True when tmux is installed (the interactive suite is skipped otherwise).
var tmuxIsAvailable: Bool { tmuxBinary != nil }

enum TerminalError: Error, CustomStringConvertible {
    case tmuxMissing
    case tmuxFailed(String, ProcessResult)
    case timedOut(waitingFor: String, seconds: TimeInterval, screen: String)

    var description: String {
        switch self {
        case .tmuxMissing: "tmux is not installed"
        case let .tmuxFailed(what, result): "tmux \(what) failed: \(result)"
        case let .timedOut(text, seconds, screen):
            "\(text.debugDescription) did not appear within \(seconds) s; the screen:\n\(screen)"
        }
    }
}

/// One tmux server with one 120×40 pane running bash. Always `close()` it (use `defer`).
final class TerminalDriver {
    let socket: String
    private let tmux: String
    private var closed = false

    /// Starts the private server. `environment` is passed on bash's command line
    /// (`env K=V … bash`), so the shell and everything it starts (migsh) see it.
    init(environment: [String: String] = [:], cwd: String? = nil, width: Int = 120, height: Int = 40) throws {
        guard let tmuxBinary else { throw TerminalError.tmuxMissing }
        tmux = tmuxBinary
        socket = "migsh-test-" + UUID().uuidString
        var variables = ["PS1": "$ ", "HISTFILE": "", "TERM": "xterm-256color", "NO_COLOR": "1", "LANG": "C.UTF-8", "LC_ALL": "C.UTF-8"]
        variables.merge(environment) { _, new in new }
        let assignments = variables.sorted { $0.key < $1.key }.map { "\($0.key)=\(TerminalDriver.shellQuote($0.value))" }
        // -u: no MIGSH_* variable of the test runner leaks into the pane.
        let command = (["env", "-u", "MIGSH_DATABASE", "-u", "MIGSH_MIGRATIONS", "-u", "MIGSH_HISTORY", "-u", "TMUX"]
            + assignments + ["bash", "--norc", "--noprofile"]).joined(separator: " ")
        var arguments = ["new-session", "-d", "-x", String(width), "-y", String(height)]
        if let cwd { arguments += ["-c", cwd] }
        arguments.append(command)
        try run(arguments, what: "new-session")
        // Let bash print its first prompt before anything is typed.
        try waitFor("$", timeout: 5)
    }

    deinit { close() }

    /// Kills the server (and with it bash and anything still running in the pane), then waits
    /// until those processes are gone: a migsh still saving its history after the test's
    /// folder was removed would recreate it.
    func close() {
        if closed { return }
        closed = true
        var pids: [pid_t] = []
        if let pane = try? runProcess(tmux, ["-L", socket, "list-panes", "-a", "-F", "#{pane_pid}"], timeout: 10),
           pane.status == 0 {
            let roots = pane.stdout.split(separator: "\n").compactMap { pid_t($0.trimmingCharacters(in: .whitespaces)) }
            pids = roots + roots.flatMap(descendants(of:))
        }
        _ = try? runProcess(tmux, ["-L", socket, "kill-server"], timeout: 10)
        let deadline = Date().addingTimeInterval(5)
        while pids.contains(where: isRunning) && Date() < deadline {
            usleep(10_000)
        }
    }

    // MARK: Keyboard

    /// Types `text` literally (no Enter). tmux ends a command at an argument ending in `;`, so
    /// a final `;` is sent escaped (`\;`, which tmux turns back into `;`); a `;` anywhere
    /// else in an argument is already literal (escaping it there would type the backslash).
    func type(_ text: String) throws {
        guard !text.isEmpty else { return }
        var literal = text
        if literal.hasSuffix(";") {
            literal.removeLast()
            literal += "\\;"
        }
        try run(["send-keys", "-l", "--", literal], what: "send-keys -l \(text.debugDescription)")
    }

    /// Types `text` and waits until the application has echoed it (the current line ends with
    /// it), as a person sees what they typed before pressing Tab. Without this, a Tab sent in
    /// the same burst as the text can reach libedit before the text is in its line buffer.
    func typeAndWaitForEcho(_ text: String, timeout: TimeInterval = 5) throws {
        try type(text)
        let expected = text.trimmingTrailingWhitespace
        try waitForCurrentLine("echo of \(text.debugDescription)", timeout: timeout) { $0.hasSuffix(expected) }
    }

    /// Types raw bytes (`send-keys -H`): what a terminal in a non-UTF-8 character set sends,
    /// or bytes pasted that are not UTF-8 at all. tmux passes them to the program unchanged.
    func typeBytes(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty else { return }
        try run(["send-keys", "-H"] + bytes.map { String(format: "%02x", $0) }, what: "send-keys -H \(bytes)")
    }

    /// Presses one key by its tmux name: `Enter`, `Tab`, `Up`, `C-c`, `C-d`, `BSpace`, …
    func press(_ key: String) throws {
        try run(["send-keys", key], what: "send-keys \(key)")
    }

    /// Types `text`, then Enter.
    func typeLine(_ text: String) throws {
        try type(text)
        try press("Enter")
    }

    // MARK: Screen

    /// The pane's text (scrollback included, wrapped lines joined), trailing blank lines removed.
    func screen() throws -> String {
        let result = try runProcess(tmux, ["-L", socket, "capture-pane", "-p", "-J", "-S", "-1000"], timeout: 10)
        guard result.status == 0 else { throw TerminalError.tmuxFailed("capture-pane", result) }
        var lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
        while let last = lines.last, last.trimmingCharacters(in: .whitespaces).isEmpty { lines.removeLast() }
        return lines.joined(separator: "\n")
    }

    /// The last non-blank line of the screen (where the cursor usually is), without trailing
    /// white space (a prompt's final space is there only once something follows it).
    func currentLine() throws -> String {
        lastLine(of: try screen())
    }

    private func lastLine(of screen: String) -> String {
        (screen.split(separator: "\n").last.map(String.init) ?? "").trimmingTrailingWhitespace
    }

    /// Polls the screen every 50 ms until it contains `text` (`count` times or more).
    @discardableResult
    func waitFor(_ text: String, count: Int = 1, timeout: TimeInterval = 5) throws -> String {
        try waitUntil("\(text.debugDescription) ×\(count)", timeout: timeout) { screen in
            occurrences(of: text, in: screen) >= count
        }
    }

    /// Polls the screen every 50 ms until its last non-blank line satisfies `condition`.
    @discardableResult
    func waitForCurrentLine(
        _ what: String, timeout: TimeInterval = 5, _ condition: @escaping (String) -> Bool
    ) throws -> String {
        try waitUntil("current line: \(what)", timeout: timeout) { screen in
            condition(lastLine(of: screen))
        }
    }

    /// Polls the screen every 50 ms until `condition` holds; returns that screen.
    @discardableResult
    func waitUntil(_ what: String, timeout: TimeInterval = 5, _ condition: (String) -> Bool) throws -> String {
        let deadline = Date().addingTimeInterval(timeout)
        var last = ""
        while true {
            last = try screen()
            if condition(last) { return last }
            if Date() > deadline {
                throw TerminalError.timedOut(waitingFor: what, seconds: timeout, screen: last)
            }
            Thread.sleep(forTimeInterval: 0.05)
        }
    }

    // MARK: migsh

    /// Starts migsh in the pane (`<binary> ARGS`, each argument shell-quoted).
    func launch(_ arguments: [String], binary: String = migshBinary) throws {
        try typeLine(([binary] + arguments).map(TerminalDriver.shellQuote).joined(separator: " "))
    }

    /// After migsh has exited: asks bash for its status and returns it.
    func exitStatus(timeout: TimeInterval = 5) throws -> Int32? {
        // The marker is typed as EX""IT so that the typed command line itself never matches.
        try typeLine("echo EX\"\"IT=$?")
        let screen = try waitUntil("EXIT=<n>", timeout: timeout) { firstMatch(of: #"EXIT=[0-9]+"#, in: $0) != nil }
        return firstMatch(of: #"EXIT=[0-9]+"#, in: screen).flatMap { Int32($0.dropFirst(5)) }
    }

    // MARK: Helpers

    private func run(_ arguments: [String], what: String) throws {
        let result = try runProcess(tmux, ["-L", socket] + arguments, timeout: 10)
        guard result.status == 0 else { throw TerminalError.tmuxFailed(what, result) }
    }

    static func shellQuote(_ word: String) -> String {
        let safe = CharacterSet(charactersIn: "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789-_./=:,+@%")
        if !word.isEmpty && word.unicodeScalars.allSatisfy({ safe.contains($0) }) { return word }
        return "'" + word.replacingOccurrences(of: "'", with: "'\\''") + "'"
    }
}

extension String {
    var trimmingTrailingWhitespace: String {
        var text = Substring(self)
        while let last = text.last, last == " " || last == "\t" { text.removeLast() }
        return String(text)
    }
}

/// How many times `needle` occurs in `haystack` (non-overlapping).
func occurrences(of needle: String, in haystack: String) -> Int {
    guard !needle.isEmpty else { return 0 }
    return haystack.components(separatedBy: needle).count - 1
}

/// Runs `body` with a fresh terminal, closing it (killing its tmux server) whatever happens.
func withTerminal<R>(
    environment: [String: String] = [:], cwd: String? = nil, width: Int = 120, _ body: (TerminalDriver) throws -> R
) throws -> R {
    let terminal = try TerminalDriver(environment: environment, cwd: cwd, width: width)
    defer { terminal.close() }
    return try body(terminal)
}

/// The processes below `root` (children, grandchildren, …), from /proc; empty where there
/// is no /proc.
func descendants(of root: pid_t) -> [pid_t] {
    var parents: [pid_t: pid_t] = [:]
    for name in (try? FileManager.default.contentsOfDirectory(atPath: "/proc")) ?? [] {
        guard let pid = pid_t(name),
              let stat = try? String(contentsOfFile: "/proc/\(name)/stat", encoding: .utf8),
              let close = stat.lastIndex(of: ")")
        else { continue }
        // "pid (comm) state ppid …": the command name may itself contain spaces or ')'.
        let fields = stat[stat.index(after: close)...].split(separator: " ")
        if fields.count > 1, let parent = pid_t(fields[1]) { parents[pid] = parent }
    }
    var found: [pid_t] = []
    var frontier: Set<pid_t> = [root]
    while !frontier.isEmpty {
        let children = parents.filter { frontier.contains($0.value) }.map(\.key)
        found += children
        frontier = Set(children)
    }
    return found
}

/// True while `pid` exists and is not a zombie (an orphan's zombie waits for init, which
/// may take its time to reap it).
func isRunning(_ pid: pid_t) -> Bool {
    guard kill(pid, 0) == 0 else { return false }
    guard let stat = try? String(contentsOfFile: "/proc/\(pid)/stat", encoding: .utf8),
          let close = stat.lastIndex(of: ")")
    else { return true }  // no /proc: kill(0) is all we know
    let state = stat[stat.index(after: close)...].split(separator: " ").first ?? ""
    return state != "Z" && state != "X"
}

