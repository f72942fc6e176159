import CMigshSQLite
import Crypto
import FoundationEssentials
import Glibc
import MigshBase

/// Settles whether a data statement (INSERT, UPDATE, DELETE, a rebuild's copy) ran, where the
/// data can say so surely, by running it on a private in-memory copy of the database — never
/// on the database itself, so investigating changes nothing, even without `--readonly`.
///
/// The copy doubles as a simulation of the resume: a statement found not to have run is kept
/// run on the copy, so the statements after it are judged against the state the resume
/// would produce.
///
/// The rules, each a fact about the data rather than a guess:
/// - running the statement now changes no row → its effect is present (running it again
///   would change nothing, so recording it as applied loses nothing);
/// - running it changes rows and a second run changes nothing more → it has not run (an
///   idempotent statement that had run would leave the data as it is now);
/// - a plain INSERT refused as a duplicate, whose rows `INSERT OR REPLACE` would leave exactly
///   as they are → its rows are there, identical → present;
/// - the copy step of a rebuild fills a table the migration itself creates: that table holding
///   exactly what the copy gives from the data as it is now → its effect is present; empty
///   while the copy would fill it → it has not run; holding other rows while the source is
///   still there → the copy is stale (it ran before the application wrote to the source) and
///   a resume copies again;
/// - anything else (a statement that changes rows on every run, one that cannot run against
///   the live schema) → unknown. migsh never guesses.
///
/// A database keeps living after a failed or half-run migration, so a statement that would
/// change rows now may also have run and had those rows edited since. The probe names the
/// rows it would change and says whether rerunning it could overwrite such an edit: it
/// cannot when every value it replaces is the default of a column this migration added, or
/// lies in a table this migration created (which the application does not know) — unless
/// other rows already hold what it writes in that column: then it ran, and a default it
/// replaces may be a correction made since.
final class DataProbe {
    let copy: Connection
    /// The private folder (0700) the copy lives in, removed with the probe.
    private let folder: String
    private var savepoints = 0

    /// The copy is a file in a private temporary folder, not an in-memory database: the memory
    /// a probe needs is bounded by SQLite's page cache, whatever the size of the database.
    init(live: Connection) throws {
        guard let made = FileSystem.makeTemporaryDirectory(temporaryDirectoryPath() + "migsh-probe-XXXXXX") else {
            throw MigshError(.io, "cannot create a temporary folder for the data probe: \(String(cString: strerror(errno)))")
        }
        folder = made
        do {
            copy = try Connection(path: folder + "/probe.sqlite", mode: .readWriteCreate)
            // Bounded: 32 MB of page cache (the backup and the savepoints spill to the file),
            // temporary tables in files, and no fsync for a copy nobody keeps.
            try copy.execute("PRAGMA cache_size = -32768")
            try copy.execute("PRAGMA temp_store = FILE")
            try copy.execute("PRAGMA synchronous = OFF")
            // One snapshot of the live database, copied in steps so that Ctrl-C stops it
            // between two (the folder and its partial copy are then removed, below).
            try OnlineBackup.snapshot(from: live, to: copy, pausePhase: "probe.copying")
            // The copy keeps the live file's journal mode: a rollback journal on disk, so
            // that savepoints need no memory either.
            if try copy.journalMode().lowercased() != "delete" { try copy.execute("PRAGMA journal_mode = DELETE") }
            try copy.execute("PRAGMA foreign_keys = OFF")
            // The migration's statements run here over the database's real rows: unless
            // MIGSH_STEP_LIMIT says otherwise, their bound grows with the database. Hardened
            // last: its authorizer refuses the settings above.
            let pages = (try? live.scalarInt("PRAGMA page_count")) ?? 0
            copy.hardenForMigrationSQL(stepLimit: StepLimit.fromEnvironment()?.forDatabase(pages: pages))
        } catch {
            try? FileSystem.removeTree(folder)
            throw error
        }
    }

    deinit { try? FileSystem.removeTree(folder) }

    struct Outcome {
        var state: StatementEvidence.State
        var reason: String
        var rows: [StatementEvidence.RowChanges]? = nil
        var refills: String? = nil
    }

    /// The table a rebuild's copy fills: one the migration creates, which no other statement
    /// of the migration fills. `liveName`: its name now, after any rename the migration has
    /// made since. `recreated`: it has the name of a table the application knew, which the
    /// migration renamed away (`_bkp_` style) before creating it anew.
    struct CopyTarget {
        var name: String
        var liveName: String
        var recreated = false
        /// Set when the table the copy reads was dropped or renamed away by a later statement
        /// that ran ("x, dropped by statement n"): what the copy gives now means nothing.
        var sourceGone: String? = nil
        /// What the copy made when it ran, as far as a backup can show it: given a SELECT of
        /// each row's key and rendered values (`keyDisplay`, `rowRendering`), its rows on a
        /// private copy of migsh's verified backup from before this migration brought through
        /// the migration's statements through the copy, and which backup that is; nil when no
        /// backup can tell.
        var original: ((String) -> (rows: [[String]], from: String)?)? = nil
    }

