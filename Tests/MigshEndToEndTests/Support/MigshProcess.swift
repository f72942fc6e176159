import Foundation
import MigshTestSupport

// Runs the built `migsh` binary (and the reference tools the tests use to look at its work)
// as child processes, the way a user's shell or a deployment script would.

/// What a finished child process left behind.
struct ProcessResult: Sendable, CustomStringConvertible {
    var status: Int32
    var stdout: String
    var stderr: String
    /// Wall-clock time from launch to exit.
    var duration: TimeInterval

    var description: String {
        "exit \(status) after \(String(format: "%.2f", duration)) s\n--- stdout ---\n\(stdout)--- stderr ---\n\(stderr)"
    }
}

enum EndToEndError: Error, CustomStringConvertible {
    case launchFailed(String, underlying: any Error)
    case timedOut(String, seconds: TimeInterval)
    case failed(String, ProcessResult)
    case missingFixture(String)

    var description: String {
        switch self {
        case let .launchFailed(what, underlying): "could not launch \(what): \(underlying)"
        case let .timedOut(what, seconds): "\(what) did not finish within \(seconds) s and was killed"
        case let .failed(what, result): "\(what) failed: \(result)"
        case let .missingFixture(what): "missing test fixture: \(what)"
        }
    }
}

/// The repository checkout: this file is `<repo>/Tests/MigshEndToEndTests/Support/MigshProcess.swift`.
let repositoryRoot: String = {
    URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent()  // Support
        .deletingLastPathComponent()  // MigshEndToEndTests
        .deletingLastPathComponent()  // Tests
        .deletingLastPathComponent()  // <repo>
        .path
}()

/// The repository's `migrations` folder (001…008, `migsh.sum`, `app_versions.json`).
let repositoryMigrations = repositoryRoot + "/migrations"

/// The binary under test: `$MIGSH_BIN`; else `migsh` beside the test executable (SwiftPM puts
/// both in `.build/<triple>/debug` on Linux); else `<repo>/.build/debug/migsh`.
let migshBinary: String = {
    let environment = ProcessInfo.processInfo.environment
    if let explicit = environment["MIGSH_BIN"], !explicit.isEmpty {
        return explicit
    }
    let testExecutable = URL(fileURLWithPath: CommandLine.arguments[0]).standardizedFileURL
    var folder = testExecutable.deletingLastPathComponent()
    // On Darwin the test bundle is `…/debug/X.xctest/Contents/MacOS/X`: walk up to `debug`.
    for _ in 0..<4 {
        let candidate = folder.appendingPathComponent("migsh").path
        if FileManager.default.isExecutableFile(atPath: candidate) {
            return candidate
        }
        folder = folder.deletingLastPathComponent()
    }
    return repositoryRoot + "/.build/debug/migsh"
}()

/// Guards a child's output while a reader thread fills it.
///
/// `@unchecked Sendable`: every access to `data` goes through `lock`.
final class LockedBuffer: @unchecked Sendable {
    private let lock = NSLock()
    private var data = Data()

    func append(_ chunk: Data) {
        lock.lock()
        data.append(chunk)
        lock.unlock()
    }

    var contents: Data {
        lock.lock()
        defer { lock.unlock() }
        return data
    }
}

/// The environment of a child: this process's, minus the variables that would make migsh
/// look somewhere the test didn't choose, plus `extra`.
func childEnvironment(_ extra: [String: String]) -> [String: String] {
    var environment = ProcessInfo.processInfo.environment
    for key in ["MIGSH_DATABASE", "MIGSH_MIGRATIONS", "MIGSH_HISTORY", "MIGSH_BIN"] {
        environment[key] = nil
    }
    environment.merge(extra) { _, new in new }
    return environment
}

/// Runs `executable` to completion. Standard input is `stdin` through a pipe, else /dev/null
/// (never a terminal). A child still running after `timeout` seconds is killed and reported
/// as an error.
func runProcess(
    _ executable: String,
    _ arguments: [String],
    stdin: Data? = nil,
    environment extra: [String: String] = [:],
    cwd: String? = nil,
    timeout: TimeInterval = 60
) throws -> ProcessResult {
    try StartedProcess(executable, arguments, input: stdin.map { .data($0) } ?? .none, environment: extra, cwd: cwd)
        .finish(timeout: timeout)
}

