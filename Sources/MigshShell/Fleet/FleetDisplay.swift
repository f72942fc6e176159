import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

/// What a person watching a fleet run sees while it runs: each database's output as one block
/// when it finishes (never interleaved with another's) — standard output under a `== path ==`
/// header, standard error with each line prefixed by the path — and a progress line on
/// standard error: done, failed, running, and what each running database is doing.
///
/// `@unchecked Sendable`: called from the runner's threads, always under `lock`.
final class FleetDisplay: @unchecked Sendable {
    private let paths: [String]
    private let json: Bool
    private let out: OutputBuffer
    private let err: OutputBuffer
    private let progress: ProgressLine
    private let lock = Lock()
    private var running: [Int: String] = [:]
    private var done = 0
    private var failed = 0

    init(paths: [String], json: Bool, out: OutputBuffer, err: OutputBuffer) {
        self.paths = paths
        self.json = json
        self.out = out
        self.err = err
        progress = ProgressLine(enabled: isatty(2) != 0)
    }

    func started(_ i: Int) {
        lock.lock()
        defer { lock.unlock() }
        running[i] = ""
        redraw()
    }

    func doing(_ i: Int, _ unit: String) {
        lock.lock()
        defer { lock.unlock() }
        running[i] = String(unit.prefix(40).split(separator: "\n").first ?? "")
        redraw()
    }

    func finished(_ i: Int, _ result: FleetDatabaseRun.Result) {
        lock.lock()
        defer { lock.unlock() }
        running[i] = nil
        done += 1
        if ![.ok, .pending].contains(result.entry.outcome) { failed += 1 }
        if !json {
            progress.clear()
            out.write("== \(paths[i]): \(FleetDisplay.headline(result.entry)) ==\n")
            out.write(result.stdout)
            out.flush()
            // Standard error may be read apart from standard output: each line names its database.
            // Its bytes as written (a name that is not UTF-8 among them), never repaired.
            if !result.stderr.isEmpty {
                let stderr = result.stderr
                for line in stderr.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: false).dropLast(stderr.last == UInt8(ascii: "\n") ? 1 : 0) {
                    err.write("\(paths[i]): ")
                    err.write(Array(line))
                    err.write(byte: UInt8(ascii: "\n"))
                }
            }
            err.flush()
        }
        redraw()
    }

    func note(_ text: String) {
        lock.lock()
        defer { lock.unlock() }
        progress.clear()
        err.write(text + "\n")
        err.flush()
        redraw()
    }

    func end() {
        lock.lock()
        defer { lock.unlock() }
        progress.end()
    }

    /// `ok, v3 → v8, 120 ms`; `failed, partially applied: …`.
    static func headline(_ e: FleetEntry) -> String {
        var parts = [e.outcome.title]
        if let before = e.versionBefore, let after = e.versionAfter, before != after {
            parts.append("v\(before) → v\(after)")
        } else {
            parts.append(e.state)
        }
        if let ms = e.durationMS { parts.append("\(ms) ms") }
        return parts.joined(separator: ", ")
    }

    private func redraw() {
        let names = running.keys.sorted().prefix(3).map { i -> String in
            let name = paths[i].pathLastComponent
            let unit = running[i] ?? ""
            return unit.isEmpty ? name : "\(name) (\(unit))"
        }
        var text = "fleet: \(done) of \(paths.count) done · \(failed) failed · \(running.count) running"
        if !names.isEmpty { text += ": " + names.joined(separator: ", ") + (running.count > 3 ? ", …" : "") }
        progress.begin(text)
        progress.update(fraction: Double(done) / Double(max(1, paths.count)))
    }
}
