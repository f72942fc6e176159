import Foundation
#if canImport(Glibc)
import Glibc
#endif

/// A child process started with `posix_spawn`, for the tests.
///
/// Why not Foundation's `Process`: on this toolchain `Process.run()` crashed the test runner
/// with SIGSEGV (in memcpy inside Process.run), in parallel and — more rarely — in serial runs,
/// and its children inherited the runner's blocked signal mask, so a hung child could not be
/// terminated. Here the child gets an empty signal mask and default signal handlers.
///
/// `@unchecked Sendable`: `status` is written under `lock` only.
public final class ChildProcess: @unchecked Sendable {
    /// Pipe creation and spawning are serialized, so that no child inherits another pipe's
    /// descriptors in the moment before they are marked close-on-exec.
    static let spawnLock = NSLock()

    public enum Stream: Sendable {
        /// /dev/null.
        case null
        /// This descriptor (the caller's; it stays open in the parent).
        case descriptor(Int32)
    }

    public let pid: pid_t
    private let lock = NSLock()
    private var status: Int32?

    /// Starts `executable` with `arguments`, `environment` (the whole environment) and,
    /// when given, `cwd` as its working folder (through `env --chdir`).
    public init(executable: String, arguments: [String], environment: [String: String],
                cwd: String? = nil, stdin: Stream = .null, stdout: Stream = .null, stderr: Stream = .null) throws {
        var argv = [executable] + arguments
        var path = executable
        if let cwd {
            path = "/usr/bin/env"
            argv = ["/usr/bin/env", "--chdir=" + cwd, executable] + arguments
        }
        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        for (target, stream) in [(Int32(0), stdin), (1, stdout), (2, stderr)] {
            switch stream {
            case .null: posix_spawn_file_actions_addopen(&actions, target, "/dev/null", target == 0 ? O_RDONLY : O_WRONLY, 0)
            case .descriptor(let fd): posix_spawn_file_actions_adddup2(&actions, fd, target)
            }
        }
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        var all = sigset_t()
        sigfillset(&all)
        posix_spawnattr_setsigmask(&attributes, &none)
        posix_spawnattr_setsigdefault(&attributes, &all)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let cArgs = argv.map { strdup($0) } + [nil]
        let cEnv = environment.map { strdup("\($0.key)=\($0.value)") } + [nil]
        defer {
            cArgs.forEach { free($0) }
            cEnv.forEach { free($0) }
        }
        var child: pid_t = 0
        ChildProcess.spawnLock.lock()
        defer { ChildProcess.spawnLock.unlock() }
        let rc = posix_spawn(&child, path, &actions, &attributes, cArgs, cEnv)
        guard rc == 0 else {
            throw NSError(domain: NSPOSIXErrorDomain, code: Int(rc),
                          userInfo: [NSLocalizedDescriptionKey: "posix_spawn \(executable): \(String(cString: strerror(rc)))"])
        }
        pid = child
    }

    /// The exit status (128 + signal number for a child killed by a signal), once it exited.
    public var exitStatus: Int32? {
        lock.lock()
        defer { lock.unlock() }
        if status == nil {
            var raw: Int32 = 0
            if waitpid(pid, &raw, WNOHANG) == pid { status = ChildProcess.decode(raw) }
        }
        return status
    }

    public var isRunning: Bool { exitStatus == nil }

    /// Waits for the child to exit; false when `timeout` passed first.
    @discardableResult
    public func wait(timeout: TimeInterval) -> Bool {
        let deadline = Date().addingTimeInterval(timeout)
        while isRunning {
            if Date() > deadline { return false }
            usleep(2_000)
        }
        return true
    }

    /// Sends SIGKILL and reaps the child.
    public func kill() {
        if isRunning {
            _ = Glibc.kill(pid, SIGKILL)
            wait(timeout: 10)
        }
    }

    static func decode(_ raw: Int32) -> Int32 {
        let signal = raw & 0x7f
        return signal == 0 ? (raw >> 8) & 0xff : 128 + signal
    }
}

/// A pipe whose ends are closed once: `close(read:)` / `close(write:)` are idempotent.
public final class RawPipe: @unchecked Sendable {
    public let readEnd: Int32
    public let writeEnd: Int32
    private var readOpen = true
    private var writeOpen = true

    public init() {
        var fds: [Int32] = [0, 0]
        ChildProcess.spawnLock.lock()
        defer { ChildProcess.spawnLock.unlock() }
        precondition(pipe(&fds) == 0, "pipe failed")
        // Close-on-exec: only the child's dup2'd copies survive into the child.
        for fd in fds { _ = fcntl(fd, F_SETFD, FD_CLOEXEC) }
        readEnd = fds[0]
        writeEnd = fds[1]
    }

    public func closeRead() { if readOpen { close(readEnd); readOpen = false } }
    public func closeWrite() { if writeOpen { close(writeEnd); writeOpen = false } }
    deinit {
        closeRead()
        closeWrite()
    }

    /// Reads to end of file on a dedicated thread, handing each chunk to `chunk`. The thread
    /// owns the read end from here and closes it at end of file: were it closed under the
    /// thread (the pipe released after its caller stopped waiting, a grandchild still holding
    /// the write end), its descriptor number could be reused by another test's pipe, and this
    /// thread's next read would take that pipe's first output (seen once in CI: a fleet test's
    /// sqlite3 output without its first two lines).
    public func drain(_ chunk: @escaping @Sendable (Data) -> Void, done: DispatchSemaphore) {
        let fd = readEnd
        readOpen = false
        Thread.detachNewThread {
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = buffer.withUnsafeMutableBytes { read(fd, $0.baseAddress, $0.count) }
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { break }
                chunk(Data(buffer[0..<n]))
            }
            close(fd)
            done.signal()
        }
    }

    /// Writes all of `data` (EPIPE from a child that stopped reading is ignored).
    public func writeAll(_ data: Data) {
        data.withUnsafeBytes { raw in
            var offset = 0
            while offset < raw.count {
                let n = write(writeEnd, raw.baseAddress! + offset, raw.count - offset)
                if n < 0 && errno == EINTR { continue }
                if n <= 0 { return }
                offset += n
            }
        }
    }
}

extension ChildProcess {
    /// Runs `executable` to completion (at most `timeout` seconds) and returns its exit status
    /// and standard output: for the reference tools the unit tests consult.
    public static func output(of executable: String, _ arguments: [String], timeout: TimeInterval = 30) throws -> (status: Int32, stdout: String) {
        let path = NSTemporaryDirectory() + "migsh-child-" + UUID().uuidString
        let fd = open(path, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        guard fd >= 0 else { throw POSIXError(.EIO) }
        defer { unlink(path) }
        let child = try ChildProcess(executable: executable, arguments: arguments, environment: ProcessInfo.processInfo.environment,
                                     stdout: .descriptor(fd))
        close(fd)
        if !child.wait(timeout: timeout) { child.kill() }
        let text = String(decoding: FileManager.default.contents(atPath: path) ?? Data(), as: UTF8.self)
        return (child.exitStatus ?? -1, text)
    }
}