/// A started child process, its standard output and error read as they come (concurrently,
/// so a child that writes a lot to both cannot deadlock against us): the one way the tests
/// start one (`runProcess`, `PausedMigsh`, a test that keeps standard input open).
final class StartedProcess: @unchecked Sendable {
    enum Input {
        /// /dev/null.
        case none
        /// These bytes, then end of file.
        case data(Data)
        /// A pipe the test writes to (`write`) and closes (`closeInput`).
        case open
    }

    let child: ChildProcess
    let what: String
    private let out = LockedBuffer()
    private let err = LockedBuffer()
    private let outDone = DispatchSemaphore(value: 0)
    private let errDone = DispatchSemaphore(value: 0)
    private let started = Date()
    private let input: RawPipe?
    /// Kept while the readers read them (a pipe closes its ends when it goes).
    private let pipes: [RawPipe]

    /// Starts `executable` with this process's environment minus the variables that would make
    /// migsh look somewhere the test did not choose, plus `extra`; in `cwd` when given.
    init(_ executable: String, _ arguments: [String], input: Input = .none, environment extra: [String: String] = [:],
         cwd: String? = nil) throws {
        let outPipe = RawPipe(), errPipe = RawPipe()
        let inPipe: RawPipe?
        if case .none = input { inPipe = nil } else { inPipe = RawPipe() }
        what = ([executable] + arguments).joined(separator: " ")
        do {
            child = try ChildProcess(executable: executable, arguments: arguments, environment: childEnvironment(extra),
                                     cwd: cwd, stdin: inPipe.map { .descriptor($0.readEnd) } ?? .null,
                                     stdout: .descriptor(outPipe.writeEnd), stderr: .descriptor(errPipe.writeEnd))
        } catch {
            throw EndToEndError.launchFailed(executable, underlying: error)
        }
        // The child has its own copies; ours must close for the pipes to reach end of file.
        outPipe.closeWrite()
        errPipe.closeWrite()
        inPipe?.closeRead()
        self.input = inPipe
        pipes = [outPipe, errPipe]
        let (o, e) = (out, err)
        outPipe.drain({ o.append($0) }, done: outDone)
        errPipe.drain({ e.append($0) }, done: errDone)
        // A child that exits without reading everything must not kill us with SIGPIPE.
        if inPipe != nil { signal(SIGPIPE, SIG_IGN) }
        if let inPipe, case .data(let data) = input {
            Thread.detachNewThread {
                inPipe.writeAll(data)
                inPipe.closeWrite()
            }
        }
    }

    /// Standard output so far.
    var stdout: String { String(decoding: out.contents, as: UTF8.self) }
    /// Standard error so far.
    var stderr: String { String(decoding: err.contents, as: UTF8.self) }

    /// Writes to standard input (`.open`).
    func write(_ data: Data) { input?.writeAll(data) }

    /// Ends standard input (`.open`).
    func closeInput() { input?.closeWrite() }

    /// Waits for the child to exit and its pipes to reach end of file (once it and any
    /// grandchildren closed them); kills it and throws after `timeout` seconds.
    func finish(timeout: TimeInterval = 60) throws -> ProcessResult {
        if !child.wait(timeout: timeout) {
            child.kill()
            throw EndToEndError.timedOut(what, seconds: timeout)
        }
        _ = outDone.wait(timeout: .now() + 10)
        _ = errDone.wait(timeout: .now() + 10)
        return ProcessResult(status: child.exitStatus ?? -1, stdout: stdout, stderr: stderr,
                             duration: Date().timeIntervalSince(started))
    }
}

/// Runs the built migsh with `--noinit` first, so no user's init file can change what it does.
func migsh(
    _ arguments: [String],
    stdin: Data? = nil,
    environment: [String: String] = [:],
    cwd: String? = nil,
    timeout: TimeInterval = 60
) throws -> ProcessResult {
    try runProcess(
        migshBinary, ["--noinit"] + arguments,
        stdin: stdin, environment: environment, cwd: cwd, timeout: timeout)
}

/// `migsh(_:)` for a script given as text on standard input.
func migsh(_ arguments: [String], script: String, cwd: String? = nil) throws -> ProcessResult {
    try migsh(arguments, stdin: Data(script.utf8), cwd: cwd)
}

