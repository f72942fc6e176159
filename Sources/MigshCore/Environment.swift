import FoundationEssentials
import Glibc

/// The process's environment, read one variable at a time with getenv(3).
/// `ProcessInfo.processInfo.environment` copies every variable into a new dictionary at each
/// call, which start-up paths did several times per run.
public struct Environment: Sendable {
    public static let process = Environment()
    public subscript(name: String) -> String? { getenv(name).map { String(cString: $0) } }
}
