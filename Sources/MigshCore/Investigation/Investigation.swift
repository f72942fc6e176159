import FoundationEssentials
import Glibc
import MigshBase

/// Judges the state of a live database and the safe ways out of it (`.diff`, `.apply --resume`,
/// `.baseline`, the start-up check).
///
/// The explanation chosen is the one that agrees with every piece of evidence: the schema,
/// `Schema_Version`, and migsh's own record (a migration migsh applied in one transaction is
/// never "partially applied": a difference there is hand-made drift). Statements whose
/// effect the schema cannot show are judged by `DataProbe` on a private copy, or named as
/// unverifiable. A way out that would record as applied a statement that cannot be shown to
/// have run is never recommended.
public struct Investigation {
    public let db: Connection
    public let folder: MigrationFolder
    public let expected: ExpectedSchemas
    /// Backups a restore option may name: this database's, oldest first.
    public let backups: [BackupStore.Backup]

    public init(db: Connection, folder: MigrationFolder, expected: ExpectedSchemas, backups: [BackupStore.Backup]) {
        self.db = db
        self.folder = folder
        self.expected = expected
        self.backups = backups
    }

    /// The verdict. A damaged database is a verdict (`.damaged`), not an error; a busy one is
    /// an error.
    public func verdict() throws -> Verdict { try judge().verdict }

    /// The verdict and the live schema it was judged on (nil when the database is damaged),
    /// for a command that shows both without reading the schema twice.
    public func judge() throws -> (verdict: Verdict, live: SchemaSnapshot?) {
        let judge = Judge(self)
        do {
            var verdict = try judge.run()
            judge.noteEditedFiles(&verdict)
            judge.noteFailingResume(&verdict)
            // A probe that Ctrl-C stopped reads as "unknown": no verdict from it.
            try CancellationToken.interrupt.check()
            return (verdict, judge.live)
        } catch let error as MigshError where error.code == .damaged || error.code == .notADatabase {
            return (Judge.damaged(error, recorded: (try? SchemaVersionTable.recordedVersion(db)) ?? 0, restore: restoreOptions(preferring: nil)), nil)
        }
    }

    /// Restore options: the newest verified backup of this database at `preferring` (the
    /// version before the trouble), and the newest one overall. Each loses what was written
    /// since it was taken.
    ///
    /// A backup's `schemaVersion` is its Schema_Version row, which a half-run migration does not
    /// move: the backup `.apply --resume` takes of a partial state says the same version as the
    /// one taken before the hand run. The preferred backup is the newest whose schema *is* that
    /// version's, so a failed resume's own backup never displaces the one from before the
    /// trouble (it stays listed as the newest).
    func restoreOptions(preferring version: Int?) -> [WayOut] {
        let usable = backups.filter { $0.reason != .preRestore }
        var chosen: [BackupStore.Backup] = []
        if let version, let b = usable.last(where: { $0.schemaVersion == version && holds(version, $0) }) { chosen.append(b) }
        if let newest = usable.last, !chosen.contains(newest) { chosen.append(newest) }
        return chosen.map { b in
            WayOut(action: .restore(b),
                   effect: "restores the verified backup taken \(b.created) (schema version \(b.schemaVersion.map(String.init) ?? "?")), after backing up the current state",
                   safety: .conditional(assumes: [], loses: ["every change made to the database since \(b.created)"]))
        }
    }

    /// True when the backup's schema is exactly version `v`'s (or when it cannot be read: it is
    /// then judged by its Schema_Version row alone, as before).
    private func holds(_ v: Int, _ b: BackupStore.Backup) -> Bool {
        guard v >= 0, v < expected.versions.count,
              let conn = try? Connection(path: b.path, mode: .readOnly),
              let schema = try? SchemaSnapshot.read(conn, reusing: expected.versions[v]) else { return true }
        return schema == expected.versions[v]
    }
}

/// One judgement: the evidence read once, the probe copy made only if a data statement needs it.
final class Judge {
    let inv: Investigation
    var expected: ExpectedSchemas { inv.expected }
    var record = SchemaVersionTable.Record(exists: false, versions: [], problems: [], otherTables: 0)
    var applied: [Int: SchemaVersionTable.AppliedFile] = [:]
    var live = SchemaSnapshot()
    private var probe: DataProbe?

    init(_ inv: Investigation) { self.inv = inv }

    var recordedVersion: Int { record.maxVersion }
    /// migsh ran (or finished, statement by statement, on the evidence) the whole migration.
    func atomic(_ v: Int) -> Bool { applied[v]?.mode == .applied || applied[v]?.mode == .resumed }
    func fileName(_ v: Int) -> String { expected.replays[v]?.migration.fileName ?? inv.folder.migrations[v]?.fileName ?? zeroPadded(v) }

    func readState() throws {
        record = try SchemaVersionTable.read(inv.db)
        applied = try SchemaVersionTable.appliedFiles(inv.db)
        // An object whose CREATE text is the expected one at the recorded version is taken
        // from that snapshot (same text, same SQLite: same meaning) instead of being read and
        // normalized again: on a long history most of the live schema is.
        let recordedVersion = record.maxVersion
        live = try SchemaSnapshot.read(inv.db, reusing: recordedVersion >= 0 && recordedVersion < expected.versions.count ? expected.versions[recordedVersion] : nil)
    }

