import FoundationEssentials
import Dispatch
import MigshBase

/// Runs one piece of work per database of a fleet on up to `jobs` threads, with a canary
/// phase and a failure budget, and stops starting new work when asked (Ctrl-C). Work that has
/// started always finishes: each database's run is as safe as a single run, and stopping
/// mid-way would leave nothing safer.
///
/// Only the runner's own state is shared between threads (under `lock`); each piece of work
/// opens its own connections, so SQLite's serialized mode is not even needed.
public final class FleetRunner<Result: Sendable>: @unchecked Sendable {
    public struct Policy: Sendable {
        /// Runs at once.
        public var jobs: Int
        /// The first N databases (in the fleet's order) run first; any failure stops the rollout.
        public var canary: Int?
        /// No new run starts once this many have failed.
        public var maxFailures: Int?

        public init(jobs: Int, canary: Int? = nil, maxFailures: Int? = nil) {
            self.jobs = max(1, jobs)
            self.canary = canary
            self.maxFailures = maxFailures
        }
    }

    /// Why databases were left unstarted.
    public enum Stop: String, Sendable, Codable {
        case canaryFailed = "canary_failed"
        case maxFailures = "max_failures"
        case interrupted
    }

    public struct Outcome: Sendable {
        /// One per database, in the fleet's order; nil where it never started.
        public var results: [Result?]
        public var stop: Stop?
    }

    private let count: Int
    private let policy: Policy
    private let isFailure: @Sendable (Result) -> Bool
    private let interrupted: @Sendable () -> Bool
    private let lock = Lock()
    private var results: [Result?]
    private var next = 0
    private var failures = 0
    private var stop: Stop?

    /// `interrupted` is polled before each start.
    public init(count: Int, policy: Policy, isFailure: @escaping @Sendable (Result) -> Bool,
                interrupted: @escaping @Sendable () -> Bool = { false }) {
        self.count = count
        self.policy = policy
        self.isFailure = isFailure
        self.interrupted = interrupted
        results = Array(repeating: nil, count: count)
    }

    /// Runs `work(i)` for each database index; `started(i)` and `finished(i, result)` are
    /// called on the worker thread, around it.
    public func run(_ work: @escaping @Sendable (Int) -> Result,
                    started: @escaping @Sendable (Int) -> Void = { _ in },
                    finished: @escaping @Sendable (Int, Result) -> Void = { _, _ in }) -> Outcome {
        let canary = min(policy.canary ?? 0, count)
        if canary > 0 {
            runPhase(upTo: canary, work: work, started: started, finished: finished)
            lock.lock()
            if stop == nil, results[0..<canary].contains(where: { $0.map(isFailure) ?? false }) { stop = .canaryFailed }
            lock.unlock()
        }
        runPhase(upTo: count, work: work, started: started, finished: finished)
        lock.lock()
        defer { lock.unlock() }
        return Outcome(results: results, stop: stop)
    }

    private func runPhase(upTo end: Int, work: @escaping @Sendable (Int) -> Result,
                          started: @escaping @Sendable (Int) -> Void, finished: @escaping @Sendable (Int, Result) -> Void) {
        lock.lock()
        let workers = stop == nil ? min(policy.jobs, end - next) : 0
        lock.unlock()
        guard workers > 0 else { return }
        let group = DispatchGroup()
        for _ in 0..<workers {
            group.enter()
            // A thread of its own with a full-size stack: a run parses SQL and replays
            // migrations, which a 512 KiB dispatch worker stack does not always hold.
            startThread(stackSize: 8 << 20) { [self] in
                defer { group.leave() }
                while let i = claim(before: end) {
                    started(i)
                    let result = work(i)
                    record(i, result)
                    finished(i, result)
                }
            }
        }
        group.wait()
    }

    /// The next index to run, or nil when the phase is done or the rollout stopped.
    private func claim(before end: Int) -> Int? {
        lock.lock()
        defer { lock.unlock() }
        if stop == nil, interrupted() { stop = .interrupted }
        guard stop == nil, next < end else { return nil }
        defer { next += 1 }
        return next
    }

    private func record(_ i: Int, _ result: Result) {
        lock.lock()
        defer { lock.unlock() }
        results[i] = result
        if isFailure(result) {
            failures += 1
            if let max = policy.maxFailures, failures >= max, stop == nil { stop = .maxFailures }
        }
    }
}
