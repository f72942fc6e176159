/// sqlite3's `.progress N`: SQLite calls the connection's progress handler every `interval`
/// virtual-machine steps, and each call is counted and told (`Progress 7`); with a limit, the
/// call that reaches it interrupts the statement (`Progress limit reached (N)`). The counting
/// is sqlite3 3.40's `progress_handler`, so the same SQL gives the same lines.
///
/// It shares the connection's one progress handler with Ctrl-C and the step limit
/// (`Connection.reportProgress(_:)`), and is never active while migration SQL runs.
public final class ProgressReport {
    /// What a call of the handler tells.
    public enum Event: Sendable, Equatable {
        /// The call's number (`Progress N`); not told under `quiet`.
        case progress(UInt32)
        /// The call that reached the limit (`Progress limit reached (N)`): the statement stops.
        case limitReached(UInt32)
    }

    /// Steps between two calls (sqlite3's N; at least 1).
    public let interval: Int32
    /// `--quiet`: count without telling each call.
    public let quiet: Bool
    /// `--reset`: the count starts over at each input chunk and after the limit is reached.
    public let reset: Bool
    /// `--once`: the limit stops one statement, then is gone.
    public let once: Bool
    /// `--limit N` (0: none), as sqlite3's unsigned `mxProgress`.
    private var limit: UInt32
    private var count: UInt32 = 0
    private let tell: (Event) -> Void

    public init(interval: Int32, limit: Int64, quiet: Bool, reset: Bool, once: Bool, tell: @escaping (Event) -> Void) {
        self.interval = max(1, interval)
        self.limit = UInt32(truncatingIfNeeded: limit)
        self.quiet = quiet
        self.reset = reset
        self.once = once
        self.tell = tell
    }

    /// One call of the handler; true to interrupt the statement.
    func tick() -> Bool {
        count &+= 1
        if limit > 0 && count >= limit {
            tell(.limitReached(count))
            if reset { count = 0 }
            if once { limit = 0 }
            return true
        }
        if !quiet { tell(.progress(count)) }
        return false
    }

    /// Before each chunk of input SQL: with `--reset` the count starts over (sqlite3's
    /// `runOneSqlLine`).
    public func startInput() {
        if reset { count = 0 }
    }
}