    func run() throws -> Verdict {
        try readState()
        let versions = expected.versions

        if !record.exists && record.otherTables > 0 { return versionTableMissing() }
        // A version above every migration here is a newer database's, whatever lies between
        // (gaps included): judged as beyond the migrations, not as untrustworthy rows.
        let beyond = recordedVersion > inv.folder.highestVersion
        let invalid = record.problems.filter {
            switch $0 {
            case .missing: return false
            case .gap: return !beyond
            default: return true
            }
        }
        if !invalid.isEmpty {
            try SchemaVersionTable.requireUndamaged(inv.db)
            return versionRowsInvalid(invalid)
        }
        guard recordedVersion < versions.count else { return beyondTheMigrations() }

        let exact = versions.indices.filter { versions[$0] == live }
        if exact.contains(recordedVersion) { return consistent(alsoEqual: exact.filter { $0 != recordedVersion }) }
        if let v = exact.filter({ $0 > recordedVersion }).max() { return versionRowsMissing(v) }
        if let v = exact.filter({ $0 < recordedVersion }).max(), !((v + 1)...recordedVersion).contains(where: atomic) { return versionRowsWithoutChanges(v) }

        if !atomic(recordedVersion + 1), let through = partialPrefix(of: recordedVersion + 1) { return partial(recordedVersion + 1, through: through) }
        let repair = SchemaRepair(live: live, expected: versions[recordedVersion])
        if repair.isComplete && !repair.isEmpty { return drift(repair) }
        if recordedVersion >= 1, !atomic(recordedVersion), let through = partialPrefix(of: recordedVersion) { return partial(recordedVersion, through: through) }
        return unknown()
    }

    /// An applied file edited since (its sha256 is not the one recorded when it was applied):
    /// the expected schemas come from the file as it is now, which may not be what ran. The
    /// verdict says so first, and every way out assumes the edited file describes what ran.
    func noteEditedFiles(_ verdict: inout Verdict) {
        let edited = applied.values.sorted { $0.version < $1.version }.compactMap { a -> String? in
            guard let now = inv.folder.migrations[a.version], now.sha256 != a.sha256 else { return nil }
            return "\(now.fileName) (sha256 \(a.sha256.prefix(12))… when applied, \(now.sha256.prefix(12))… now)"
        }
        guard !edited.isEmpty else { return }
        verdict.editedFiles = edited
        verdict.message = "applied migration file\(edited.count == 1 ? "" : "s") EDITED since migsh applied \(edited.count == 1 ? "it" : "them"): "
            + edited.joined(separator: ", ") + "; " + verdict.message
        let assumption = "the edited file\(edited.count == 1 ? "" : "s") describe\(edited.count == 1 ? "s" : "") what was applied"
        for i in verdict.wayOut.indices {
            if case .restore = verdict.wayOut[i].action { continue }
            verdict.wayOut[i].assume(assumption)
        }
        if !verdict.wayOut.isEmpty && verdict.wayOut.first?.safety != .safe {
            verdict.noSafeOption = verdict.noSafeOption ?? "an applied migration file was edited after it was applied, so what ran cannot be read from it: put the file back as it was applied (its sha256 is recorded) and run .diff again"
        }
    }

    /// A resume whose CREATE UNIQUE INDEX the rows as they are now break (the application
    /// wrote duplicates while the migration was half done) would fail: tried on the probe's
    /// copy (which holds what the resume's data statements give), it is named, and the resume
    /// assumes those rows are changed first.
    func noteFailingResume(_ verdict: inout Verdict) {
        guard let i = verdict.wayOut.firstIndex(where: { $0.action == .resume }) else { return }
        var failing: [String] = []
        for e in verdict.evidence {
            guard let replay = expected.replays[e.version] else { continue }
            for s in e.toRun where s.state == .notApplied {
                guard let step = replay.steps.first(where: { $0.statement == s.statement }),
                      SQLScript.leadingWords(step.sql, count: 3) == ["CREATE", "UNIQUE", "INDEX"] else { continue }
                if probe == nil { probe = try? DataProbe(live: inv.db) }
                guard let copy = probe?.copy else { return }
                try? copy.execute("SAVEPOINT migsh_unique_check")
                do { try copy.execute(step.sql) } catch let error as MigshError where error.message.hasPrefix("UNIQUE constraint failed") {
                    failing.append("\(Self.name(e, s)) fails on the rows as they are now (\(error.message))")
                } catch {}
                try? copy.execute("ROLLBACK TO migsh_unique_check")
                try? copy.execute("RELEASE migsh_unique_check")
            }
        }
        guard !failing.isEmpty else { return }
        verdict.wayOut[i].assume("the rows that break it are changed first: " + failing.joined(separator: "; "))
        if verdict.wayOut.first?.safety != .safe {
            verdict.noSafeOption = verdict.noSafeOption ?? failing.joined(separator: "; ") + ": rows written since break it; change those rows first, then .apply --resume"
        }
    }

    // MARK: States

