import Foundation

// Databases, folders and migration sets built fresh for each test; nothing is cached across
// tests, so each one can run alone, in any order, in parallel with the others.

/// A private temporary folder, removed (with everything in it) when `body` returns.
func withTemporaryDirectory<R>(_ body: (String) throws -> R) throws -> R {
    let path = FileManager.default.temporaryDirectory
        .appendingPathComponent("migsh-e2e-" + UUID().uuidString).path
    try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    defer { try? FileManager.default.removeItem(atPath: path) }
    return try body(path)
}

/// The demo rows for schema version 1, wrapped in one transaction, as `scripts/make-demo`
/// pipes them into migsh.
func demoDataScript() throws -> String {
    let rows = try String(contentsOfFile: repositoryRoot + "/scripts/demo_data_v1.sql", encoding: .utf8)
    return "BEGIN;\n" + rows + "\nCOMMIT;\n"
}

/// Builds `db` at schema version `version` with the demo data, as `scripts/make-demo` does:
/// migrations to 1, the demo rows through migsh's standard input, then migrations on to
/// `version`. `afterDemoData` sees the database at version 1 with its rows.
func makeDemoDatabase(
    _ db: String, version: Int, migrations: String = repositoryMigrations,
    afterDemoData: (String) throws -> Void = { _ in }
) throws {
    let create = try migsh(["--create", "-m", migrations, db, ".apply --to 1 --yes"])
    guard create.status == 0 else { throw EndToEndError.failed("creating \(db) at version 1", create) }
    let load = try migsh(["-m", migrations, db], script: try demoDataScript())
    guard load.status == 0 else { throw EndToEndError.failed("loading the demo data into \(db)", load) }
    try afterDemoData(db)
    if version > 1 {
        let apply = try migsh(["-m", migrations, db, ".apply --to \(version) --yes"])
        guard apply.status == 0 else { throw EndToEndError.failed("applying \(db) to \(version)", apply) }
    }
}

/// A migrations folder (created) of one slow migration, 001: Schema_Version and a table
/// `Numbers` filled with `rows` rows by one recursive statement (about 0.3 s per million).
func makeSlowMigrations(in folder: String, rows: Int) throws {
    try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
    try """
        -- Migration 001: Numbers
        BEGIN TRANSACTION;
        CREATE TABLE Schema_Version (version INTEGER PRIMARY KEY, applied_date DATETIME NOT NULL, applied_by TEXT, description TEXT);
        CREATE TABLE Numbers (n INTEGER);
        INSERT INTO Numbers WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < \(rows)) SELECT x FROM c;
        INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (1, CURRENT_TIMESTAMP, 'system', 'Numbers');
        COMMIT;
        """.write(toFile: folder + "/001_numbers.sql", atomically: true, encoding: .utf8)
}

/// Copies the repository's migrations folder to `folder` (created), for a test to break.
func copyRepositoryMigrations(to folder: String) throws {
    let manager = FileManager.default
    try manager.createDirectory(atPath: folder, withIntermediateDirectories: true)
    for name in try manager.contentsOfDirectory(atPath: repositoryMigrations) {
        try manager.copyItem(atPath: repositoryMigrations + "/" + name, toPath: folder + "/" + name)
    }
}

/// The path of the migration file of `version` in `folder` (e.g. `007_….sql`).
func migrationFile(_ version: Int, in folder: String = repositoryMigrations) throws -> String {
    let prefix = String(format: "%03d_", version)
    let names = try FileManager.default.contentsOfDirectory(atPath: folder)
    guard let name = names.first(where: { $0.hasPrefix(prefix) && $0.hasSuffix(".sql") }) else {
        throw EndToEndError.missingFixture("no \(prefix)*.sql in \(folder)")
    }
    return folder + "/" + name
}

/// Rewrites `migsh.sum` in `folder` as `scripts/sum-migrations` does.
func regenerateChecksums(in folder: String) throws {
    let result = try runProcess("/bin/sh", ["-c", "sha256sum [0-9][0-9][0-9]_*.sql > migsh.sum"], cwd: folder)
    guard result.status == 0 else { throw EndToEndError.failed("sha256sum in \(folder)", result) }
}

/// `file name → sha256` of the migration files of `folder`, by the reference `sha256sum`.
func sha256sums(in folder: String = repositoryMigrations) throws -> [String: String] {
    let result = try runProcess("/bin/sh", ["-c", "sha256sum [0-9][0-9][0-9]_*.sql"], cwd: folder)
    guard result.status == 0 else { throw EndToEndError.failed("sha256sum in \(folder)", result) }
    var sums: [String: String] = [:]
    for line in result.stdout.split(separator: "\n") {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true)
        if fields.count == 2 { sums[String(fields[1])] = String(fields[0]) }
    }
    return sums
}

/// The permission bits of `path` (e.g. `0o600`), or nil when it doesn't exist.
func fileMode(_ path: String) -> Int? {
    guard let attributes = try? FileManager.default.attributesOfItem(atPath: path),
          let mode = attributes[.posixPermissions] as? NSNumber
    else { return nil }
    return mode.intValue & 0o777
}

func fileExists(_ path: String) -> Bool {
    FileManager.default.fileExists(atPath: path)
}

/// The names in `folder` (empty when it doesn't exist).
func fileNames(in folder: String) -> Set<String> {
    Set((try? FileManager.default.contentsOfDirectory(atPath: folder)) ?? [])
}

/// The contents of `path`, or nil when it can't be read.
func contents(of path: String) -> Data? {
    FileManager.default.contents(atPath: path)
}

/// The first match of `pattern` (a regular expression) in `text`, if any.
func firstMatch(of pattern: String, in text: String) -> String? {
    guard let regex = try? NSRegularExpression(pattern: pattern),
          let match = regex.firstMatch(in: text, range: NSRange(text.startIndex..., in: text)),
          let range = Range(match.range, in: text)
    else { return nil }
    return String(text[range])
}

/// The one JSON object that makes up `text`, or nil when `text` is anything else.
func jsonObject(_ text: String) -> [String: Any]? {
    guard let data = text.data(using: .utf8),
          let object = try? JSONSerialization.jsonObject(with: data)
    else { return nil }
    return object as? [String: Any]
}
