import Foundation

/// Writes a throw-away tool for a test — an `$EDITOR`, a `$PAGER`, an `xdg-open` — as the
/// executable shell script `folder/name` (mode 0755) holding `script`; returns its path.
///
/// A child writes it: a write descriptor open in this (multi-threaded) test process can leak
/// into another test's concurrent spawn, and exec of the tool then fails with "Text file busy".
@discardableResult
public func makeTool(name: String, script: String, in folder: String) throws -> String {
    let path = folder + "/" + name
    let (status, _) = try ChildProcess.output(of: "/bin/sh", ["-c", "printf '%s' \"$1\" > \"$2\" && chmod 755 \"$2\"", "sh", script, path])
    guard status == 0 else { throw POSIXError(.EIO) }
    return path
}