    func base(_ state: Verdict.State, _ message: String) -> Verdict {
        Verdict(state: state, recordedVersion: recordedVersion, matchesVersion: nil, partial: nil, nearestVersion: nil, nearestDifferences: nil,
                versionProblems: record.problems, evidence: [], message: message, wayOut: [], noSafeOption: nil, resume: nil, repair: nil)
    }

    func consistent(alsoEqual others: [Int]) -> Verdict {
        var v = base(.consistent, "the live schema matches version \(recordedVersion) exactly; Schema_Version says \(recordedVersion)"
            + (others.isEmpty ? "" : " (also equal to version \(others.map(String.init).joined(separator: ", ")): those migrations change no schema)"))
        v.matchesVersion = recordedVersion
        // The schema cannot show the data statements after the last schema change: for the
        // newest migrations not run by migsh, only their version rows say they ran. The data
        // is asked too.
        let scope = unconfirmedDataTail()
        guard !scope.isEmpty else { return v }
        let evidence = evidence(scope.map { ($0, Int.max) })
        let unknown = evidence.flatMap { e in e.unknown.map { (e, $0) } }
        let absent = evidence.flatMap { e in e.statements.filter { $0.state == .absent }.map { (e, $0) } }
        if !absent.isEmpty && unknown.isEmpty {
            v.state = .versionRowsWithoutChanges
            v.message += "; but " + (overwriting(evidence).isEmpty
                ? Self.describe(absent, "has not run", "have not run") + ": its version row was written without it"
                : Self.list(absent) + ": " + absent.map(\.1.reason).joined(separator: "; "))
            v.evidence = evidence
            v.resume = resumePlan(evidence, end: recordedVersion)
            v.wayOut = [resumeOption(evidence)] + inv.restoreOptions(preferring: scope.first! - 1)
            // Its version row says it ran, yet running it now changes rows: either the row
            // was written without it, or it ran and those rows were written since.
            let risky = overwriting(evidence)
            if !risky.isEmpty { v.noSafeOption = Self.overwriteReason(risky) }
        } else if !unknown.isEmpty {
            v.message += "; whether \(Self.list(unknown)) ran cannot be told from the data (the version row is the only evidence)"
            v.evidence = evidence
        }
        return v
    }

    /// The newest migrations whose last statements change no schema and that migsh did not
    /// run: migration recordedVersion if it has data statements after its last schema change, and below it
    /// while the migration above changes no schema at all.
    func unconfirmedDataTail() -> [Int] {
        var scope: [Int] = []
        var m = recordedVersion
        while m >= 1, !atomic(m), let replay = expected.replays[m] {
            let lastSchema = replay.steps.last(where: \.changesSchema)?.statement ?? 0
            if replay.steps.contains(where: { $0.isData && $0.statement > lastSchema }) { scope.insert(m, at: 0) }
            guard lastSchema == 0 else { break }  // a migration that changed the schema ends the tail
            m -= 1
        }
        return scope
    }

    func versionRowsMissing(_ v: Int) -> Verdict {
        let missing = (recordedVersion + 1)...v
        var verdict = base(.versionRowsMissing, "the live schema matches version \(v), but Schema_Version says \(recordedVersion): the version row\(missing.count == 1 ? "" : "s") for \(Self.range(missing)) \(missing.count == 1 ? "is" : "are") missing (migration\(missing.count == 1 ? "" : "s") run by hand?)")
        verdict.matchesVersion = v
        verdict.evidence = evidence(missing.map { ($0, Int.max) })
        let unknown = verdict.evidence.flatMap { e in e.unknown.map { (e, $0) } }
        let absent = verdict.evidence.flatMap { e in e.statements.filter { $0.state == .absent }.map { (e, $0) } }
        if unknown.isEmpty && absent.isEmpty {
            verdict.message += "; every statement of \(missing.count == 1 ? "it" : "them") ran (the data shows it)"
            verdict.wayOut = [WayOut(action: .baseline(version: v, force: false),
                                     effect: "records \(Self.range(missing)) as applied with each file's own Schema_Version insert, running nothing else",
                                     safety: .safe)]
        } else if unknown.isEmpty {
            let risky = overwriting(verdict.evidence)
            verdict.message += "; " + (risky.isEmpty ? Self.describe(absent, "has not run", "have not run")
                : Self.list(absent) + ": " + absent.map(\.1.reason).joined(separator: "; "))
            verdict.resume = resumePlan(verdict.evidence, end: v)
            verdict.wayOut = [resumeOption(verdict.evidence)]
            if !risky.isEmpty {
                verdict.noSafeOption = Self.overwriteReason(risky)
                verdict.wayOut.append(WayOut(action: .baseline(version: v, force: true),
                                             effect: "records \(Self.range(missing)) as applied without running anything, keeping every row as it is now",
                                             safety: .conditional(assumes: risky.map { "\(Self.name($0.0, $0.1)) ran, and the rows it would change now were edited since" }, loses: [])))
            }
        } else {
            verdict.noSafeOption = "whether \(Self.list(unknown)) ran cannot be told from the schema or the data, so no way out can record \(missing.count == 1 ? "it" : "them") as applied without assuming it"
            if absent.isEmpty {
                verdict.wayOut.append(WayOut(action: .baseline(version: v, force: true),
                                             effect: "records \(Self.range(missing)) as applied without running anything",
                                             safety: .conditional(assumes: unknown.map { "\(Self.name($0.0, $0.1)) ran" }, loses: [])))
            }
        }
        verdict.wayOut += inv.restoreOptions(preferring: recordedVersion)
        return verdict
    }

