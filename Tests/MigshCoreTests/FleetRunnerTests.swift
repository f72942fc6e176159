import Foundation
import Testing
@testable import MigshCore

/// The fleet runner's scheduling (jobs, canary, failure budget, Ctrl-C) and the report's
/// arithmetic (exit status, groups, histogram), with plain values standing in for databases.
@Suite("Fleet runs: scheduling and the report")
struct FleetRunnerTests {
    /// A thread-safe record of what ran and how many at once.
    final class Log: @unchecked Sendable {
        let lock = NSLock()
        var started: [Int] = []
        var running = 0
        var mostAtOnce = 0
        func start(_ i: Int) { lock.lock(); started.append(i); running += 1; mostAtOnce = max(mostAtOnce, running); lock.unlock() }
        func end() { lock.lock(); running -= 1; lock.unlock() }
        var runningNow: Int { lock.lock(); defer { lock.unlock() }; return running }
    }

    /// Runs `count` pieces of work; those in `failing` fail. Each takes `ms`.
    func run(_ count: Int, failing: Set<Int> = [], policy: FleetRunner<Bool>.Policy, ms: UInt32 = 2,
             interrupted: @escaping @Sendable () -> Bool = { false }) -> (FleetRunner<Bool>.Outcome, Log) {
        let log = Log()
        let runner = FleetRunner<Bool>(count: count, policy: policy, isFailure: { !$0 }, interrupted: interrupted)
        let outcome = runner.run({ i in
            log.start(i)
            usleep(ms * 1000)
            log.end()
            return !failing.contains(i)
        })
        return (outcome, log)
    }

    @Test("every database runs once, never more than --jobs at once, and --jobs do run at once")
    func jobs() {
        let log = Log()
        // The first three pieces of work each wait until three run at once (an event, not a
        // delay): with --jobs 3 they meet; a runner that ran them one by one never would, and
        // the wait would end in its 30 s limit with mostAtOnce 1.
        let met = DispatchSemaphore(value: 0)
        let runner = FleetRunner<Bool>(count: 40, policy: .init(jobs: 3), isFailure: { !$0 }, interrupted: { false })
        let outcome = runner.run({ i in
            log.start(i)
            if i < 3 {
                if log.runningNow == 3 { for _ in 0..<3 { met.signal() } }
                _ = met.wait(timeout: .now() + 30)
            }
            log.end()
            return true
        })
        #expect(outcome.results.allSatisfy { $0 == true })
        #expect(log.started.sorted() == Array(0..<40))
        #expect(log.mostAtOnce == 3, "never three at once, or more than three")
        #expect(outcome.stop == nil)
    }

    @Test("a failing canary stops the rollout: only the canaries ran")
    func canaryFails() {
        let (outcome, log) = run(10, failing: [1], policy: .init(jobs: 2, canary: 3))
        #expect(Set(log.started) == [0, 1, 2])
        #expect(outcome.stop == .canaryFailed)
        #expect(outcome.results[3...].allSatisfy { $0 == nil })
    }

    @Test("passing canaries let the rest run")
    func canaryPasses() {
        let (outcome, log) = run(10, failing: [7], policy: .init(jobs: 2, canary: 3))
        #expect(log.started.count == 10)
        #expect(Array(log.started.prefix(3)).sorted() == [0, 1, 2], "the canaries ran first")
        #expect(outcome.stop == nil)
        #expect(outcome.results[7] == false)
    }

    @Test("--max-failures: no new start after N failures; what started finishes")
    func maxFailures() {
        let (outcome, log) = run(10, failing: [0, 1, 2, 3], policy: .init(jobs: 1, maxFailures: 2))
        #expect(log.started == [0, 1])
        #expect(outcome.stop == .maxFailures)
        #expect(outcome.results.compactMap { $0 }.count == 2)
    }

    @Test("Ctrl-C: no new start; nothing started is abandoned")
    func interrupt() {
        final class Flag: @unchecked Sendable { var value = false }
        let flag = Flag()
        let log = Log()
        let runner = FleetRunner<Bool>(count: 10, policy: .init(jobs: 1), isFailure: { !$0 }, interrupted: { flag.value })
        let outcome = runner.run({ i in
            log.start(i)
            if i == 2 { flag.value = true }
            log.end()
            return true
        })
        #expect(log.started == [0, 1, 2])
        #expect(outcome.stop == .interrupted)
        #expect(outcome.results[0...2].allSatisfy { $0 == true })
        #expect(outcome.results[3...].allSatisfy { $0 == nil })
    }

    // MARK: The report

    func entry(_ path: String, _ outcome: FleetEntry.Outcome, code: Int32?, before: Int? = nil, after: Int? = nil,
               state: String = "") -> FleetEntry {
        FleetEntry(host: "h", path: path, versionBefore: before, versionAfter: after, outcome: outcome, exitCode: code.map(ExitStatus.init(rawValue:)), state: state)
    }

