import Foundation
import Testing

// The advice on authelia's own SQLite migrations (`Tests/Fixtures/authelia`), followed as an
// administrator follows it: the state made by hand with python's sqlite3 (`Tests/Oracle`),
// the recommended way out run verbatim, then `.apply`, and the rows compared with a clean run.
// authelia rebuilds a table by renaming it to `_bkp_…`, creating the new one under the
// original name, copying from `_bkp_…`, and dropping it; it drops indexes `IF EXISTS` that the
// same migration creates again later.

let autheliaMigrations = repositoryRoot + "/Tests/Fixtures/authelia/migrations"

/// An authelia database at `version`, built by migsh, with the fixture's seed of every version
/// up to it loaded as that version is reached (as `scripts/advice` builds its bases).
func makeAutheliaDatabase(_ db: String, version: Int) throws {
    let create = try migsh(["--create", "-m", autheliaMigrations, db, ".apply --to 1 --yes"])
    guard create.status == 0 else { throw EndToEndError.failed("creating \(db) at version 1", create) }
    for v in 1...version {
        if v > 1 {
            let apply = try migsh(["-m", autheliaMigrations, db, ".apply --to \(v) --yes"])
            guard apply.status == 0 else { throw EndToEndError.failed("applying \(db) to \(v)", apply) }
        }
        let seed = repositoryRoot + "/Tests/Fixtures/authelia/seed_v\(v).sql"
        guard FileManager.default.fileExists(atPath: seed) else { continue }
        let load = try migsh(["-m", autheliaMigrations, db], script: "BEGIN;\n" + (try String(contentsOfFile: seed, encoding: .utf8)) + "\nCOMMIT;\n")
        guard load.status == 0 else { throw EndToEndError.failed("loading \(seed)", load) }
    }
}

/// Every user table's rows, sorted, leaving out the columns whose default reads the clock
/// (authelia's copies leave `created_at` to `CURRENT_TIMESTAMP`: a clean run and a resume run
/// at different seconds) and Schema_Version's applied_date.
func autheliaRows(_ db: String) -> [String: String] {
    var rows: [String: String] = [:]
    for table in userTables(db) {
        let columns = sqlite(db, "select name from pragma_table_info('\(table)') where coalesce(dflt_value, '') not like '%CURRENT_TIMESTAMP%' and name <> 'applied_date' order by cid")
            .split(separator: "\n").map { "\"\($0)\"" }
        let list = columns.joined(separator: ", ")
        rows[table] = sqlite(db, "select \(list) from \"\(table)\" order by \(list)")
    }
    return rows
}

/// The rows after a clean `.apply` from `version` to the newest.
func autheliaCleanRows(from version: Int) throws -> [String: String] {
    try withTemporaryDirectory { dir in
        let db = dir + "/clean.sqlite"
        try makeAutheliaDatabase(db, version: version)
        let apply = try migsh(["-m", autheliaMigrations, db, ".apply --yes"])
        guard apply.status == 0 else { throw EndToEndError.failed("clean apply", apply) }
        return autheliaRows(db)
    }
}

/// The evidence for `statement` of the verdict's first migration.
func evidenceState(_ verdict: [String: Any], statement: Int) -> String? {
    let migrations = verdict["evidence"] as? [[String: Any]] ?? []
    let statements = migrations.first?["statements"] as? [[String: Any]] ?? []
    return statements.first { $0["statement"] as? Int == statement }?["state"] as? String
}