    func versionRowsWithoutChanges(_ v: Int) -> Verdict {
        let rows = (v + 1)...recordedVersion
        var verdict = base(.versionRowsWithoutChanges, "the live schema matches version \(v), but Schema_Version says \(recordedVersion): version row\(rows.count == 1 ? "" : "s") \(Self.range(rows)) \(rows.count == 1 ? "was" : "were") inserted without \(rows.count == 1 ? "its migration's" : "their migrations'") changes")
        verdict.matchesVersion = v
        verdict.evidence = evidence(rows.map { ($0, 0) })
        finishResumable(&verdict, end: recordedVersion, preferRestore: v)
        return verdict
    }

    func partial(_ version: Int, through appliedThrough: Int) -> Verdict {
        let replay = expected.replays[version]!
        let total = replay.steps.count
        let line = replay.steps.first { $0.statement == appliedThrough }?.line ?? 0
        var text = "matches \(replay.migration.fileName) through statement \(appliedThrough) of \(total) (line \(line)); "
        let first = appliedThrough + 1
        text += first == total ? "statement \(first) not applied" : "statements \(first)–\(total) not applied"
        text += "; Schema_Version says \(recordedVersion)"
        var verdict = base(.partial, text)
        verdict.partial = Verdict.Partial(version: version, file: replay.migration.fileName, statementsApplied: appliedThrough, statementsTotal: total,
                                          line: line, unverifiable: replay.steps.filter(\.isData).map(\.statement))
        verdict.evidence = evidence([(version, appliedThrough)])
        finishResumable(&verdict, end: version, preferRestore: version - 1)
        return verdict
    }

    /// Resume when every statement is settled; otherwise say why not and offer restores.
    func finishResumable(_ verdict: inout Verdict, end: Int, preferRestore: Int) {
        let unknown = verdict.evidence.flatMap { e in e.unknown.map { (e, $0) } }
        if unknown.isEmpty {
            verdict.resume = resumePlan(verdict.evidence, end: end)
            verdict.wayOut = [resumeOption(verdict.evidence)]
            let risky = overwriting(verdict.evidence)
            if !risky.isEmpty {
                verdict.noSafeOption = Self.overwriteReason(risky)
            }
        } else {
            verdict.noSafeOption = "whether \(Self.list(unknown)) ran cannot be told from the schema or the data: resuming could run \(unknown.count == 1 ? "it" : "them") twice or skip \(unknown.count == 1 ? "it" : "them")"
        }
        verdict.wayOut += inv.restoreOptions(preferring: preferRestore)
    }

    func drift(_ repair: SchemaRepair) -> Verdict {
        let names = repair.steps.map { "\($0.kind) \($0.name) (\($0.action == .create ? "missing" : $0.action == .drop ? "extra" : "changed"))" }
        let byMigsh = (1...max(1, recordedVersion)).allSatisfy(atomic) && recordedVersion >= 1
        var verdict = base(.drift, "the live schema is version \(recordedVersion)'s with hand-made changes to objects that hold no data: "
            + Self.unique(names).joined(separator: ", ")
            + (byMigsh ? " (migsh applied every migration in one transaction, so these are changes made since)" : ""))
        verdict.nearestVersion = recordedVersion
        verdict.nearestDifferences = SchemaDiff(live: live, expected: expected.versions[recordedVersion]).changes.count
        verdict.repair = repair
        // The application kept writing since they were dropped: a UNIQUE index may no longer
        // fit the rows. The repair is tried on a private copy of the data as it is now.
        let failure = repairFailure(repair)
        if let failure {
            verdict.noSafeOption = "recreating them fails on the data as it is now (\(failure)): rows written since break them; change those rows first, then .repair"
        }
        verdict.wayOut = [WayOut(action: .repair,
                                 effect: "recreates them from version \(recordedVersion)'s schema (\(repair.statements.count) statement\(repair.statements.count == 1 ? "" : "s"), in one transaction after a verified backup; the SQL dropped is kept in the audit log)",
                                 safety: failure.map { .conditional(assumes: ["the rows that make it fail now (\($0)) are changed first"], loses: []) } ?? .safe)]
        verdict.wayOut += inv.restoreOptions(preferring: recordedVersion)
        return verdict
    }

    /// The first error the repair's SQL gives on a private copy of the database as it is now,
    /// or nil when it runs.
    func repairFailure(_ repair: SchemaRepair) -> String? {
        if probe == nil {
            do { probe = try DataProbe(live: inv.db) } catch { return "the data could not be copied to check it: \(error)" }
        }
        guard let copy = probe?.copy else { return nil }
        try? copy.execute("SAVEPOINT migsh_repair_check")
        defer {
            try? copy.execute("ROLLBACK TO migsh_repair_check")
            try? copy.execute("RELEASE migsh_repair_check")
        }
        for sql in repair.statements {
            do { try copy.execute(sql) } catch { return (error as? MigshError)?.message ?? "\(error)" }
        }
        return nil
    }

