import Foundation
import Testing

/// Lists and migrations written on Windows: CRLF line ends and a leading UTF-8 byte-order
/// mark. Both are accepted wherever migsh reads a list (`--fleet`, `migsh.sum`,
/// `app_versions.json`) or a migration; checksums stay `sha256sum`'s, of the file's bytes.
@Suite("CRLF line ends and a byte-order mark")
struct WindowsTextFilesTests {
    /// `text` with a byte-order mark in front and every LF made CRLF.
    func windowsBytes(_ data: Data) -> Data {
        var out = Data([0xEF, 0xBB, 0xBF])
        for byte in data {
            if byte == 0x0A { out.append(0x0D) }
            out.append(byte)
        }
        return out
    }

    /// A copy of the repository's migrations with every file (migrations, the version map)
    /// in Windows form, and `migsh.sum` written by `sha256sum` with CRLF line ends.
    func makeWindowsMigrations(_ folder: String) throws {
        try copyRepositoryMigrations(to: folder)
        for name in try FileManager.default.contentsOfDirectory(atPath: folder) where name.hasSuffix(".sql") || name.hasSuffix(".json") {
            let path = folder + "/" + name
            try windowsBytes(try #require(contents(of: path))).write(to: URL(fileURLWithPath: path))
        }
        try regenerateChecksums(in: folder)
        let sum = try #require(contents(of: folder + "/migsh.sum"))
        try Data(windowsBytes(sum).dropFirst(3)).write(to: URL(fileURLWithPath: folder + "/migsh.sum"))
    }

    /// The schema as sqlite3 shows it, CR characters aside (a CRLF file's CREATE text keeps them).
    func schema(_ db: String) -> String {
        sqlite(db, "select type, name, tbl_name, replace(sql, char(13), '') from sqlite_master order by type, name")
    }

    @Test("migrations with a BOM and CRLF apply like the originals; migsh records sha256sum's hashes")
    func windowsMigrationsApply() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            try makeWindowsMigrations(folder)
            let first = try String(decoding: #require(contents(of: try migrationFile(1, in: folder))).prefix(5), as: UTF8.self)
            #expect(first.hasPrefix("\u{FEFF}--"), "the fixture starts with a byte-order mark")

            let check = try migsh(["--create", "-m", folder, dir + "/win.sqlite", ".check"])
            #expect(check.status == 0, "\(check)")
            #expect(check.stdout.contains("migrations folder: ok"), "\(check)")

            let apply = try migsh(["-m", folder, dir + "/win.sqlite", ".apply --yes"])
            #expect(apply.status == 0, "\(apply)")
            #expect(apply.stdout.contains("applied 8 migrations: version 0 → 8"), "\(apply)")
            #expect(!apply.stderr.contains("BEGIN TRANSACTION"), "\(apply)")

            let reference = try migsh(["--create", "-m", repositoryMigrations, dir + "/unix.sqlite", ".apply --yes"])
            #expect(reference.status == 0, "\(reference)")
            #expect(schema(dir + "/win.sqlite") == schema(dir + "/unix.sqlite"))
            #expect(schemaVersion(dir + "/win.sqlite") == "8")

            let sums = try sha256sums(in: folder)
            let recorded = sqlite(dir + "/win.sqlite", "select file || ' ' || sha256 from migsh_applied_migrations order by version")
            #expect(recorded == sums.sorted { $0.key < $1.key }.map { "\($0.key) \($0.value)" }.joined(separator: "\n"))

            // --app-version reads the map with its byte-order mark and CRLF.
            let byApp = try migsh(["-m", folder, "--app-version", "1.6.0", dir + "/win.sqlite", "--check"])
            #expect(byApp.status == 3, "the map says 1.6.0 needs version 5; the database is at 8: \(byApp)")
        }
    }

    @Test("a migrations folder whose migsh.sum has CRLF line ends: sums valid, an edit still found")
    func crlfChecksumFile() throws {
        try withTemporaryDirectory { dir in
            let folder = dir + "/migrations"
            try copyRepositoryMigrations(to: folder)
            let sum = try #require(contents(of: folder + "/migsh.sum"))
            try Data(windowsBytes(sum).dropFirst(3)).write(to: URL(fileURLWithPath: folder + "/migsh.sum"))
            let db = dir + "/app.sqlite"
            let ok = try migsh(["--create", "-m", folder, db, ".check"])
            #expect(ok.status == 0, "\(ok)")
            #expect(!ok.stderr.contains("migsh.sum"), "\(ok)")

            let edited = try migrationFile(4, in: folder)
            let handle = try FileHandle(forWritingTo: URL(fileURLWithPath: edited))
            handle.seekToEndOfFile()
            handle.write(Data("-- edited\n".utf8))
            handle.closeFile()
            let broken = try migsh(["-m", folder, db, ".check"])
            #expect(broken.status == 1, "\(broken)")
            #expect((broken.stdout + broken.stderr).contains("004_add_supplier_diversity.sql: edited after it was recorded in migsh.sum"), "\(broken)")
        }
    }

    @Test("a --fleet list with CRLF line ends and a BOM names each database")
    func crlfFleetList() throws {
        try withTemporaryDirectory { dir in
            for (name, to) in [("a", 8), ("b", 5)] {
                let made = try migsh(["--create", "-m", repositoryMigrations, "\(dir)/\(name).sqlite", ".apply --to \(to) --yes"])
                #expect(made.status == 0, "\(made)")
            }
            try windowsBytes(Data("# sites\na.sqlite\nb.sqlite  # the old one\n".utf8)).write(to: URL(fileURLWithPath: dir + "/fleet.txt"))
            let result = try migsh(["-m", repositoryMigrations, "--fleet", dir + "/fleet.txt", "--check", "--json"], cwd: dir)
            #expect(result.status == 5, "\(result)")
            let report = try #require(jsonObject(result.stdout), "\(result)")
            let databases = try #require(report["databases"] as? [[String: Any]])
            #expect(databases.map { $0["path"] as? String } == ["a.sqlite", "b.sqlite"], "\(result)")
            #expect(databases.map { $0["exit_code"] as? Int } == [0, 5], "\(result)")
        }
    }
}
