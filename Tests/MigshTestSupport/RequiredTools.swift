import Foundation

/// Whether this run is CI: the `CI` environment variable is set (and not `0`/`false`).
public let runningInCI: Bool = {
    guard let value = ProcessInfo.processInfo.environment["CI"]?.lowercased() else { return false }
    return !["", "0", "false", "no"].contains(value)
}()

/// Whether to run a test that needs a tool (tmux, python3, sqlite3) or a capability (dropping
/// root to test file permissions): yes when it is there; in CI yes as well, so that its absence
/// fails the test instead of skipping it silently. On a developer's machine without it the test
/// is skipped, with the reason in the trait's comment.
public func shouldRun(needing available: Bool) -> Bool { available || runningInCI }