    func unknown() -> Verdict {
        var best = 0, bestCount = Int.max
        for (v, schema) in expected.versions.enumerated() {
            let n = SchemaDiff(live: live, expected: schema).changes.count
            if n < bestCount || (n == bestCount && v == recordedVersion) { best = v; bestCount = n }
        }
        var verdict = base(.unknown, "the live schema matches no version and no partially applied migration; nearest is version \(best) (\(bestCount) object\(bestCount == 1 ? "" : "s") differ\(bestCount == 1 ? "s" : "")); Schema_Version says \(recordedVersion)")
        verdict.nearestVersion = best
        verdict.nearestDifferences = bestCount
        let tables = SchemaDiff(live: live, expected: expected.versions[recordedVersion]).changes.filter { $0.kind == .table }.map(\.name)
        verdict.noSafeOption = tables.isEmpty
            ? "the schema differs from every version in ways migsh cannot name as one migration's"
            : "the differences from version \(recordedVersion) hold data (table\(tables.count == 1 ? "" : "s") \(tables.joined(separator: ", "))), so no change to the schema can be made without assuming what they mean"
        verdict.wayOut = inv.restoreOptions(preferring: recordedVersion)
        return verdict
    }

    func versionTableMissing() -> Verdict {
        // The schema with the Schema_Version table each version expects put back.
        var found: Int?
        for v in stride(from: expected.versions.count - 1, through: 1, by: -1) {
            var candidate = live
            if let table = expected.versions[v].tables["schema_version"] { candidate.tables["schema_version"] = table }
            if candidate == expected.versions[v] { found = v; break }
        }
        guard let v = found else {
            var verdict = unknown()
            verdict.state = .versionTableMissing
            verdict.message = "Schema_Version is missing, and the rest of the schema matches no version; " + verdict.message
            return verdict
        }
        var verdict = base(.versionTableMissing, "Schema_Version is missing; the rest of the schema matches version \(v)")
        verdict.matchesVersion = v
        verdict.evidence = evidence((1...v).map { ($0, Int.max) })
        let unknown = verdict.evidence.flatMap { e in e.unknown.map { (e, $0) } }
        let absent = verdict.evidence.flatMap { e in e.statements.filter { $0.state == .absent }.map { (e, $0) } }
        if unknown.isEmpty && absent.isEmpty {
            verdict.message += (applied.isEmpty ? "; every statement ran (the data shows it)" : "; migsh's own record and the data show every statement ran")
            verdict.wayOut = [WayOut(action: .baseline(version: v, force: false),
                                     effect: "creates Schema_Version and records 1–\(v) with each file's own insert, running nothing else",
                                     safety: .safe)]
        } else {
            let parts = (unknown.isEmpty ? [] : ["whether \(Self.list(unknown)) ran cannot be told"])
                + (absent.isEmpty ? [] : [Self.describe(absent, "has not run", "have not run")])
            verdict.noSafeOption = parts.joined(separator: "; ") + ", so recording 1–\(v) as applied would not be right without assuming it"
            verdict.wayOut = [WayOut(action: .baseline(version: v, force: true),
                                     effect: "creates Schema_Version and records 1–\(v) as applied without running anything",
                                     safety: .conditional(assumes: unknown.map { "\(Self.name($0.0, $0.1)) ran" },
                                                          loses: absent.map { "the effect of \(Self.name($0.0, $0.1)), which has not run" }))]
        }
        verdict.wayOut += inv.restoreOptions(preferring: nil)
        return verdict
    }

    func versionRowsInvalid(_ problems: [SchemaVersionTable.Problem]) -> Verdict {
        var verdict = base(.versionRowsInvalid, problems.map(\.description).joined(separator: "; "))
        verdict.versionProblems = problems
        if let v = expected.versions.indices.last(where: { expected.versions[$0] == live }) {
            verdict.matchesVersion = v
            verdict.message += "; the live schema matches version \(v)"
        }
        verdict.noSafeOption = "Schema_Version's rows cannot be trusted, so no version can be planned from them; migsh does not rewrite them by guesswork"
        verdict.wayOut = inv.restoreOptions(preferring: nil)
        return verdict
    }

    func beyondTheMigrations() -> Verdict {
        var verdict = base(.unknown, "Schema_Version says \(recordedVersion), but the migrations here produce versions 0 to \(expected.highestVersion)"
                           + (expected.replayError.map { " (\($0))" } ?? ""))
        verdict.noSafeOption = "the migrations here do not describe version \(recordedVersion)"
        return verdict
    }

    static func damaged(_ error: MigshError, recorded: Int, restore: [WayOut]) -> Verdict {
        Verdict(state: .damaged, recordedVersion: recorded, matchesVersion: nil, partial: nil, nearestVersion: nil, nearestDifferences: nil,
                versionProblems: [], evidence: [],
                message: error.message.hasPrefix("the database is damaged") ? error.message : "the database is damaged: \(error.message)", wayOut: restore,
                noSafeOption: "the damaged pages cannot be trusted; only a backup taken before the damage is sound", resume: nil, repair: nil)
    }

