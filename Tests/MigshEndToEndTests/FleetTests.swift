import Foundation
import MigshTestSupport
import Testing

/// `migsh --each` / `--fleet`: one plan over many databases in mixed states. Every database
/// is checked afterwards with sqlite3 (the oracle): those that should reach 8 are at 8 with
/// the schema a single `migsh DB .apply` gives and all their rows; every other one is byte
/// for byte as it was.
@Suite("Fleet runs: many installations")
struct FleetTests {
    /// The states of the 50-database fleet, by site number.
    enum Kind: Equatable {
        case upToDate, pending(from: Int), partial, damaged, locked, tooNew
    }

    static func kind(ofSite n: Int) -> Kind {
        switch n {
        case 1...18: return .upToDate
        case 19...26: return .pending(from: 1)
        case 27...34: return .pending(from: 3)
        case 35...42: return .pending(from: 5)
        case 43...45: return .partial
        case 46...47: return .damaged
        case 48: return .locked
        default: return .tooNew
        }
    }

    static func site(_ n: Int) -> String { String(format: "sites/site%02d/nukeworks_db.sqlite", n) }

    /// A database at each version the fleet needs, made once per test by migsh itself; the
    /// sites are copies (each in its own folder, as installations are).
    static func makeFleet(in dir: String, sites: ClosedRange<Int>, kind: (Int) -> Kind = FleetTests.kind(ofSite:)) throws {
        var byVersion: [Int: String] = [:]
        func template(_ version: Int) throws -> String {
            if let path = byVersion[version] { return path }
            let path = "\(dir)/templates/v\(version)/nukeworks_db.sqlite"
            try FileManager.default.createDirectory(atPath: (path as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            try makeDemoDatabase(path, version: version)
            byVersion[version] = path
            return path
        }
        for n in sites {
            let db = "\(dir)/\(site(n))"
            try FileManager.default.createDirectory(atPath: (db as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
            switch kind(n) {
            case .upToDate: try FileManager.default.copyItem(atPath: try template(8), toPath: db)
            case .pending(let from): try FileManager.default.copyItem(atPath: try template(from), toPath: db)
            case .partial:
                // 006's first statement (CREATE TABLE Products_new) ran by hand; the rest did not.
                try FileManager.default.copyItem(atPath: try template(5), toPath: db)
                let lines = try String(contentsOfFile: try migrationFile(6), encoding: .utf8).components(separatedBy: "\n")
                let create = lines[19...42].joined(separator: "\n")
                // Exactly 006's CREATE TABLE Products_new (comments before it), and it ran.
                #expect(create.components(separatedBy: "CREATE TABLE").count == 2
                        && create.contains("CREATE TABLE Products_new (") && create.hasSuffix(");"), "\(create)")
                _ = sqlite(db, create)
                #expect(sqlite(db, "select count(*) from sqlite_schema where name = 'Products_new'") == "1")
            case .damaged:
                try FileManager.default.copyItem(atPath: try template(5), toPath: db)
                _ = try ReliabilityKit.corruptRootPage(of: "Users", in: db)
            case .locked: try FileManager.default.copyItem(atPath: try template(3), toPath: db)
            case .tooNew:
                try FileManager.default.copyItem(atPath: try template(8), toPath: db)
                _ = sqlite(db, "INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (9, '2026-11-30', 'newer app', 'From the future')")
            }
        }
    }

    /// The file's bytes (nil: missing), to show a database byte-for-byte unchanged.
    static func sha(_ path: String) -> Data? { contents(of: path) }

    /// Data tables and their row counts (Schema_Version and migsh's own tables aside).
    static func dataRowCounts(_ db: String) -> [String: Int] {
        rowCounts(db, tables: userTables(db).filter { $0 != "Schema_Version" && !$0.hasPrefix("migsh_") })
    }

    @Test("50 databases in mixed states: the pending reach 8 with every row, the rest are untouched, the report counts them")
    func mixedFleet() throws {
        try withTemporaryDirectory { dir in
            try Self.makeFleet(in: dir, sites: 1...50)
            // The reference: a single migsh run on a copy of each starting version.
            var expectedSchema: [Int: String] = [:]
            var expectedRows: [Int: [String: Int]] = [:]
            for from in [1, 3, 5] {
                let copy = "\(dir)/reference-v\(from).sqlite"
                try FileManager.default.copyItem(atPath: "\(dir)/templates/v\(from)/nukeworks_db.sqlite", toPath: copy)
                let single = try migsh(["-m", repositoryMigrations, copy, ".apply --yes"])
                try #require(single.status == 0, "\(single)")
                expectedSchema[from] = sqlite(copy, ".schema")
                expectedRows[from] = Self.dataRowCounts(copy)
            }
            var shaBefore: [Int: Data?] = [:]
            var rowsBefore: [Int: [String: Int]] = [:]
            for n in 1...50 {
                shaBefore[n] = Self.sha("\(dir)/\(Self.site(n))")
                if case .pending = Self.kind(ofSite: n) { rowsBefore[n] = Self.dataRowCounts("\(dir)/\(Self.site(n))") }
            }

            let result = try withSQLiteSession("\(dir)/\(Self.site(48))", finalSQL: "ROLLBACK;") { locker in
                try locker.run("BEGIN IMMEDIATE;\nINSERT INTO Users(username) VALUES('locker');")
                return try migsh(["-m", repositoryMigrations, "--busy-timeout", "300", "--jobs", "2", "--json",
                                  "--report", dir + "/report.html", "--each", dir + "/sites/*/nukeworks_db.sqlite", ".apply --yes"],
                                 cwd: dir, timeout: 300)
            }

            // Exit status: the most severe code any database gave — 3 (too new) over 1.
            #expect(result.status == 3, "\(result.stderr)")
            let report = try #require(jsonObject(result.stdout), "not one JSON document:\n\(result.stdout)")
            let counts = try #require(report["counts"] as? [String: Int])
            #expect(counts == ["ok": 42, "failed": 6, "too_new": 2], "\(counts)")
            #expect(report["exit_code"] as? Int == 3)
            let entries = try #require(report["databases"] as? [[String: Any]])
            #expect(entries.count == 50)
            let byPath = Dictionary(uniqueKeysWithValues: entries.map { ($0["path"] as? String ?? "", $0) })

            for n in 1...50 {
                let db = "\(dir)/\(Self.site(n))"
                let entry = try #require(byPath[db], "no entry for \(db)")
                let state = entry["state"] as? String ?? ""
                switch Self.kind(ofSite: n) {
                case .pending(let from):
                    #expect(schemaVersion(db) == "8", "site \(n)")
                    #expect(sqlite(db, ".schema") == expectedSchema[from], "site \(n): not the schema a single run gives")
                    // Every row: the counts a single run gives, and no table lost any.
                    let after = Self.dataRowCounts(db)
                    #expect(after == expectedRows[from], "site \(n): not the rows a single run gives")
                    for (table, count) in rowsBefore[n] ?? [:] { #expect((after[table] ?? -1) >= count, "site \(n): \(table) lost rows") }
                    #expect(sqlite(db, "PRAGMA integrity_check") == "ok")
                    #expect(entry["outcome"] as? String == "ok" && entry["version_before"] as? Int == from && entry["version_after"] as? Int == 8)
                    let backups = entry["backups"] as? [String] ?? []
                    #expect(backups.count == 1 && backups[0].hasPrefix("\(dir)/sites/site\(String(format: "%02d", n))/snapshots/"),
                            "site \(n): its own backup, beside it: \(backups)")
                    #expect(backups.first.map { sqlite($0, "select max(version) from Schema_Version") } == String(from))
                case .upToDate:
                    #expect(Self.sha(db) == shaBefore[n], "site \(n) (up to date) was written")
                    #expect(entry["outcome"] as? String == "ok" && state == "up to date at v8", "\(entry)")
                case .partial:
                    #expect(Self.sha(db) == shaBefore[n], "site \(n) (partial) was written")
                    #expect(entry["outcome"] as? String == "failed" && state == "partially applied: 006 through statement 1 of 12", "\(entry)")
                    #expect(entry["verdict"] as? String == "partial")
                case .damaged:
                    #expect(Self.sha(db) == shaBefore[n], "site \(n) (damaged) was written")
                    #expect(entry["outcome"] as? String == "failed" && state == "damaged", "\(entry)")
                case .locked:
                    #expect(Self.sha(db) == shaBefore[n], "site \(n) (locked) was written")
                    #expect(entry["outcome"] as? String == "failed" && state == "busy: locked by another process", "\(entry)")
                case .tooNew:
                    #expect(Self.sha(db) == shaBefore[n], "site \(n) (too new) was written")
                    #expect(entry["outcome"] as? String == "too_new" && entry["exit_code"] as? Int == 3 && state.hasPrefix("too new: v9"), "\(entry)")
                }
                // Its own audit log, beside it.
                #expect(fileExists(db + "-audit.jsonl"), "site \(n) has no audit log")
            }

            // The HTML report: one row per database, counts, the chart, nothing fetched from elsewhere.
            let html = String(decoding: try #require(contents(of: dir + "/report.html")), as: UTF8.self)
            let structure = try Self.htmlStructure(dir + "/report.html")
            #expect(structure["rows"] as? Int == 50, "\(structure)")
            #expect(structure["external"] as? [String] == [], "\(structure)")
            #expect(structure["counts"] as? [String: Int] == ["ok": 42, "failed": 6, "too_new": 2], "\(structure)")
            #expect(structure["bars"] as? Int == 5 + 4, "versions 1, 3, 5, 8, 9 before; 3, 5, 8, 9 after: \(structure)")
            #expect(structure["scripts"] as? Int == 1)
            #expect(html.contains("partially applied: 006 through statement 1 of 12"))
            #expect(fileMode(dir + "/report.html") == 0o600)
        }
    }

    /// The HTML page parsed by python's html.parser (an independent reader): the table's rows,
    /// the summary's counts, the chart's bars, scripts, and any attribute that would fetch
    /// something from elsewhere.
    static func htmlStructure(_ path: String) throws -> [String: Any] {
        let program = """
        import json, sys
        from html.parser import HTMLParser
        class P(HTMLParser):
            def __init__(self):
                super().__init__(); self.rows = 0; self.counts = {}; self.bars = set(); self.scripts = 0; self.external = []
                self.in_body = False
            def handle_starttag(self, tag, attrs):
                a = dict(attrs)
                if tag == 'tbody': self.in_body = True
                if tag == 'tr' and self.in_body: self.rows += 1
                if tag == 'li' and 'data-count' in a: self.counts[a['data-outcome']] = int(a['data-count'])
                if tag == 'rect' and int(a.get('data-count', '0')) > 0: self.bars.add((a['data-version'], a['data-kind']))
                if tag == 'script': self.scripts += 1
                for k in ('src', 'href'):
                    if k in a: self.external.append(a[k])
            def handle_endtag(self, tag):
                if tag == 'tbody': self.in_body = False
        p = P(); p.feed(open(sys.argv[1], encoding='utf-8').read())
        print(json.dumps({'rows': p.rows, 'counts': p.counts, 'bars': len(p.bars), 'scripts': p.scripts, 'external': p.external}))
        """
        let result = try runProcess("/usr/bin/env", ["python3", "-c", program, path])
        return try #require(jsonObject(result.stdout), "\(result)")
    }

    @Test("--canary 2: a failing canary stops the rollout; the rest are not started and untouched")
    func canary() throws {
        try withTemporaryDirectory { dir in
            // Site 1 is partially applied: the first canary fails.
            try Self.makeFleet(in: dir, sites: 1...6) { $0 == 1 ? .partial : .pending(from: 3) }
            let before = (1...6).map { Self.sha("\(dir)/\(Self.site($0))") }
            let result = try migsh(["-m", repositoryMigrations, "--jobs", "1", "--canary", "2", "--each", dir + "/sites/*/nukeworks_db.sqlite", ".apply --yes"],
                                   cwd: dir, timeout: 120)
            #expect(result.status == 1, "\(result)")
            // The summary on standard output; each database's errors on standard error.
            #expect(result.stdout.contains("stopped early (a canary failed): 4 databases were not started"), "\(result.stdout)")
            #expect(result.stdout.contains("not started (4)"), "\(result.stdout)")
            #expect(result.stdout.contains("== \(dir)/\(Self.site(1)): failed, partially applied: 006 through statement 1 of 12"), "\(result.stdout)")
            #expect(result.stderr.contains("\(dir)/\(Self.site(1)): Error: the database is not in the state its Schema_Version records"),
                    "each error line names its database: \(result.stderr)")
            // Site 2 was the second canary: applied. Sites 3–6 were never opened.
            #expect(schemaVersion("\(dir)/\(Self.site(2))") == "8")
            #expect(Self.sha("\(dir)/\(Self.site(1))") == before[0])
            for n in 3...6 {
                #expect(Self.sha("\(dir)/\(Self.site(n))") == before[n - 1], "site \(n) was touched")
                #expect(!fileExists("\(dir)/\(Self.site(n))-audit.jsonl"), "site \(n) was opened")
            }
        }
    }

    @Test("--max-failures 2: no new start after two failures; a second run finishes only what is not done")
    func maxFailuresThenRerun() throws {
        try withTemporaryDirectory { dir in
            try Self.makeFleet(in: dir, sites: 1...6) { $0 <= 2 ? .partial : .pending(from: 5) }
            let arguments = ["-m", repositoryMigrations, "--jobs", "1", "--json", "--each", dir + "/sites/*/nukeworks_db.sqlite", ".apply --yes"]
            let first = try migsh(arguments + ["--max-failures", "2"], cwd: dir, timeout: 120)
            #expect(first.status == 1, "\(first)")
            let report = try #require(jsonObject(first.stdout), "\(first)")
            #expect(report["counts"] as? [String: Int] == ["failed": 2, "not_started": 4])
            #expect(report["stopped"] as? String == "max_failures")
            for n in 3...6 { #expect(schemaVersion("\(dir)/\(Self.site(n))") == "5") }

            // Sites 3 and 4 done by hand (a single run); the fleet run again without a budget:
            // 5 and 6 are applied, 3 and 4 are left exactly as they are.
            for n in 3...4 {
                let single = try migsh(["-m", repositoryMigrations, "\(dir)/\(Self.site(n))", ".apply --yes"])
                try #require(single.status == 0, "\(single)")
            }
            let done = (3...4).map { Self.sha("\(dir)/\(Self.site($0))") }
            let second = try migsh(arguments, cwd: dir, timeout: 120)
            #expect(second.status == 1, "the two partial databases still fail: \(second)")
            let again = try #require(jsonObject(second.stdout), "\(second)")
            #expect(again["counts"] as? [String: Int] == ["failed": 2, "ok": 4])
            #expect((3...4).map { Self.sha("\(dir)/\(Self.site($0))") } == done, "a finished database was written again")
            for n in 3...6 { #expect(schemaVersion("\(dir)/\(Self.site(n))") == "8") }
            let entries = again["databases"] as? [[String: Any]] ?? []
            #expect(entries.filter { $0["state"] as? String == "up to date at v8" }.count == 2)
            #expect(entries.filter { ($0["backups"] as? [String] ?? []).isEmpty == false }.count == 2, "only 5 and 6 needed a backup")
        }
    }

    @Test("--backups shared by databases of the same name: every backup its own file, none overwritten")
    func sharedBackupsFolder() throws {
        try withTemporaryDirectory { dir in
            try Self.makeFleet(in: dir, sites: 1...16) { _ in .pending(from: 3) }
            let result = try migsh(["-m", repositoryMigrations, "--jobs", "4", "--backups", dir + "/shared", "--json",
                                    "--each", dir + "/sites/*/nukeworks_db.sqlite", ".apply --yes"], cwd: dir, timeout: 120)
            #expect(result.status == 0, "\(result)")
            let backups = fileNames(in: dir + "/shared").filter { $0.hasSuffix(".sqlite") }
            #expect(backups.count == 16, "\(backups.sorted())")
            // Each manifest names a different database.
            let sources = Set(backups.compactMap { name -> String? in
                jsonObject(String(decoding: contents(of: dir + "/shared/" + name + ".json") ?? Data(), as: UTF8.self))?["source"] as? String
            })
            #expect(sources == Set((1...16).map { "\(dir)/\(Self.site($0))" }))
            for n in 1...16 { #expect(schemaVersion("\(dir)/\(Self.site(n))") == "8") }
        }
    }

    @Test("--check over a fleet file: 5 when any is pending; the summary names a partly applied one as such")
    func checkFleetFile() throws {
        try withTemporaryDirectory { dir in
            try Self.makeFleet(in: dir, sites: 1...5) { $0 <= 3 ? .upToDate : ($0 == 4 ? .pending(from: 5) : .partial) }
            let list = "# the fleet\n" + (1...5).map { "\(dir)/\(Self.site($0))" }.joined(separator: "\n") + "\n\(dir)/\(Self.site(1))  # again\n"
            try list.write(toFile: dir + "/fleet.txt", atomically: true, encoding: .utf8)
            let before = (1...5).map { Self.sha("\(dir)/\(Self.site($0))") }
            let result = try migsh(["-m", repositoryMigrations, "--fleet", dir + "/fleet.txt", "--check"], cwd: dir)
            #expect(result.status == 5, "\(result)")
            #expect(result.stdout.contains("\n5 databases in "), "\(result.stdout)")
            #expect(result.stdout.contains(": 3 ok · 2 pending\n"), "\(result.stdout)")
            #expect(result.stdout.contains("\n  up to date at v8 (3): \(dir)/\(Self.site(1)), \(dir)/\(Self.site(2)), \(dir)/\(Self.site(3))\n"), "\(result.stdout)")
            #expect(result.stdout.contains("\n  at v5, 3 pending (1): \(dir)/\(Self.site(4))\n"), "\(result.stdout)")
            #expect(result.stdout.contains("\n  partially applied: 006 through statement 1 of 12 (1): \(dir)/\(Self.site(5))\n"), "\(result.stdout)")
            #expect(result.stdout.contains("3 pending: schema version 5, required 8"), "each database's own output: \(result.stdout)")
            #expect(result.stdout.contains("exit status 5\n"))
            #expect((1...5).map { Self.sha("\(dir)/\(Self.site($0))") } == before)
        }
    }

    @Test("an unquoted glob (expanded by the shell) is a usage error that says to quote it; nothing runs")
    func unquotedGlob() throws {
        try withTemporaryDirectory { dir in
            try Self.makeFleet(in: dir, sites: 1...2) { _ in .pending(from: 5) }
            let result = try migsh(["-m", repositoryMigrations, "--each", "\(dir)/\(Self.site(1))", "\(dir)/\(Self.site(2))", ".apply --yes"], cwd: dir)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderr.contains("quote the pattern"), "\(result.stderr)")
            #expect(schemaVersion("\(dir)/\(Self.site(1))") == "5")
            #expect(schemaVersion("\(dir)/\(Self.site(2))") == "5")
        }
    }

    @Test("--merge-reports: two hosts' --json reports as one summary, one HTML report, the most severe status")
    func mergeReports() throws {
        try withTemporaryDirectory { dir in
            try Self.makeFleet(in: dir, sites: 1...4) { $0 == 4 ? .tooNew : .pending(from: 5) }
            let a = try migsh(["-m", repositoryMigrations, "--json", "--each", dir + "/sites/site0[12]/nukeworks_db.sqlite", ".apply --yes"], cwd: dir)
            let b = try migsh(["-m", repositoryMigrations, "--json", "--each", dir + "/sites/site0[34]/nukeworks_db.sqlite", ".apply --yes"], cwd: dir)
            #expect(a.status == 0 && b.status == 3, "\(a)\n\(b)")
            try a.stdout.write(toFile: dir + "/a.json", atomically: true, encoding: .utf8)
            try b.stdout.write(toFile: dir + "/b.json", atomically: true, encoding: .utf8)
            let merged = try migsh(["--merge-reports", dir + "/a.json", dir + "/b.json", "--report", dir + "/all.html"], cwd: dir)
            #expect(merged.status == 3, "\(merged)")
            #expect(merged.stdout.contains("4 databases in "), "\(merged.stdout)")
            #expect(merged.stdout.contains("3 ok · 1 too new"), "\(merged.stdout)")
            let structure = try Self.htmlStructure(dir + "/all.html")
            #expect(structure["rows"] as? Int == 4)
            let bad = try migsh(["--merge-reports", dir + "/a.json", dir + "/sites/site01/nukeworks_db.sqlite"], cwd: dir)
            #expect(bad.status == 1 && bad.stderr.contains("is not a migsh fleet report"), "\(bad)")
        }
    }

    @Test("Ctrl-C: the run in progress finishes, no new one starts; exit 130; each database whole")
    func interrupt() throws {
        try withTemporaryDirectory { dir in
            // One slow migration (about a second per database), ten fresh databases.
            let migrations = dir + "/migrations"
            try makeSlowMigrations(in: migrations, rows: 1500000)
            for n in 1...10 {
                let db = "\(dir)/\(Self.site(n))"
                try FileManager.default.createDirectory(atPath: (db as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                FileManager.default.createFile(atPath: db, contents: Data())
            }
            let run = try StartedProcess(migshBinary, ["--noinit", "-m", migrations, "--jobs", "1", "--json", "--each",
                                                       dir + "/sites/*/nukeworks_db.sqlite", ".apply --yes"], cwd: dir)
            let child = run.child
            // Once the first database is done (its session ended), Ctrl-C.
            let firstAudit = "\(dir)/\(Self.site(1))-audit.jsonl"
            let deadline = Date().addingTimeInterval(60)
            while Date() < deadline, !(String(decoding: contents(of: firstAudit) ?? Data(), as: UTF8.self).contains("session_end")) {
                usleep(20_000)
            }
            kill(child.pid, SIGINT)
            let result = try run.finish(timeout: 60)
            #expect(result.status == 130, "\(result)")
            let report = try #require(jsonObject(result.stdout))
            #expect(report["stopped"] as? String == "interrupted")
            let counts = report["counts"] as? [String: Int] ?? [:]
            #expect((counts["ok"] ?? 0) >= 1 && (counts["ok"] ?? 0) <= 3, "\(counts)")
            #expect((counts["ok"] ?? 0) + (counts["not_started"] ?? 0) == 10, "\(counts)")
            // Every database is whole: applied with every row, or never opened.
            for n in 1...10 {
                let db = "\(dir)/\(Self.site(n))"
                if fileExists(db + "-audit.jsonl") {
                    #expect(sqlite(db, "select max(version) from Schema_Version") == "1", "site \(n)")
                    #expect(sqlite(db, "select count(*) from Numbers") == "1500000", "site \(n)")
                } else {
                    #expect((try? FileManager.default.attributesOfItem(atPath: db)[.size] as? Int) == 0, "site \(n) was written")
                }
            }
        }
    }

    @Test("a second Ctrl-C stops the run in progress: it rolls back and is left as it was (outcome interrupted); exit 130")
    func secondInterrupt() throws {
        try withTemporaryDirectory { dir in
            let migrations = dir + "/migrations"
            try makeSlowMigrations(in: migrations, rows: 10)
            // Each site at version 1 (001 run by sqlite3), with a row of its own; 002 is pending.
            let first = try String(contentsOfFile: migrations + "/001_numbers.sql", encoding: .utf8)
            for n in 1...3 {
                let db = "\(dir)/\(Self.site(n))"
                try FileManager.default.createDirectory(atPath: (db as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                _ = sqlite(db, "\n" + first + "INSERT INTO Numbers VALUES (\(1000 + n));")
            }
            try """
                -- Migration 002: more numbers
                BEGIN TRANSACTION;
                INSERT INTO Numbers WITH RECURSIVE c(x) AS (SELECT 1 UNION ALL SELECT x + 1 FROM c WHERE x < 1000) SELECT x FROM c;
                INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (2, CURRENT_TIMESTAMP, 'system', 'more numbers');
                COMMIT;
                """.write(toFile: migrations + "/002_more.sql", atomically: true, encoding: .utf8)
            let before = (1...3).map { dump("\(dir)/\(Self.site($0))") }
            // The first database pauses at its first migration statement, inside the transaction.
            let run = try PausedMigsh(["-m", migrations, "--jobs", "1", "--json", "--each", dir + "/sites/*/nukeworks_db.sqlite", ".apply --yes"],
                                      pauseAt: ["apply.statement"], cwd: dir)
            #expect(try run.waitForPhase() == "apply.statement")
            run.interrupt()  // no new database starts; this one would finish
            // Two signals sent at once are one: the second only after migsh took the first.
            #expect(run.waitForStderr("interrupted: finishing the runs in progress"))
            run.interrupt()  // stop it
            let result = try run.finish()
            #expect(result.status == 130, "\(result)")
            #expect(result.stderr.contains("interrupted again: stopping the runs in progress"), "\(result.stderr)")
            let report = try #require(jsonObject(result.stdout))
            #expect(report["stopped"] as? String == "interrupted")
            #expect(report["counts"] as? [String: Int] == ["interrupted": 1, "not_started": 2], "\(report)")
            // Every database exactly as it was (sqlite3's dump), and no partial backup left.
            for n in 1...3 {
                #expect(dump("\(dir)/\(Self.site(n))") == before[n - 1], "site \(n)")
            }
            let leftovers = (FileManager.default.enumerator(atPath: dir)?.allObjects as? [String] ?? []).filter { $0.hasSuffix(".partial") }
            #expect(leftovers.isEmpty, "\(leftovers)")
        }
    }

    @Test("a fleet that names nothing: no match, a missing or empty fleet file — exit 1, a clear message, nothing run")
    func emptyFleets() throws {
        try withTemporaryDirectory { dir in
            let none = try migsh(["-m", repositoryMigrations, "--each", dir + "/sites/*/nukeworks_db.sqlite", "--check"], cwd: dir)
            #expect(none.status == 1 && none.stderr.contains("no database matches"), "\(none)")
            let missing = try migsh(["-m", repositoryMigrations, "--fleet", dir + "/nosuch.txt", "--check"], cwd: dir)
            #expect(missing.status == 1 && missing.stderr.contains("cannot read the fleet file"), "\(missing)")
            try "# only comments\n\n".write(toFile: dir + "/empty.txt", atomically: true, encoding: .utf8)
            let empty = try migsh(["-m", repositoryMigrations, "--fleet", dir + "/empty.txt", "--check"], cwd: dir)
            #expect(empty.status == 1 && empty.stderr.contains("lists no database"), "\(empty)")
            #expect(none.stdout.isEmpty && missing.stdout.isEmpty && empty.stdout.isEmpty)
        }
    }
}
