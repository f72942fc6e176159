import Foundation
import MigshTestSupport

/// The FIFO of migsh's test pause hook (`MIGSH_TEST_PAUSE_AT`, `MIGSH_TEST_PAUSE_FIFO`):
/// migsh writes a phase's name into it when it pauses there; a reader thread hands the names
/// to `waitForPhase`.
final class PauseFIFO: @unchecked Sendable {
    let path: String
    private let reached = DispatchSemaphore(value: 0)
    private let lock = NSLock()
    private var phases: [String] = []

    init(in folder: String) throws {
        path = folder + "/pause-" + UUID().uuidString + ".fifo"
        guard mkfifo(path, 0o600) == 0 else { throw EndToEndError.missingFixture("mkfifo \(path): \(String(cString: strerror(errno)))") }
        let path = self.path
        Thread.detachNewThread { [weak self] in
            while true {
                let fd = open(path, O_RDONLY | O_CLOEXEC)
                guard fd >= 0 else { return }
                var data = Data()
                var buffer = [UInt8](repeating: 0, count: 256)
                while true {
                    let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                    if n < 0 && errno == EINTR { continue }
                    if n <= 0 { break }
                    data.append(contentsOf: buffer[0..<n])
                }
                Glibc.close(fd)
                let phase = String(decoding: data, as: UTF8.self).trimmingCharacters(in: .whitespacesAndNewlines)
                guard phase != "end", let self else { return }
                self.lock.lock()
                self.phases.append(phase)
                self.lock.unlock()
                self.reached.signal()
            }
        }
    }

    /// The variables that make migsh pause at `phases` and report through this FIFO.
    func environment(pausingAt phases: [String]) -> [String: String] {
        ["MIGSH_TEST_PAUSE_AT": phases.joined(separator: ","), "MIGSH_TEST_PAUSE_FIFO": path]
    }

    /// The next phase migsh paused at; nil when `alive` says it is gone or `timeout` passed.
    func waitForPhase(timeout: TimeInterval = 60, alive: () -> Bool = { true }) -> String? {
        let deadline = Date().addingTimeInterval(timeout)
        while alive() && Date() < deadline {
            if reached.wait(timeout: .now() + 0.2) == .success {
                lock.lock()
                defer { lock.unlock() }
                return phases.removeFirst()
            }
        }
        return nil
    }

    /// Ends the reader thread (it waits in open(2) for a writer) and removes the FIFO.
    func close() {
        for _ in 0..<500 {
            let fd = open(path, O_WRONLY | O_NONBLOCK | O_CLOEXEC)
            if fd >= 0 {
                _ = "end\n".withCString { write(fd, $0, 4) }
                Glibc.close(fd)
                break
            }
            usleep(2_000)  // the reader is between two opens
        }
        unlink(path)
    }
}

/// The built migsh started with its test pause hook: at each named phase it writes the
/// phase's name into a FIFO and waits for a SIGINT. The test waits for the phase (an event,
/// not a sleep), sends Ctrl-C's signal, and looks at what migsh left.
final class PausedMigsh {
    let process: StartedProcess
    let fifo: PauseFIFO
    var child: ChildProcess { process.child }

    /// Starts `migsh --noinit ARGUMENTS` in `cwd`, pausing at `pauseAt`. Standard input is
    /// `stdin` (then closed), else /dev/null.
    init(_ arguments: [String], pauseAt: [String], stdin: Data? = nil, environment: [String: String] = [:], cwd: String) throws {
        fifo = try PauseFIFO(in: cwd)
        var env = ["XDG_CACHE_HOME": cwd + "/cache"]
        env.merge(fifo.environment(pausingAt: pauseAt)) { _, new in new }
        env.merge(environment) { _, new in new }
        process = try StartedProcess(migshBinary, ["--noinit"] + arguments, input: stdin.map { .data($0) } ?? .none,
                                     environment: env, cwd: cwd)
    }

    /// Waits until migsh pauses at its next phase; returns the phase's name. Throws when it
    /// exited or did not get there in `timeout` seconds.
    func waitForPhase(timeout: TimeInterval = 60) throws -> String {
        let child = self.child
        guard let phase = fifo.waitForPhase(timeout: timeout, alive: { child.isRunning }) else {
            let result = try finish(timeout: 10)
            throw EndToEndError.failed("migsh never paused (waited for a phase)", result)
        }
        return phase
    }

    /// Waits until standard error holds `text` (migsh said it); false after `timeout` seconds
    /// or when migsh exited without saying it.
    func waitForStderr(_ text: String, timeout: TimeInterval = 30) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while Date() < deadline {
            if process.stderr.contains(text) { return true }
            if !child.isRunning { usleep(100_000); return process.stderr.contains(text) }
            usleep(10_000)
        }
        return false
    }

    /// Ctrl-C's signal.
    func interrupt() {
        _ = kill(child.pid, SIGINT)
    }

    /// Waits for migsh to exit; its status and output.
    func finish(timeout: TimeInterval = 60) throws -> ProcessResult {
        defer { fifo.close() }
        return try process.finish(timeout: timeout)
    }

    /// Runs migsh, sends SIGINT at each phase of `pauseAt` in turn, and returns how it ended
    /// (asserting that it paused at exactly those phases, in order).
    static func interrupted(_ arguments: [String], at pauseAt: [String], stdin: Data? = nil, cwd: String) throws -> (ProcessResult, [String]) {
        let run = try PausedMigsh(arguments, pauseAt: pauseAt, stdin: stdin, cwd: cwd)
        var seen: [String] = []
        for _ in pauseAt {
            seen.append(try run.waitForPhase())
            run.interrupt()
        }
        return (try run.finish(), seen)
    }
}
