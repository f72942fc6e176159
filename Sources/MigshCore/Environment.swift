import FoundationEssentials
import Glibc
import MigshBase

/// The process's environment, read one variable at a time with getenv(3).
/// `ProcessInfo.processInfo.environment` copies every variable into a new dictionary at each
/// call, which start-up paths did several times per run.
public struct Environment: Sendable {
    public static let process = Environment()
    public subscript(name: String) -> String? { getenv(name).map { String(cString: $0) } }
    /// A variable that names a path (`TMPDIR`, `HOME`, `XDG_CACHE_HOME`), in carried form: a
    /// byte that is not UTF-8 stays that byte (`String(cString:)` would make it U+FFFD).
    public func path(_ name: String) -> String? { getenv(name).map { FileSystem.string(fromPath: $0) } }
}
