import CMigshSQLite
import FoundationEssentials
import Glibc
import MigshBase

/// Ctrl-C as the core sees it: a token the long loops check (backup steps, the byte
/// comparison of a backup, import rows, dump rows, migration statements, replays), and that
/// every `Connection`'s progress handler checks inside SQLite's virtual machine (a
/// `quick_check`, a long statement). A stop is the typed error `MigshError.Code.interrupted`.
///
/// The shell's SIGINT handler raises `CancellationToken.interrupt`; `raise()` only stores
/// into memory allocated up front and calls write(2), so it is async-signal-safe.
///
/// Cleanup that must complete (a rollback, copying a backup back) runs inside
/// `finishing(_:)`: there the token stops nothing, and a second Ctrl-C prints what is being
/// finished instead.
public final class CancellationToken: @unchecked Sendable {
    /// The token SIGINT raises, for the whole process. Touch it before installing a signal
    /// handler that raises it (its storage is then allocated).
    public static let interrupt = CancellationToken()

    /// Stops asked for since the last `reset()` (a signal handler increments it).
    private let requests: UnsafeMutablePointer<sig_atomic_t>
    /// Signals received in the whole run (never reset; the test pause waits on it).
    private let received: UnsafeMutablePointer<sig_atomic_t>
    /// While cleanup that must complete runs: its description as a NUL-terminated line for
    /// write(2), else nil.
    private let finishingLine: UnsafeMutablePointer<UnsafeMutablePointer<CChar>?>

    public init() {
        requests = .allocate(capacity: 1)
        requests.initialize(to: 0)
        received = .allocate(capacity: 1)
        received.initialize(to: 0)
        finishingLine = .allocate(capacity: 1)
        finishingLine.initialize(to: nil)
    }

    /// Asks for a stop (from a signal handler: async-signal-safe). During `finishing`, writes
    /// what is being finished to standard error instead of stopping it.
    public func raise() {
        requests.pointee &+= 1
        received.pointee &+= 1
        if let line = finishingLine.pointee {
            _ = write(2, line, strlen(line))
        }
    }

    /// True once a stop was asked for (and not reset), whether or not cleanup is running.
    public var isRequested: Bool { requests.pointee != 0 }

    /// True when work should stop now: a stop was asked for and no cleanup is being finished.
    public var shouldStop: Bool { requests.pointee != 0 && finishingLine.pointee == nil }

    /// How many times the signal arrived in this run.
    public var signalsReceived: Int { Int(received.pointee) }

    /// Forgets an earlier request (the interactive shell, before each line it reads).
    public func reset() { requests.pointee = 0 }

    /// Throws `interrupted` when work should stop now.
    public func check(_ message: @autoclosure () -> String = "interrupted") throws {
        if shouldStop { throw MigshError(.interrupted, message()) }
    }

    /// Runs cleanup that must complete, whatever Ctrl-C does meanwhile; a Ctrl-C during it
    /// prints `still finishing: WHAT (it must complete; please wait)`.
    public func finishing<R>(_ what: String, _ body: () throws -> R) rethrows -> R {
        let previous = finishingLine.pointee
        let line = strdup("\ninterrupted again: still \(what); it must complete, please wait\n")
        finishingLine.pointee = line
        defer {
            finishingLine.pointee = previous
            free(line)
        }
        return try body()
    }
}

/// A test hook, inert unless `MIGSH_TEST_PAUSE_AT` is set: at a named phase of long work,
/// migsh writes the phase's name (and a newline) into the FIFO `MIGSH_TEST_PAUSE_FIFO`
/// (opening it waits for the test to read), then waits until a SIGINT arrives (at most 60 s),
/// and goes on. Each named phase pauses once per run. The tests use it to send Ctrl-C at an
/// exact moment without sleeping.
public enum TestPause {
    private static let phases: Set<String> = {
        guard let value = ProcessInfo.processInfo.environment["MIGSH_TEST_PAUSE_AT"], !value.isEmpty else { return [] }
        return Set(value.split(separator: ",").map { String($0).trimming(.whitespaces) })
    }()
    private static let lock = Lock()
    nonisolated(unsafe) private static var reached: Set<String> = []

    /// Pauses at `phase` when the test asked for it.
    public static func at(_ phase: String) {
        guard !phases.isEmpty, phases.contains(phase) else { return }
        lock.lock()
        let first = reached.insert(phase).inserted
        lock.unlock()
        guard first, let fifo = getenv("MIGSH_TEST_PAUSE_FIFO").map({ FileSystem.string(fromPath: $0) }) else { return }
        let token = CancellationToken.interrupt
        let before = token.signalsReceived
        let fd = FileSystem.open(fifo, O_WRONLY | O_CLOEXEC)
        guard fd >= 0 else { return }
        let line = Array((phase + "\n").utf8)
        _ = line.withUnsafeBytes { write(fd, $0.baseAddress, $0.count) }
        close(fd)
        let deadline = Date().addingTimeInterval(60)
        while token.signalsReceived == before && Date() < deadline { usleep(1_000) }
    }
}