    @Test("the exit status is the most severe code: 4, then 3, then 1, then 5; Ctrl-C 130; an early stop never 0",
          arguments: [
            ([0, 0, 5], nil, 5), ([0, 1, 5], nil, 1), ([3, 1, 0], nil, 3), ([1, 4, 3], nil, 4), ([0, 0], nil, 0),
            ([0, 0], "interrupted", 130), ([0, 4], "interrupted", 4), ([0, 0], "max_failures", 1),
          ] as [([Int32], String?, Int32)])
    func exitStatus(codes: [Int32], stopped: String?, expected: Int32) {
        #expect(FleetReport.exitCode(codes.map { ExitStatus(rawValue: $0) }, stopped: stopped) == ExitStatus(rawValue: expected))
    }

    @Test("groups: worst outcome first, then the largest group; a move is its own group")
    func groups() {
        let report = FleetReport(migshVersion: "0", commands: [".apply --yes"], started: "", durationMS: 1, jobs: 1, stopped: nil, databases: [
            entry("a", .ok, code: 0, before: 3, after: 8, state: "at v3, 5 pending"),
            entry("b", .ok, code: 0, before: 8, after: 8, state: "up to date at v8"),
            entry("c", .ok, code: 0, before: 3, after: 8, state: "at v3, 5 pending"),
            entry("d", .failed, code: 1, before: 5, after: 5, state: "partially applied: 006 through statement 1 of 12"),
            entry("e", .tooNew, code: 3, before: 9, after: 9, state: "too new"),
        ])
        #expect(report.groups.map(\.outcome) == [.failed, .tooNew, .ok])
        let ok = report.groups.last!.groups
        #expect(ok.map(\.label) == ["v3 → v8", "up to date at v8"])
        #expect(ok[0].entries.map(\.path) == ["a", "c"])
        #expect(report.counts == ["ok": 3, "failed": 1, "too_new": 1])
        #expect(report.exitCode == .databaseTooNew)
        let histogram = report.versionHistogram
        #expect(histogram.map(\.version) == [3, 5, 8, 9])
        #expect(histogram.map(\.before) == [2, 1, 1, 1])
        #expect(histogram.map(\.after) == [0, 1, 3, 1])
    }

    @Test("merged reports: every database, the most severe exit status")
    func merged() {
        let a = FleetReport(migshVersion: "0", commands: ["--check"], started: "2026-01-01", durationMS: 5, jobs: 2, stopped: nil,
                            databases: [entry("x", .ok, code: 0)])
        let b = FleetReport(migshVersion: "0", commands: ["--check"], started: "2025-12-31", durationMS: 9, jobs: 2, stopped: nil,
                            databases: [entry("y", .pending, code: 5), entry("z", .failed, code: 1)])
        let m = FleetReport.merged([a, b])
        #expect(m.databases.map(\.path) == ["x", "y", "z"])
        #expect(m.exitCode == .failure)
        #expect(m.durationMS == 9)
        #expect(m.started == "2025-12-31")
        #expect(m.counts == ["ok": 1, "pending": 1, "failed": 1])
    }

    // MARK: Targets

    @Test("--each: matching files sorted, folders and migsh's companion files left out")
    func glob() throws {
        let dir = NSTemporaryDirectory() + "migsh-fleet-" + UUID().uuidString
        defer { try? FileManager.default.removeItem(atPath: dir) }
        for site in ["b", "a", "c"] {
            try FileManager.default.createDirectory(atPath: "\(dir)/\(site)/snapshots", withIntermediateDirectories: true)
            for name in ["db.sqlite", "db.sqlite-audit.jsonl", "db.sqlite-journal"] {
                FileManager.default.createFile(atPath: "\(dir)/\(site)/\(name)", contents: Data())
            }
        }
        #expect(try FleetTargets.matching(dir + "/*/*") == ["a", "b", "c"].map { "\(dir)/\($0)/db.sqlite" })
        #expect(try FleetTargets.matching(dir + "/{a,c}/db.sqlite") == ["a", "c"].map { "\(dir)/\($0)/db.sqlite" })
        #expect(try FleetTargets.matching(dir + "/nothing*") == [])
    }

    @Test("--fleet: one path a line, # comments, blank lines and repeats ignored")
    func fleetFile() throws {
        let file = NSTemporaryDirectory() + "migsh-fleet-" + UUID().uuidString + ".txt"
        defer { try? FileManager.default.removeItem(atPath: file) }
        try "# sites\n/srv/a/db.sqlite\n\n  /srv/b/db.sqlite   # the big one\r\n/srv/a/db.sqlite\n#/srv/c/db.sqlite\n"
            .write(toFile: file, atomically: true, encoding: .utf8)
        #expect(try FleetTargets.listed(in: file) == ["/srv/a/db.sqlite", "/srv/b/db.sqlite"])
        #expect(throws: MigshError.self) { try FleetTargets.listed(in: file + ".missing") }
    }
}