    /// Judges one data statement, leaving its effect on the copy when it has not run.
    /// `createdTable`: the table the statement inserts into, when the migration itself
    /// creates it. `renamedAway`: tables the statement names that a later statement that ran
    /// renamed (name at this statement, name now): it is judged against them, under the name
    /// it knew, not against a table created since under that name. `before`: the schema
    /// before this migration, which tells the tables and columns the application knew.
    func judge(sql: String, createdTable: CopyTarget?, renamedAway: [(atStatement: String, live: String)] = [], before: SchemaSnapshot,
               newTriggers: (Set<String>) -> [String]) -> Outcome {
        if let created = createdTable, let outcome = judgeCopyStep(sql: sql, created: created, before: before) { return outcome }
        guard !renamedAway.isEmpty else { return judgeStatement(sql: sql, before: before, newTriggers: newTriggers) }
        // Put each renamed table back under the name the statement knew (a table created since
        // under that name steps aside), judge, and put the names back: what the statement did
        // stays on the copy, in the table it did it to.
        let swaps = renamedAway.enumerated().map { i, r in (r.atStatement, r.live, "migsh_probe_aside_name_\(i)") }
        func exists(_ t: String) -> Bool {
            ((try? copy.scalarInt("SELECT count(*) FROM main.sqlite_schema WHERE type = 'table' AND name = '\(t.replacingAll("'", with: "''"))' COLLATE NOCASE")) ?? 0) == 1
        }
        var parked: [(String, String)] = []   // (name, parked as)
        var moved: [(String, String)] = []    // (live name, moved to)
        func renameTable(_ a: String, _ b: String) throws { try copy.execute("ALTER TABLE main.\(quoteIdentifier(a)) RENAME TO \(quoteIdentifier(b))") }
        func undo() {
            for (live, to) in moved.reversed() { try? renameTable(to, live) }
            for (name, aside) in parked.reversed() { try? renameTable(aside, name) }
            try? copy.execute("PRAGMA legacy_alter_table = OFF")
        }
        do {
            try copy.execute("PRAGMA legacy_alter_table = ON")
            for (name, live, aside) in swaps {
                guard exists(live) else { throw MigshError(.io, "\(live) is not there") }
                if exists(name) { try renameTable(name, aside); parked.append((name, aside)) }
                try renameTable(live, name)
                moved.append((live, name))
            }
        } catch {
            undo()
            // The table it ran on is gone (renamed, then dropped, by statements that ran). What
            // it did lives on only in the rows copied from it: when the tables under those names
            // now hold rows and running it against them changes none, its effect is present in
            // the data as it is; anything else cannot be told.
            if renamedAway.allSatisfy({ r in exists(r.atStatement) && ((try? copy.scalarInt("SELECT count(*) FROM main.\(quoteIdentifier(r.atStatement))")) ?? 0) > 0 }) {
                let m = mark()
                var outcome = judgeStatement(sql: sql, before: before, newTriggers: newTriggers)
                if outcome.state == .present {
                    release(m)
                    outcome.reason = "the table it ran on is gone (renamed to \(renamedAway.map(\.live).joined(separator: ", ")), then dropped), and running it now on the rows copied from it under the same name changes none: its effect is present"
                    return outcome
                }
                rollback(to: m)
                return Outcome(state: .unknown, reason: "it ran on \(renamedAway.map { "\($0.atStatement) (now \($0.live))" }.joined(separator: ", ")), which is gone; on the table under its name now, \(outcome.reason), so whether it ran cannot be told")
            }
            return Outcome(state: .unknown, reason: "it ran on \(renamedAway.map { "\($0.atStatement) (now \($0.live))" }.joined(separator: ", ")), which cannot be put back under that name to check it (\(message(error)))")
        }
        let outcome = judgeStatement(sql: sql, before: before, newTriggers: newTriggers)
        undo()
        var named = outcome
        named.reason += " (judged on \(renamedAway.map { "\($0.live), which was \($0.atStatement) when it ran" }.joined(separator: ", ")))"
        return named
    }

    private func judgeStatement(sql: String, before: SchemaSnapshot, newTriggers: (Set<String>) -> [String]) -> Outcome {
        var writes = Set<String>()
        let stmt: Statement
        do {
            stmt = try copy.observingAuthorizations({ e in
                guard let table = e.arg1?.lowercased(), [.insert, .update, .delete].contains(e.kind) else { return }
                writes.insert(table)
            }) { try copy.prepare(sql) }
        } catch {
            return Outcome(state: .unknown, reason: "it cannot be evaluated against the database as it is now (\(message(error)))")
        }
        let before0: [String: [UInt8]]
        do { before0 = try digests(writes) } catch { return Outcome(state: .unknown, reason: "its tables cannot be read (\(message(error)))") }
        var first = mark()
        do {
            try copy.limitingSteps { try stmt.run() }
        } catch let error as MigshError where isUniqueViolation(error) {
            rollback(to: first)
            return judgeDuplicateInsert(sql: sql, writes: writes, before: before0, error: error)
        } catch {
            rollback(to: first)
            return Outcome(state: .unknown, reason: "running it now fails (\(message(error))), so whether it ran cannot be told")
        }
        let once: [String: [UInt8]]
        do { once = try digests(writes) } catch { rollback(to: first); return Outcome(state: .unknown, reason: message(error)) }
        if once == before0 {
            rollback(to: first)
            return Outcome(state: .present, reason: "running it now changes no row: its effect is present")
        }
        let changed = writes.filter { before0[$0] != once[$0] }.sorted()
        let second = mark()
        do {
            stmt.reset()
            try copy.limitingSteps { try stmt.run() }
        } catch {
            rollback(to: first)
            return Outcome(state: .unknown, reason: "running it now changes \(changed.joined(separator: ", ")), and a second run fails (\(message(error))), so whether it ran cannot be told")
        }
        let twice = (try? digests(writes)) ?? [:]
        rollback(to: second)
        guard twice == once else {
            rollback(to: first)
            return Outcome(state: .unknown, reason: "it changes \(changed.joined(separator: ", ")) every time it runs, so whether it ran cannot be told")
        }
        let triggers = newTriggers(writes)
        guard triggers.isEmpty else {
            rollback(to: first)
            return Outcome(state: .unknown, reason: "it has not run, but running it now would fire trigger \(triggers.joined(separator: ", ")), which a later statement created")
        }
        // Which rows it changes, and whether that could overwrite an edit: run it again from
        // the state before, with the changed tables kept aside to compare.
        rollback(to: first)
        var rows: [StatementEvidence.RowChanges] = []
        heldAlready = 0
        first = mark()
        do {
            let kept = try changed.map { try keepAside($0) }
            stmt.reset()
            try copy.limitingSteps { try stmt.run() }
            for (table, aside) in zip(changed, kept) {
                rows.append(try compare(table, with: aside, before: before, rerun: { stmt.reset(); try self.copy.limitingSteps { try stmt.run() } }))
                try copy.execute("DROP TABLE temp.\(quoteIdentifier(aside.name))")
            }
        } catch {
            rollback(to: first)
            return Outcome(state: .unknown, reason: "running it now changes \(changed.joined(separator: ", ")), but the rows it changes cannot be read (\(message(error)))")
        }
        release(first)
        let what = rows.map(\.description).joined(separator: "; ")
        if heldAlready > 0 {
            // Rows it writes already hold what it writes, in a column this migration added: it
            // ran, and the rows it would change now were edited since (to the column's default,
            // too: a correction, which a rerun would undo).
            let held = heldAlready
            heldAlready = 0
            return Outcome(state: .absent, reason: "running it now changes \(what), and a second run changes nothing more; but \(held) other row\(held == 1 ? "" : "s") already hold\(held == 1 ? "s" : "") what it writes, in a column this migration added, so it ran, and those rows were written since (edited, or added after it ran)", rows: rows)
        }
        if rows.allSatisfy(\.lossless) {
            return Outcome(state: .absent, reason: "running it now changes \(what), and a second run changes nothing more, so it has not run"
                + (rows.contains { $0.changed > 0 } ? " (the values it replaces are ones this migration's own statements left)" : ""), rows: rows)
        }
        return Outcome(state: .absent, reason: "running it now changes \(what), and a second run changes nothing more: either it has not run, or it ran and those rows were edited since", rows: rows)
    }

    /// The copy step of a rebuild, judged by the table it fills.
    private func judgeCopyStep(sql: String, created: CopyTarget, before: SchemaSnapshot) -> Outcome? {
        let table = quoteIdentifier(created.liveName)
        guard let rows = try? copy.scalarInt("SELECT count(*) FROM main.\(table)") else { return nil }
        if let gone = created.sourceGone {
            // Rerunning the copy now would read another table of the same name (or none).
            return rows > 0
                ? Outcome(state: .present, reason: "\(created.liveName), which this migration creates and only this statement fills, holds \(rows) row\(rows == 1 ? "" : "s"), and the table it copies from is gone (\(gone), which ran)")
                : Outcome(state: .unknown, reason: "\(created.liveName) is empty, and the table it copies from is gone (\(gone), which ran): whether it was empty when the copy ran cannot be told")
        }
        if rows > 0 {
            guard created.name.lowercased() == created.liveName.lowercased() else {
                return Outcome(state: .present, reason: "\(created.liveName), which this migration creates and only this statement fills, holds \(rows) row\(rows == 1 ? "" : "s"), and the table it copied from is gone")
            }
            return judgeFilledCopy(sql: sql, table: created.liveName, rows: rows, before: before, recreated: created.recreated, original: created.original)
        }
        guard created.name.lowercased() == created.liveName.lowercased() else {
            return Outcome(state: .unknown, reason: "\(created.name) was renamed to \(created.liveName), which is empty: the copy did not run before the rename, and its source is gone")
        }
        let mark = mark()
        do {
            try copy.limitingSteps { try copy.execute(sql) }
        } catch {
            rollback(to: mark)
            return Outcome(state: .unknown, reason: "\(created.liveName) is empty, but the copy cannot run against the database as it is now (\(message(error)))")
        }
        let after = (try? copy.scalarInt("SELECT count(*) FROM main.\(table)")) ?? 0
        if after == 0 {
            rollback(to: mark)
            return Outcome(state: .present, reason: "\(created.liveName) is empty, and so is what it copies: running it changes nothing")
        }
        release(mark)
        return Outcome(state: .absent, reason: "\(created.liveName), which this migration creates and only this statement fills, is empty while the copy would put \(after) row\(after == 1 ? "" : "s") in it: the copy has not run")
    }

    /// A copy whose table holds rows while its source is still there: the database may have
    /// kept living since the copy ran. Its effect is present only if the table holds exactly
    /// what the copy gives from the data as it is now.
    ///
    /// A stale copy is emptied and made again by a resume: its rows that the copy does not give
    /// now (or gives with other values) are lost. They are the application's doing only where
    /// they are what the copy made when it ran — which migsh's verified backup from before
    /// this migration can show (`original`); any other such row may be a hand edit of the
    /// half-done table, and is named as what the resume loses.
    private func judgeFilledCopy(sql: String, table: String, rows: Int64, before: SchemaSnapshot, recreated: Bool = false,
                                 original: ((String) -> (rows: [[String]], from: String)?)? = nil) -> Outcome {
        let mark = mark()
        // A column the copy leaves to a CURRENT_TIMESTAMP-like default holds the time of the
        // run that filled it: it is left out of the comparison, or the verdict would depend on
        // the clock.
        let masked = (try? clockDefaults(table, notNamedIn: sql)) ?? []
        let diff: StatementEvidence.RowChanges
        var lost: [LostRow] = []
        var reappearing: [(key: String, row: String)] = []
        do {
            let aside = try keepAside(table)
            try empty(table)
            do { try copy.limitingSteps { try copy.execute(sql) } } catch {
                rollback(to: mark)
                return Outcome(state: .present, reason: "\(table), which this migration creates and only this statement fills, holds \(rows) row\(rows == 1 ? "" : "s"); the copy cannot run now (\(message(error))), so its source has changed since")
            }
            diff = try compare(table, with: aside, before: before, owned: true, masked: masked)
            (lost, reappearing) = try lostRows(table, aside: aside, masked: masked)
            try copy.execute("DROP TABLE temp.\(quoteIdentifier(aside.name))")
        } catch {
            rollback(to: mark)
            return Outcome(state: .unknown, reason: "\(table) holds \(rows) row\(rows == 1 ? "" : "s"), but they cannot be compared with what the copy gives now (\(message(error)))")
        }
        let unclocked = masked.isEmpty ? "" : " (leaving out \(masked.sorted().joined(separator: ", ")), which the copy leaves to the clock)"
        if diff.total == 0 {
            rollback(to: mark)
            return Outcome(state: .present, reason: "\(table), which this migration creates and only this statement fills, holds exactly what the copy gives from the data as it is now (\(rows) row\(rows == 1 ? "" : "s"))\(unclocked): its effect is present")
        }
        if recreated {
            // The table has the name the application uses: rows there that the copy does not
            // give may be the application's, written since; emptying it could lose them.
            rollback(to: mark)
            return Outcome(state: .unknown, reason: "\(table), which this migration created anew under the name the application uses and only this statement fills, differs from what the copy gives from its source now in \(diff.description.replacingAll(" of \(diff.table)", with: ""))\(unclocked): the copy may have run before its source was written, or the application may have written to \(table) since; which cannot be told")
        }
        release(mark)
        var d = diff
        d.lossless = true
        var reason = "\(table), which this migration creates and only this statement fills, differs from what the copy gives from the data as it is now in \(diff.description.replacingAll(" of \(diff.table)", with: "")): the copy ran from an older state of its source, which has been written since; a resume empties \(table) and copies again"
        // The rows the resume drops or changes: explained only by what the copy made when it ran.
        var unexplained = lost
        // Rows the copy made that are no longer in the table (the application cannot delete from
        // a table only this migration knows) and that copying again puts back exactly as it made
        // them (a row the source now gives otherwise was changed there too: not put back as it was).
        var putBack: [String] = []
        if !lost.isEmpty || !reappearing.isEmpty {
            let rowid = (try? hasRowid(table)) == true ? "rowid" : nil
            let select = (try? keyDisplay(table, alias: nil, rowid: rowid ?? "rowid")).flatMap { key in
                (try? rowRendering(table, alias: nil, rowid: rowid, masked: masked)).map { "SELECT \(key), \($0) FROM main.\(quoteIdentifier(table))" }
            }
            if let select, let made = original?(select) {
                let copied = Set(made.rows.compactMap { $0.count == 2 ? $0[1] : nil })
                unexplained = lost.filter { !copied.contains($0.row) }
                putBack = reappearing.filter { copied.contains($0.row) }.map(\.key)
                let explained = lost.count - unexplained.count
                if explained > 0 {
                    reason += " (\(explained == lost.count ? "the \(explained)" : "\(explained) of the \(lost.count)") row\(lost.count == 1 ? "" : "s") it drops or changes \(explained == 1 ? "is" : "are") exactly what the copy made from \(made.from): the application changed the source since\(unexplained.isEmpty && putBack.isEmpty ? ", so the resume loses nothing" : ""))"
                }
                if !unexplained.isEmpty {
                    reason += "; but \(Self.describe(unexplained, table: d.table)) \(unexplained.count == 1 ? "is" : "are") neither what the copy gives now nor what it made from \(made.from): written to \(d.table) since the copy ran (by hand?), which the resume would lose"
                }
                if !putBack.isEmpty {
                    reason += "; and \(putBack.count) row\(putBack.count == 1 ? "" : "s") of \(d.table) (\(putBack.prefix(5).joined(separator: "; "))\(putBack.count > 5 ? ", …" : "")) that the copy made from \(made.from) \(putBack.count == 1 ? "is" : "are") no longer there (deleted by hand?), which the resume would put back as \(putBack.count == 1 ? "it was" : "they were")"
                }
            } else if !lost.isEmpty {
                reason += "; but \(Self.describe(unexplained, table: d.table)) \(unexplained.count == 1 ? "is" : "are") not what the copy gives now, and no verified backup from before this migration shows \(unexplained.count == 1 ? "it is" : "they are") what the copy made when it ran: \(unexplained.count == 1 ? "it" : "they") may have been written to \(d.table) by hand since, which the resume would lose"
            }
        }
        var changes = [d]
        if !unexplained.isEmpty || !putBack.isEmpty {
            let changed = unexplained.filter(\.keyKept).count
            changes.append(StatementEvidence.RowChanges(table: d.table, changed: changed, added: putBack.count, removed: unexplained.count - changed,
                                                        keys: Array((unexplained.map(\.key) + putBack).prefix(5)), columns: [], lossless: false))
        }
        return Outcome(state: .stale, reason: reason, rows: changes, refills: table)
    }

    /// A row of a stale copy that copying again drops (`keyKept` false) or gives other values.
    struct LostRow {
        var key: String
        /// Every value, rendered by `rowRendering`: compared with what a backup's copy made.
        var row: String
        var keyKept: Bool
    }

    static func describe(_ rows: [LostRow], table: String) -> String {
        let more = rows.count > 5 ? ", …" : ""
        return "\(rows.count) row\(rows.count == 1 ? "" : "s") of \(table) (\(rows.prefix(5).map(\.key).joined(separator: "; "))\(more))"
    }

    /// One text per row: its rowid (if any) and every column but `masked`, quoted, in the
    /// table's column order: equal texts, equal rows.
    func rowRendering(_ table: String, alias: String?, rowid: String?, masked: Set<String>) throws -> String {
        let prefix = alias.map { "\($0)." } ?? ""
        var parts = rowid.map { ["quote(\($0))"] } ?? []
        let info = try copy.prepare("SELECT name FROM pragma_table_info(?1, 'main')")
        try info.bind(table, at: 1)
        while try info.step() {
            guard !masked.contains(info.text(0).lowercased()) else { continue }
            parts.append("quote(\(prefix)\(quoteIdentifier(info.text(0))))")
        }
        return parts.joined(separator: " || '|' || ")
    }

    /// The key of a row, as `compare` names it (`product_id 3`, `rowid 7`).
    func keyDisplay(_ table: String, alias: String?, rowid: String) throws -> String {
        let prefix = alias.map { "\($0)." } ?? ""
        var pk: [(name: String, pk: Int)] = []
        let info = try copy.prepare("SELECT name, pk FROM pragma_table_info(?1, 'main') WHERE pk > 0")
        try info.bind(table, at: 1)
        while try info.step() { pk.append((info.text(0), Int(info.int64(1)))) }
        guard !pk.isEmpty else { return "'rowid ' || \(rowid)" }
        return pk.sorted { $0.pk < $1.pk }
            .map { "'\($0.name.replacingAll("'", with: "''")) ' || quote(\(prefix)\(quoteIdentifier($0.name)))" }.joined(separator: " || ', ' || ")
    }

    /// The rows kept aside from a stale copy that `table` (the copy made again) does not hold
    /// with the same values: what emptying it for a resume loses; and the rows the copy made
    /// again whose key the stale copy does not hold (key, rendered values).
    private func lostRows(_ table: String, aside: Aside, masked: Set<String>) throws -> (lost: [LostRow], reappearing: [(key: String, row: String)]) {
        var cols: [(name: String, pk: Int)] = []
        let info = try copy.prepare("SELECT name, pk FROM pragma_table_info(?1, 'main')")
        try info.bind(table, at: 1)
        while try info.step() {
            guard !masked.contains(info.text(0).lowercased()) else { continue }
            cols.append((info.text(0), Int(info.int64(1))))
        }
        let q = quoteIdentifier
        let pk = cols.filter { $0.pk > 0 }.sorted { $0.pk < $1.pk }
        let keyMatch = aside.hasRowid ? "n.rowid = o.migsh_rowid" : (pk.isEmpty ? "0" : pk.map { "n.\(q($0.name)) IS o.\(q($0.name))" }.joined(separator: " AND "))
        let same = cols.map { "n.\(q($0.name)) IS o.\(q($0.name))" }.joined(separator: " AND ")
        let display = try keyDisplay(table, alias: "o", rowid: "o.migsh_rowid")
        let render = try rowRendering(table, alias: "o", rowid: aside.hasRowid ? "o.migsh_rowid" : nil, masked: masked)
        let live = "main.\(q(table))"
        let s = try copy.prepare("SELECT \(display), \(render), EXISTS (SELECT 1 FROM \(live) AS n WHERE \(keyMatch)) FROM temp.\(q(aside.name)) AS o "
                                 + "WHERE NOT EXISTS (SELECT 1 FROM \(live) AS n WHERE \(keyMatch)\(same.isEmpty ? "" : " AND \(same)"))")
        var out: [LostRow] = []
        while try s.step() { out.append(LostRow(key: s.text(0), row: s.text(1), keyKept: s.int64(2) != 0)) }
        let rowid = aside.hasRowid ? "n.rowid" : nil
        let added = try copy.prepare("SELECT \(try keyDisplay(table, alias: "n", rowid: "n.rowid")), \(try rowRendering(table, alias: "n", rowid: rowid, masked: masked)) "
                                     + "FROM \(live) AS n WHERE NOT EXISTS (SELECT 1 FROM temp.\(q(aside.name)) AS o WHERE \(keyMatch))")
        var rows: [(key: String, row: String)] = []
        while try added.step() { rows.append((added.text(0), added.text(1))) }
        return (out, rows)
    }

    /// The columns of `table` whose default reads the clock (CURRENT_TIMESTAMP, CURRENT_DATE,
    /// CURRENT_TIME, a date function of 'now') and that `insert` leaves to that default (its
    /// column list does not name them), lower-cased.
    func clockDefaults(_ table: String, notNamedIn insert: String) throws -> Set<String> {
        var clocked: [String] = []
        let info = try copy.prepare("SELECT name, dflt_value FROM pragma_table_info(?1, 'main')")
        try info.bind(table, at: 1)
        while try info.step() {
            guard !info.isNull(1) else { continue }
            let d = info.text(1).lowercased()
            if d.contains("current_timestamp") || d.contains("current_date") || d.contains("current_time") || d.contains("'now'") {
                clocked.append(info.text(0).lowercased())
            }
        }
        guard !clocked.isEmpty else { return [] }
        // INSERT [OR x] INTO name [(columns)] …: without a column list every column is given.
        let t = SQLNormalizer.tokens(insert)
        guard let into = t.firstIndex(of: "into") else { return [] }
        var i = into + 2
        if i + 1 < t.count, t[i] == "." { i += 2 }
        guard i < t.count, t[i] == "(" else { return [] }
        var named = Set<String>()
        i += 1
        while i < t.count, t[i] != ")" { if t[i] != "," { named.insert(t[i]) }; i += 1 }
        return Set(clocked.filter { !named.contains($0) })
    }

    /// Empties a table this migration creates, and its AUTOINCREMENT counter, as it is right
    /// after its CREATE TABLE: what a resume does before copying again.
    private func empty(_ table: String) throws {
        for sql in Self.emptyingStatements(table, hasSequence: hasSequence) { try copy.execute(sql) }
    }

    private var hasSequence: Bool {
        ((try? copy.scalarInt("SELECT count(*) FROM main.sqlite_schema WHERE name = 'sqlite_sequence'")) ?? 0) == 1
    }

    /// The statements that empty `table` and forget its AUTOINCREMENT counter.
    static func emptyingStatements(_ table: String, hasSequence: Bool) -> [String] {
        ["DELETE FROM main.\(quoteIdentifier(table))"]
            + (hasSequence ? ["DELETE FROM main.sqlite_sequence WHERE name = '\(table.replacingAll("'", with: "''"))' COLLATE NOCASE"] : [])
    }

    // MARK: Which rows a statement changes

    struct Aside {
        var name: String
        var table: String
        var hasRowid: Bool
    }

    /// Copies a table's rows (with their rowids) to a temporary table, to compare after.
    private func keepAside(_ table: String) throws -> Aside {
        savepoints += 1
        let name = "migsh_probe_aside_\(savepoints)"
        let rowid = try hasRowid(table)
        try copy.execute("CREATE TEMP TABLE \(quoteIdentifier(name)) AS SELECT \(rowid ? "rowid AS migsh_rowid, " : "")* FROM main.\(quoteIdentifier(table))")
        // Indexed on the key `compare` matches rows by: without it each of its NOT EXISTS
        // probes scanned the whole copy once per live row (quadratic: a .diff on a 117,000-row
        // table never finished; scripts/bench's partial-database row).
        var key = rowid ? ["migsh_rowid"] : []
        if !rowid {
            let info = try copy.prepare("SELECT name FROM pragma_table_info(?1, 'main') WHERE pk > 0 ORDER BY pk")
            try info.bind(table, at: 1)
            while try info.step() { key.append(info.text(0)) }
        }
        if !key.isEmpty {
            try copy.execute("CREATE INDEX temp.\(quoteIdentifier(name + "_key")) ON \(quoteIdentifier(name))(\(key.map(quoteIdentifier).joined(separator: ", ")))")
        }
        return Aside(name: name, table: table, hasRowid: rowid)
    }

    /// Set by `compare`: rows holding, in a column this migration added, a value other than
    /// its default that is exactly what the statement writes there when the column is back at
    /// its default — what the statement writes is already there, so it ran. Read (and reset)
    /// by `judgeStatement`.
    private var heldAlready = 0

    private func hasRowid(_ table: String) throws -> Bool {
        if table == "sqlite_sequence" { return true }
        return (try copy.scalarInt("SELECT count(*) FROM pragma_table_list WHERE schema = 'main' AND name = '\(table.replacingAll("'", with: "''"))' COLLATE NOCASE AND wr = 0")) == 1
    }

    /// The rows of `table` that differ from those kept aside, and whether the old values
    /// could have been written by the application since the statement ran (`owned`: the
    /// table is this migration's own).
    private func compare(_ table: String, with aside: Aside, before: SchemaSnapshot, owned: Bool = false, masked: Set<String> = [],
                         rerun: (() throws -> Void)? = nil) throws -> StatementEvidence.RowChanges {
        struct Col { var name: String; var pk: Int; var dflt: String? }
        var cols: [Col] = []
        let info = try copy.prepare("SELECT name, pk, dflt_value FROM pragma_table_info(?1, 'main')")
        try info.bind(table, at: 1)
        while try info.step() {
            cols.append(Col(name: info.text(0), pk: Int(info.int64(1)), dflt: info.isNull(2) ? nil : info.text(2)))
        }
        cols.removeAll { masked.contains($0.name.lowercased()) }
        let q = quoteIdentifier
        let live = "main.\(q(table))", old = "temp.\(q(aside.name))"
        let pk = cols.filter { $0.pk > 0 }.sorted { $0.pk < $1.pk }
        let join: String
        let liveKey: String, oldKey: String
        if aside.hasRowid {
            join = "o.migsh_rowid = n.rowid"
            liveKey = "n.rowid"; oldKey = "o.migsh_rowid"
        } else {
            join = pk.map { "o.\(q($0.name)) IS n.\(q($0.name))" }.joined(separator: " AND ")
            liveKey = ""; oldKey = ""
        }
        func display(_ alias: String) -> String {
            if table == "sqlite_sequence" { return "'name ' || quote(\(alias).name)" }
            if pk.isEmpty { return "'rowid ' || \(alias == "n" ? "n.rowid" : "o.migsh_rowid")" }
            return pk.map { "'\($0.name.replacingAll("'", with: "''")) ' || quote(\(alias).\(q($0.name)))" }.joined(separator: " || ', ' || ")
        }
        let differs = cols.map { "n.\(q($0.name)) IS NOT o.\(q($0.name))" }.joined(separator: " OR ")
        let known = before.tables[table.lowercased()]
        let isOwned = owned || (table != "sqlite_sequence" && known == nil)
        func isAdded(_ c: Col) -> Bool { known.map { t in !t.columns.contains { $0.name.lowercased() == c.name.lowercased() } } ?? true }
        // A default is no proof that nobody wrote a value since the statement ran: where rows
        // already hold what it writes (put the column back to its default, run it: the same
        // value, not the default), it ran, and a default it would replace may be a correction.
        let both = "FROM \(live) AS n JOIN \(old) AS o ON \(join)"
        var held = 0
        if let rerun, !isOwned, table != "sqlite_sequence" {
            let written = cols.filter { c in isAdded(c) && ((try? copy.scalarInt("SELECT count(*) \(both) WHERE n.\(q(c.name)) IS NOT o.\(q(c.name))")) ?? 0) > 0 }
            if !written.isEmpty {
                let m = mark()
                do {
                    try copy.limitingSteps { try copy.execute("UPDATE \(live) SET \(written.map { "\(q($0.name)) = (\($0.dflt ?? "NULL"))" }.joined(separator: ", "))") }
                    try rerun()
                    let same = written.map { "(n.\(q($0.name)) IS o.\(q($0.name)) AND o.\(q($0.name)) IS NOT (\($0.dflt ?? "NULL")))" }.joined(separator: " OR ")
                    held = Int(try copy.scalarInt("SELECT count(*) \(both) WHERE \(same)") ?? 0)
                } catch {
                    held = 0
                }
                rollback(to: m)
            }
        }
        heldAlready += held
        // A changed value the application could have written: in a column it knew, or one
        // this migration added that no longer holds the column's default (any value, once the
        // statement is shown to have run).
        let lossy = cols.map { c -> String in
            let base = "n.\(q(c.name)) IS NOT o.\(q(c.name))"
            return isAdded(c) && held == 0 ? "(\(base) AND o.\(q(c.name)) IS NOT (\(c.dflt ?? "NULL")))" : base
        }.joined(separator: " OR ")
        // sqlite_sequence rows of tables this migration creates are its own; the others
        // belong to tables the application knew.
        let knownRow: (String) -> String = { alias in
            let names = before.tables.keys.map { "'\($0.replacingAll("'", with: "''"))'" }.joined(separator: ", ")
            return "lower(\(alias).name) IN (\(names.isEmpty ? "''" : names))"
        }
        let matched = aside.hasRowid ? "" : join
        let onlyNew = aside.hasRowid
            ? "FROM \(live) AS n WHERE NOT EXISTS (SELECT 1 FROM \(old) AS o WHERE \(oldKey) = \(liveKey))"
            : "FROM \(live) AS n WHERE NOT EXISTS (SELECT 1 FROM \(old) AS o WHERE \(matched))"
        let onlyOld = aside.hasRowid
            ? "FROM \(old) AS o WHERE NOT EXISTS (SELECT 1 FROM \(live) AS n WHERE \(liveKey) = \(oldKey))"
            : "FROM \(old) AS o WHERE NOT EXISTS (SELECT 1 FROM \(live) AS n WHERE \(matched))"

        let changed = Int(try copy.scalarInt("SELECT count(*) \(both) WHERE \(differs)") ?? 0)
        let added = Int(try copy.scalarInt("SELECT count(*) \(onlyNew)") ?? 0)
        let removed = Int(try copy.scalarInt("SELECT count(*) \(onlyOld)") ?? 0)
        var keys: [String] = []
        for sql in ["SELECT \(display("n")) \(both) WHERE \(differs) LIMIT 5",
                    "SELECT \(display("n")) \(onlyNew) LIMIT 5", "SELECT \(display("o")) \(onlyOld) LIMIT 5"] where keys.count < 5 {
            let s = try copy.prepare(sql)
            while keys.count < 5, try s.step() { keys.append(s.text(0)) }
        }
        var columns: [String] = []
        if changed > 0 {
            for c in cols where (try copy.scalarInt("SELECT count(*) \(both) WHERE n.\(q(c.name)) IS NOT o.\(q(c.name))") ?? 0) > 0 {
                columns.append(c.name)
            }
        }
        var lossless = isOwned
        if !lossless {
            if table == "sqlite_sequence" {
                let theirs = try copy.scalarInt("SELECT (SELECT count(*) \(both) WHERE (\(differs)) AND \(knownRow("n"))) + (SELECT count(*) \(onlyNew) AND \(knownRow("n"))) + (SELECT count(*) \(onlyOld) AND \(knownRow("o")))") ?? 0
                lossless = theirs == 0
            } else {
                let overwritten = try copy.scalarInt("SELECT count(*) \(both) WHERE \(lossy)") ?? 0
                lossless = overwritten == 0 && added == 0 && removed == 0
            }
        }
        let stored = try? copy.scalarText("SELECT name FROM main.sqlite_schema WHERE type = 'table' AND name = '\(table.replacingAll("'", with: "''"))' COLLATE NOCASE")
        let name = before.tables[table.lowercased()]?.name ?? stored ?? table
        return StatementEvidence.RowChanges(table: name, changed: changed, added: added, removed: removed, keys: keys, columns: columns, lossless: lossless)
    }

    /// A plain INSERT refused as a duplicate: its rows are there if `INSERT OR REPLACE` of the
    /// same rows leaves every table exactly as it is.
    private func judgeDuplicateInsert(sql: String, writes: Set<String>, before: [String: [UInt8]], error: MigshError) -> Outcome {
        let refused = Outcome(state: .unknown, reason: "running it now is refused (\(error.message)), so rows with the same keys are there, but whether they are its rows cannot be told")
        guard let replacing = Self.asInsertOrReplace(sql) else { return refused }
        let mark = mark()
        defer { rollback(to: mark) }
        guard (try? copy.limitingSteps { try copy.execute(replacing) }) != nil, let after = try? digests(writes), after == before else { return refused }
        return Outcome(state: .present, reason: "every row it inserts is already there, identical (\(error.message) when run again)")
    }

    /// `INSERT INTO …` rewritten as `INSERT OR REPLACE INTO …`; nil for other statements.
    static func asInsertOrReplace(_ sql: String) -> String? {
        let words = SQLScript.leadingWords(sql, count: 2)
        guard words == ["INSERT", "INTO"], let range = sql.firstRangeIgnoringASCIICase(of: "insert") else { return nil }
        return sql.replacingSubrange(range, with: "INSERT OR REPLACE")
    }

    private func isUniqueViolation(_ error: MigshError) -> Bool {
        switch error.resultCode {
        case .constraintUnique?, .constraintPrimaryKey?: return true
        default: return false
        }
    }

    private func message(_ error: any Error) -> String { (error as? MigshError)?.message ?? "\(error)" }

    // MARK: Savepoints on the copy

    private func mark() -> String {
        savepoints += 1
        let name = "probe_\(savepoints)"
        try? copy.execute("SAVEPOINT \(name)")
        return name
    }

    private func rollback(to name: String) {
        try? copy.execute("ROLLBACK TO \(name)")
        try? copy.execute("RELEASE \(name)")
    }

    private func release(_ name: String) { try? copy.execute("RELEASE \(name)") }

    // MARK: Table contents

    /// SHA-256 of each table's rows (with their rowids), in storage order.
    func digests(_ tables: Set<String>) throws -> [String: [UInt8]] {
        var out: [String: [UInt8]] = [:]
        for table in tables { out[table] = try digest(table) }
        return out
    }

    private func digest(_ table: String) throws -> [UInt8] {
        let quoted = quoteIdentifier(table)
        let hasRowid = try hasRowid(table)
        // sqlite_sequence rows of tables that no longer exist mean nothing: a rebuild's
        // counter moves with the table it renames, leaving its "_new" row moot.
        let stmt = try copy.prepare(table == "sqlite_sequence"
            ? "SELECT name, seq FROM main.sqlite_sequence WHERE name IN (SELECT name FROM main.sqlite_schema WHERE type = 'table') ORDER BY name"
            : "SELECT \(hasRowid ? "rowid, " : "")* FROM main.\(quoted)")
        var hasher = SHA256()
        let n = stmt.columnCount
        while try stmt.step() {
            for i in 0..<n {
                let type = stmt.columnType(i)
                hasher.update(data: [UInt8(truncatingIfNeeded: type)])
                switch type {
                case SQLITE_INTEGER: withUnsafeBytes(of: stmt.int64(i).littleEndian) { hasher.update(bufferPointer: $0) }
                case SQLITE_FLOAT: withUnsafeBytes(of: stmt.double(i).bitPattern.littleEndian) { hasher.update(bufferPointer: $0) }
                case SQLITE_NULL: break
                default:
                    let bytes = stmt.blobBytes(i)
                    withUnsafeBytes(of: Int64(bytes.count).littleEndian) { hasher.update(bufferPointer: $0) }
                    hasher.update(data: bytes)
                }
            }
        }
        return Array(hasher.finalize())
    }
}