    // MARK: Evidence

    /// The last schema-changing statement `p` of migration `k` whose prefix schema is the live
    /// schema (not its last: that would be the next version, an exact match).
    func partialPrefix(of version: Int) -> Int? {
        guard let replay = expected.replays[version], version <= expected.highestVersion, expected.versions[version] != live else { return nil }
        // The prefixes are built only now, for the one migration asked about.
        let prefixes = expected.prefixes(of: version)
        return replay.steps.filter { $0.changesSchema && prefixes[$0.statement] == live }
            .map(\.statement).max()
    }

    /// For each migration in scope, in order: schema statements through `appliedThrough` ran;
    /// the version row is judged by Schema_Version; data statements are probed, unless a
    /// statement before them has not run (then they have not either).
    func evidence(_ scope: [(version: Int, appliedThrough: Int)]) -> [MigrationEvidence] {
        var blockedBy: String?
        var out: [MigrationEvidence] = []
        for (m, p) in scope {
            if CancellationToken.interrupt.shouldStop { break }  // judge() throws
            guard let replay = expected.replays[m] else { continue }
            var statements: [StatementEvidence] = []
            for step in replay.steps {
                var e = StatementEvidence(statement: step.statement, line: step.line, kind: .data, state: .unknown,
                                          summary: StatementEvidence.summarize(step.sql), reason: "")
                if step.insertsVersionRow {
                    e.kind = .versionRow
                    let present = record.contains(m)
                    e.state = present ? .applied : .notApplied
                    e.reason = present ? "Schema_Version has the row for \(m)" : "Schema_Version has no row for \(m)"
                } else if step.changesSchema {
                    e.kind = .schema
                    if step.statement <= p {
                        e.state = .applied
                        e.reason = "the schema shows it"
                    } else {
                        e.state = .notApplied
                        e.reason = "the schema does not show it"
                        if blockedBy == nil { blockedBy = "statement \(step.statement) of \(replay.migration.fileName)" }
                    }
                } else if step.isSchemaNoOp {
                    // In a clean run it changes nothing here. Through the prefix the schema
                    // shows, it is part of what ran; after it, the live schema is the one it
                    // meets in a clean run until the next schema change, so it changes nothing.
                    e.kind = .schema
                    if step.statement <= p {
                        e.state = .applied
                        e.reason = "the schema shows it (in a clean run it changes nothing at this point)"
                    } else if let blocker = blockedBy {
                        e.state = .notApplied
                        e.reason = "it comes after \(blocker), which has not run"
                    } else {
                        e.state = .present
                        e.reason = "in a clean run it changes nothing at this point, and the schema is that point's: running it now changes nothing"
                    }
                } else if atomic(m) {
                    e.state = .present
                    e.reason = "migsh applied this migration in one transaction"
                } else if let blocker = blockedBy {
                    e.state = .notApplied
                    e.reason = "it comes after \(blocker), which has not run"
                    // A copy into a table this migration created (and that ran) must meet that
                    // table empty, as in a clean run: rows there now are someone else's, and
                    // copying around them would give other keys than a clean run.
                    if let x = Self.copyTarget(step), let s = Self.creatingStatement(of: x, before: step.statement, in: replay, expected: expected),
                       s <= p, let rows = try? inv.db.scalarInt("SELECT count(*) FROM main.\(quoteIdentifier(x))"), rows > 0 {
                        e.state = .unknown
                        e.reason = "it has not run, but \(x), which statement \(s) created and only this statement fills, already holds \(rows) row\(rows == 1 ? "" : "s") (written since?): running it now would copy around them"
                    }
                } else {
                    let outcome = judgeData(step, in: replay, appliedThrough: p)
                    e.state = outcome.state
                    e.reason = outcome.reason
                    e.rows = outcome.rows
                    e.refills = outcome.refills
                }
                statements.append(e)
            }
            out.append(MigrationEvidence(version: m, file: replay.migration.fileName, statements: statements, recordedBy: applied[m]?.mode))
        }
        return out
    }

