import FoundationEssentials
import Glibc
import MigshBase

/// The process's environment, read one variable at a time with getenv(3).
/// `ProcessInfo.processInfo.environment` copies every variable into a new dictionary at each
/// call, which start-up paths did several times per run. A value is in carried form
/// (`CarriedBytes`): `MIGSH_DATABASE` or `HOME` naming a folder that is not UTF-8 keeps its
/// bytes, where `String(cString:)` would repair them to U+FFFD.
public struct Environment: Sendable {
    public static let process = Environment()
    public subscript(name: String) -> String? { getenv(name).map { FileSystem.string(fromPath: $0) } }
}
