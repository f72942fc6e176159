import CMigshSQLite
import Crypto
import Foundation

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
///   rows → the copy ran; empty while the copy would fill it → it has not;
/// - anything else (a statement that changes rows on every run, one that cannot run against
///   the live schema) → unknown. migsh never guesses.
final class DataProbe {
    let copy: Connection
    private var savepoints = 0

    init(live: Connection) throws {
        copy = try ExpectedSchemas.sandbox()
        try OnlineBackup.copy(from: live, to: copy, pagesPerStep: -1)
        // The copy keeps the live file's journal mode; in memory that is moot.
        try copy.execute("PRAGMA foreign_keys = OFF")
    }

    struct Outcome {
        var state: StatementEvidence.State
        var reason: String
    }

    /// Judges one data statement, leaving its effect on the copy when it has not run.
    /// `createdTable`: the table the statement inserts into, when the migration itself
    /// creates it (and no other statement of the migration inserts into it) — after any
    /// rename the migration has already made.
    func judge(sql: String, createdTable: (name: String, liveName: String)?,
               newTriggers: (Set<String>) -> [String]) -> Outcome {
        if let created = createdTable, let outcome = judgeCopyStep(sql: sql, created: created) { return outcome }
        var writes = Set<String>()
        let stmt: Statement
        do {
            stmt = try copy.observingAuthorizations({ e in
                guard let table = e.arg1?.lowercased(), e.action == SQLITE_INSERT || e.action == SQLITE_UPDATE || e.action == SQLITE_DELETE else { return }
                writes.insert(table)
            }) { try copy.prepare(sql) }
        } catch {
            return Outcome(state: .unknown, reason: "it cannot be evaluated against the database as it is now (\(message(error)))")
        }
        let before: [String: [UInt8]]
        do { before = try digests(writes) } catch { return Outcome(state: .unknown, reason: "its tables cannot be read (\(message(error)))") }
        let first = mark()
        do {
            try stmt.run()
        } catch let error as MigshError where isUniqueViolation(error) {
            rollback(to: first)
            return judgeDuplicateInsert(sql: sql, writes: writes, before: before, error: error)
        } catch {
            rollback(to: first)
            return Outcome(state: .unknown, reason: "running it now fails (\(message(error))), so whether it ran cannot be told")
        }
        let once: [String: [UInt8]]
        do { once = try digests(writes) } catch { rollback(to: first); return Outcome(state: .unknown, reason: message(error)) }
        if once == before {
            rollback(to: first)
            return Outcome(state: .present, reason: "running it now changes no row")
        }
        let changed = writes.filter { before[$0] != once[$0] }.sorted()
        let second = mark()
        do {
            stmt.reset()
            try stmt.run()
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
        release(first)
        return Outcome(state: .absent, reason: "running it now changes \(changed.joined(separator: ", ")), and a second run changes nothing more, so it has not run")
    }

    /// The copy step of a rebuild, judged by the table it fills.
    private func judgeCopyStep(sql: String, created: (name: String, liveName: String)) -> Outcome? {
        let table = quoteIdentifier(created.liveName)
        guard let rows = try? copy.scalarInt("SELECT count(*) FROM main.\(table)") else { return nil }
        if rows > 0 {
            return Outcome(state: .present, reason: "\(created.liveName), which this migration creates and only this statement fills, holds \(rows) row\(rows == 1 ? "" : "s")")
        }
        guard created.name.lowercased() == created.liveName.lowercased() else {
            return Outcome(state: .unknown, reason: "\(created.name) was renamed to \(created.liveName), which is empty: the copy did not run before the rename, and its source is gone")
        }
        let mark = mark()
        do {
            try copy.execute(sql)
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

    /// A plain INSERT refused as a duplicate: its rows are there if `INSERT OR REPLACE` of the
    /// same rows leaves every table exactly as it is.
    private func judgeDuplicateInsert(sql: String, writes: Set<String>, before: [String: [UInt8]], error: MigshError) -> Outcome {
        let refused = Outcome(state: .unknown, reason: "running it now is refused (\(error.message)), so rows with the same keys are there, but whether they are its rows cannot be told")
        guard let replacing = Self.asInsertOrReplace(sql) else { return refused }
        let mark = mark()
        defer { rollback(to: mark) }
        guard (try? copy.execute(replacing)) != nil, let after = try? digests(writes), after == before else { return refused }
        return Outcome(state: .present, reason: "every row it inserts is already there, identical (\(error.message) when run again)")
    }

    /// `INSERT INTO …` rewritten as `INSERT OR REPLACE INTO …`; nil for other statements.
    static func asInsertOrReplace(_ sql: String) -> String? {
        let words = SQLScript.leadingWords(sql, count: 2)
        guard words == ["INSERT", "INTO"], let range = sql.range(of: "insert", options: [.caseInsensitive]) else { return nil }
        return sql.replacingCharacters(in: range, with: "INSERT OR REPLACE")
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
        let hasRowid = (try copy.scalarInt("SELECT count(*) FROM pragma_table_list WHERE schema = 'main' AND name = '\(table.replacingOccurrences(of: "'", with: "''"))' COLLATE NOCASE AND wr = 0")) == 1
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