    func judgeData(_ step: ExpectedSchemas.Step, in replay: ExpectedSchemas.MigrationReplay, appliedThrough lastRun: Int) -> DataProbe.Outcome {
        if probe == nil {
            do { probe = try DataProbe(live: inv.db) } catch {
                return DataProbe.Outcome(state: .unknown, reason: "the data could not be copied to check it (\(error))")
            }
        }
        let version = replay.migration.version
        let before = expected.versions[version - 1]
        // The copy step of a rebuild: it fills a table this migration creates, alone — under
        // a new name, or under the name of a table it renamed away (authelia's `_bkp_` style:
        // rename T to _bkp_T, create T, copy from _bkp_T), which the prefix schemas show.
        var created: DataProbe.CopyTarget?
        let targets = step.inserts.subtracting(["sqlite_sequence"])
        if targets.count == 1, let table = targets.first {
            var recreated = false
            var fresh = before.tables[table] == nil && replay.steps.filter({ $0.inserts.contains(table) }).count == 1
            if !fresh, let creating = Self.creatingStatement(of: table, before: step.statement, in: replay, expected: expected),
               replay.steps.filter({ $0.statement > creating && $0.inserts.contains(table) }).count == 1 {
                fresh = true
                recreated = before.tables[table] != nil
            }
            if fresh {
                var name = table
                for later in replay.steps where later.statement > step.statement && later.statement <= lastRun && later.changesSchema {
                    if let (from, to) = Self.tableRename(later.sql), from == name { name = to }
                }
                let copyStatement = step.statement
                created = DataProbe.CopyTarget(name: table, liveName: name, recreated: recreated,
                                               sourceGone: Self.goneSource(of: step, besides: table, in: replay, through: lastRun, expected: expected),
                                               original: { [self] select in copyFromBackup(version: version, through: copyStatement, select: select) })
            }
        }
        // A table this statement names that a later statement (among those that ran) renamed
        // away: the statement ran on the renamed table, not on one created since under its
        // name. The probe runs it against the table as it was at this statement.
        var renamedAway: [(atStatement: String, live: String)] = []
        if created == nil {
            let words = Set(SQLNormalizer.tokens(step.sql))
            var chains: [String: String] = [:]   // name at this statement -> name now
            for later in replay.steps where later.statement > step.statement && later.statement <= lastRun && later.changesSchema {
                guard let (from, to) = Self.tableRename(later.sql) else { continue }
                if let origin = chains.first(where: { $0.value == from })?.key { chains[origin] = to }
                else { chains[from] = to }
            }
            renamedAway = chains.filter { words.contains($0.key) }.sorted { $0.key < $1.key }.map { ($0.key, $0.value) }
        }
        // A copy whose own table a later statement that ran dropped (authelia 016: into _bkp_,
        // back from _bkp_, drop _bkp_): nothing of it remains but what later copies took from
        // it, and those are judged themselves.
        if let target = created, let gone = Self.goneSource(of: step, besides: "", in: replay, through: lastRun, expected: expected, only: target.liveName) {
            return DataProbe.Outcome(state: .present, reason: "the table it fills is gone (\(gone), which ran): what it copied remains only in what later statements copied from it, which are judged on their own")
        }
        let atStatement = expected.schema(version: version, afterStatements: step.statement - 1) ?? before
        return probe!.judge(sql: step.sql, createdTable: created, renamedAway: renamedAway, before: before) { writes in
            live.triggers.values.filter { writes.contains($0.table.lowercased()) && atStatement.triggers[$0.name.lowercased()] == nil }
                .map(\.name).sorted()
        }
    }

    /// What statement `statement` of migration `version` (a rebuild's copy) made when it ran,
    /// as far as migsh's verified backup from before that migration shows it: the newest
    /// backup of this database at an earlier version, on a private copy, brought through the
    /// migrations after its version and this one's statements through the copy; then `select`
    /// read there. Nil when there is no such backup, or any of it fails. It holds the source
    /// as it was when the backup was taken: a row that equals what it gives was copied, not
    /// written by hand since.
    /// A backup the statements cannot run on (one taken of the half-run state itself, whose
    /// Schema_Version row says the same version) is passed over for an older one.
    func copyFromBackup(version: Int, through statement: Int, select: String) -> (rows: [[String]], from: String)? {
        let candidates = inv.backups.filter { b in
            b.reason != .preRestore && !b.damaged && (b.schemaVersion.map { $0 >= 0 && $0 < version } ?? false)
        }
        for backup in candidates.reversed().prefix(3) {
            guard let start = backup.schemaVersion,
                  let conn = try? Connection(path: backup.path, mode: .readOnly),
                  let replica = try? DataProbe(live: conn) else { continue }
            do {
                for m in (start + 1)...version {
                    guard let replay = expected.replays[m] else { return nil }
                    for step in replay.steps where m < version || step.statement <= statement {
                        try replica.copy.limitingSteps { try replica.copy.execute(step.sql) }
                    }
                }
                let rows = try replica.copy.prepare(select)
                var out: [[String]] = []
                while try rows.step() { out.append((0..<rows.columnCount).map { rows.text($0) }) }
                return (out, "the verified backup taken \(backup.created) (schema version \(start))")
            } catch {
                continue
            }
        }
        return nil
    }

    /// A table `step` names (other than `target`) that existed when it ran and that a later
    /// statement among those that ran (through `lastRun`) dropped or renamed away: the copy's source
    /// as it was is gone, and a table under that name now is another one. "x, dropped by
    /// statement n", or nil.
    static func goneSource(of step: ExpectedSchemas.Step, besides target: String, in replay: ExpectedSchemas.MigrationReplay,
                           through lastRun: Int, expected: ExpectedSchemas, only: String? = nil) -> String? {
        let version = replay.migration.version
        guard let at = expected.schema(version: version, afterStatements: step.statement - 1) else { return nil }
        let names = (only.map { Set([$0.lowercased()]) } ?? Set(SQLNormalizer.tokens(step.sql)).subtracting([target])).filter { at.tables[$0] != nil }
        guard !names.isEmpty else { return nil }
        var previous = at
        lazy var prefixes = expected.prefixes(of: version)
        for later in replay.steps where later.statement > step.statement && later.statement <= lastRun && later.changesSchema {
            guard let after = prefixes[later.statement] else { continue }
            if let table = names.sorted().first(where: { previous.tables[$0] != nil && after.tables[$0] == nil }) {
                return "\(previous.tables[table]?.name ?? table), \(tableRename(later.sql) == nil ? "dropped" : "renamed away") by statement \(later.statement)"
            }
            previous = after
        }
        return nil
    }