@Suite("Advice followed on authelia's migrations: _bkp_ rebuilds, DROP INDEX IF EXISTS, the clock")
struct AutheliaAdviceTests {
    @Test("002 stopped after its _bkp_ rename and CREATE: the new totp_configurations is empty while _bkp_ holds rows, so the copy has not run; the resume copies and the rows are a clean run's")
    func bkpCopyNotRunIsResumed() throws {
        let clean = try autheliaCleanRows(from: 1)
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeAutheliaDatabase(db, version: 1)
            try runByHand(db, version: 2, "1,2,3", migrations: autheliaMigrations)  // renames, CREATE totp_configurations
            #expect(sqlite(db, "select count(*) from _bkp_UP_V0002_totp_configurations") == "4")
            let v = try verdict(db, migrations: autheliaMigrations)
            #expect(v["state"] as? String == "partial", "\(v)")
            #expect(evidenceState(v, statement: 4) == "absent", "\(v)")
            #expect(recommendedCommands(v) == [".apply --resume"], "\(v)")
            try followAdvice(db, v, migrations: autheliaMigrations)
            #expect(sqlite(db, "select count(*) from totp_configurations") == "4")
            #expect(autheliaRows(db) == clean)
        }
    }

    @Test("007 stopped after the webauthn_devices rebuild re-created the indexes it dropped IF EXISTS: the drops are not rerun, and the resume succeeds")
    func dropIndexIfExistsThenRecreatedIsNotRerun() throws {
        let clean = try autheliaCleanRows(from: 6)
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeAutheliaDatabase(db, version: 6)
            // 1–13 drop legacy tables IF EXISTS, 14–15 DROP INDEX IF EXISTS webauthn_devices_*,
            // 16 rename to _bkp_, 17 CREATE TABLE, 18–19 CREATE UNIQUE INDEX of the same names
            try runByHand(db, version: 7, (1...19).map(String.init).joined(separator: ","), migrations: autheliaMigrations)
            #expect(sqlite(db, "select count(*) from sqlite_master where name in ('webauthn_devices_lookup_key', 'webauthn_devices_kid_key')") == "2")
            let v = try verdict(db, migrations: autheliaMigrations)
            #expect(v["state"] as? String == "partial", "\(v)")
            #expect(evidenceState(v, statement: 14) == "applied", "\(v)")
            #expect(evidenceState(v, statement: 15) == "applied", "\(v)")
            #expect(evidenceState(v, statement: 20) == "absent", "\(v)")
            #expect(recommendedCommands(v) == [".apply --resume"], "\(v)")
            try followAdvice(db, v, migrations: autheliaMigrations)
            #expect(autheliaRows(db) == clean)
        }
    }

    @Test("002 run through its totp copy, whose created_at is CURRENT_TIMESTAMP: .diff --json gives the same recommendation on either side of a second boundary")
    func verdictDoesNotDependOnTheClock() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeAutheliaDatabase(db, version: 1)
            try runByHand(db, version: 2, "1,2,3,4", migrations: autheliaMigrations)  // the copy ran, created_at = now
            Thread.sleep(forTimeInterval: 1.2)
            let first = try verdict(db, migrations: autheliaMigrations)
            Thread.sleep(forTimeInterval: 1.2)
            let second = try verdict(db, migrations: autheliaMigrations)
            #expect(evidenceState(first, statement: 4) == "present", "\(first)")
            #expect(evidenceState(second, statement: 4) == evidenceState(first, statement: 4), "\(second)")
            #expect(recommendedCommands(first) == [".apply --resume"], "\(first)")
            #expect(recommendedCommands(second) == recommendedCommands(first), "\(second)")
            try followAdvice(db, second, migrations: autheliaMigrations)
            #expect(sqlite(db, "select count(*) from totp_configurations") == "4")
        }
    }

    @Test("a backup of the half-run state (same Schema_Version row) does not displace the one taken before the hand run from the ways out")
    func backupFromBeforeTheHandRunStaysListed() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/db.sqlite"
            try makeAutheliaDatabase(db, version: 1)
            let before = try migsh(["--yes", "-m", autheliaMigrations, db, ".backup"])
            #expect(before.status == 0, "\(before)")
            let snapshots = dir + "/snapshots"
            let taken = Set(try FileManager.default.contentsOfDirectory(atPath: snapshots).filter { $0.hasSuffix(".sqlite") })
            Thread.sleep(forTimeInterval: 1.1)
            try runByHand(db, version: 2, "1,2,3", migrations: autheliaMigrations)
            // what a failed `.apply --resume` leaves: a verified backup of the half-run state, at version 1
            let after = try migsh(["--yes", "-m", autheliaMigrations, db, ".backup"])
            #expect(after.status == 0, "\(after)")
            let v = try verdict(db, migrations: autheliaMigrations)
            let restores = (v["way_out"] as? [[String: Any]] ?? []).compactMap { ($0["commands"] as? [String])?.first }.filter { $0.hasPrefix(".restore") }
            #expect(restores.contains { r in taken.contains { r.hasSuffix($0) } }, "the backup from before the hand run is not offered: \(restores)")
        }
    }
}
