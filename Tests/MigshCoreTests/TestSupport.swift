import Foundation
@testable import MigshCore

/// A private temporary folder, removed when `body` returns.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = NSTemporaryDirectory() + "migsh-test-" + UUID().uuidString
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

func write(_ text: String, to path: String) throws {
    try text.write(toFile: path, atomically: true, encoding: .utf8)
}

/// The repository's migrations folder.
let repositoryMigrations: String = {
    URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().appendingPathComponent("migrations").path
}()

/// A well-formed migration file's text for version `n`.
func migrationText(_ n: Int, body: String = "CREATE TABLE t\(0)(x);") -> String {
    """
    -- Description: test \(n)
    -- Version: \(n)
    BEGIN TRANSACTION;
    \(body)
    INSERT INTO Schema_Version (version, applied_date, applied_by, description)
    VALUES (\(n), datetime('now'), 'system', 'test \(n)');
    COMMIT;
    """
}