    /// The one table `step` inserts into (sqlite_sequence aside), or nil.
    static func copyTarget(_ step: ExpectedSchemas.Step) -> String? {
        let targets = step.inserts.subtracting(["sqlite_sequence"])
        return targets.count == 1 ? targets.first : nil
    }

    /// The schema-changing statement of `replay`, before statement `statement`, that last created
    /// `table` (absent from the schema before it, present after), or nil.
    static func creatingStatement(of table: String, before statement: Int, in replay: ExpectedSchemas.MigrationReplay, expected: ExpectedSchemas) -> Int? {
        let version = replay.migration.version
        var last: Int?
        var previous = expected.versions[version - 1]
        lazy var prefixes = expected.prefixes(of: version)
        for step in replay.steps where step.statement < statement && step.changesSchema {
            guard let after = prefixes[step.statement] else { continue }
            if previous.tables[table] == nil && after.tables[table] != nil { last = step.statement }
            previous = after
        }
        return last
    }

    /// `ALTER TABLE x RENAME TO y` → (x, y), lower-cased.
    static func tableRename(_ sql: String) -> (String, String)? {
        let tokens = SQLNormalizer.tokens(sql)
        guard tokens.count >= 6, tokens[0] == "alter", tokens[1] == "table" else { return nil }
        var nameIndex = 2
        if tokens.count > 4, tokens[3] == "." { nameIndex = 4 }
        guard nameIndex + 3 < tokens.count, tokens[nameIndex + 1] == "rename", tokens[nameIndex + 2] == "to" else { return nil }
        return (tokens[nameIndex], tokens[nameIndex + 3])
    }

    // MARK: Ways out

    func resumePlan(_ evidence: [MigrationEvidence], end: Int) -> ResumePlan {
        let steps = evidence.map { e in
            ResumePlan.Step(version: e.version, statements: Set(e.toRun.map(\.statement)), skipped: e.statements.filter(\.isDone).map(\.statement),
                            refills: Dictionary(uniqueKeysWithValues: e.statements.compactMap { s in s.refills.map { (s.statement, $0) } }))
        }
        return ResumePlan(steps: steps, endVersion: end, expectedSchema: expected.versions[end])
    }

    /// The resume: safe when every statement it reruns changes only rows nobody could have
    /// edited since (its own tables, the defaults of its own columns); otherwise it names the
    /// rows whose current values it overwrites.
    func resumeOption(_ evidence: [MigrationEvidence]) -> WayOut {
        let parts = evidence.compactMap { e -> String? in
            let run = e.toRun.map(\.statement)
            guard !run.isEmpty else { return nil }
            return "statement\(run.count == 1 ? "" : "s") \(Self.numbers(run)) of \(e.file)"
        }
        let refills = evidence.flatMap { e in e.statements.compactMap { s in s.refills.map { "\($0) (statement \(s.statement) of \(e.file))" } } }
        let loses = overwriting(evidence).flatMap { e, s in
                (s.rows ?? []).filter { !$0.lossless }.map { r in
                    s.state == .stale
                        ? "\(r.description), which emptying \(r.table) for \(Self.name(e, s)) drops or copies again with other values (no backup shows they are what the copy made when it ran: if they were written to \(r.table) by hand, the edits are lost)"
                        : "the current values of \(r.description), which \(Self.name(e, s)) overwrites (if it ran and they were edited since, the edits are lost)"
                }
        }
        return WayOut(action: .resume,
                      effect: "runs \(parts.joined(separator: ", then ")) — the ones that have not run"
                        + (refills.isEmpty ? "" : ", copying again into \(refills.joined(separator: ", ")), emptied first because the copy there is stale")
                        + " — then the pending migrations, in one transaction after a verified backup, and checks the schema is the expected one before committing",
                      safety: loses.isEmpty ? .safe : .conditional(assumes: [], loses: loses))
    }

    /// Statements a resume would rerun although they may have run and had rows edited since.
    func overwriting(_ evidence: [MigrationEvidence]) -> [(MigrationEvidence, StatementEvidence)] {
        evidence.flatMap { e in e.statements.filter { $0.needsRun && $0.overwrites }.map { (e, $0) } }
    }
}

extension Investigation {
    /// The evidence for recording versions after the recorded one up to `version` without
    /// running them (`.baseline`): their schema statements are taken as applied (the caller
    /// checks the schema), their data statements are probed.
    public func evidence(recordingThrough version: Int) throws -> [MigrationEvidence] {
        let judge = Judge(self)
        try judge.readState()
        guard version > judge.recordedVersion else { return [] }
        let evidence = judge.evidence(((judge.recordedVersion + 1)...version).map { ($0, Int.max) })
        // A probe that Ctrl-C stopped reads as "unknown": no evidence from it (as `judge()`).
        try CancellationToken.interrupt.check()
        return evidence
    }
}
