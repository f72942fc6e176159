import FoundationEssentials
import Glibc

/// `.baseline N`: record versions up to N as applied without running them (Flyway's
/// baseline, made safe). Only where the live schema is exactly version N's, and — unless
/// forced — only where every statement it would record can be shown to have run.
extension Migrator {
    public struct BaselineCheck: Sendable {
        public var versionBefore: Int
        public var version: Int
        /// The live schema (with Schema_Version as version N has it, when the table is
        /// missing) against version N's.
        public var differences: SchemaDiff
        public var evidence: [MigrationEvidence]
        /// True when Schema_Version itself is missing and will be created.
        public var createsVersionTable: Bool

        /// Statements it would record that cannot be shown to have run.
        public var unverified: [(file: String, statement: StatementEvidence)] {
            evidence.flatMap { e in e.statements.filter { $0.kind == .data && !$0.isDone }.map { (e.file, $0) } }
        }
        public var isConfirmed: Bool { differences.isEmpty && unverified.isEmpty }
    }

    public struct BaselineResult: Sendable, Codable {
        public var versionBefore: Int
        public var versionAfter: Int
        public var recorded: [Int]
        public var forced: Bool
        public var createdVersionTable: Bool
    }

    /// What recording up to `version` would rest on.
    public func checkBaseline(to version: Int, expected: ExpectedSchemas) throws -> BaselineCheck {
        let record = try SchemaVersionTable.read(db)
        let invalid = record.problems.filter { if case .missing = $0 { return false }; return true }
        if !invalid.isEmpty {
            throw MigshError(.versionTable, "Schema_Version cannot be trusted: " + invalid.map(\.description).joined(separator: "; "))
        }
        guard version >= 1, version <= expected.highestVersion, folder.migrations[version] != nil else {
            throw MigshError(.usage, "the migrations here go from 1 to \(expected.highestVersion)")
        }
        guard version > record.maxVersion else {
            throw MigshError(.refused, "Schema_Version already records version \(record.maxVersion); nothing to record")
        }
        var live = try SchemaSnapshot.read(db)
        let creates = !record.exists
        if creates, let table = expected.versions[version].tables["schema_version"] { live.tables["schema_version"] = table }
        let investigation = Investigation(db: db, folder: folder, expected: expected, backups: [])
        return BaselineCheck(versionBefore: record.maxVersion, version: version,
                             differences: SchemaDiff(live: live, expected: expected.versions[version]),
                             evidence: try investigation.evidence(recordingThrough: version), createsVersionTable: creates)
    }

    /// Records the versions of `check` with each file's own Schema_Version insert (so the
    /// rows are the ones the migration writes), and notes them in migsh's own table as a
    /// baseline. `force` records even what `check` could not confirm.
    public func baseline(_ check: BaselineCheck, expected: ExpectedSchemas, force: Bool, options: Options) throws -> BaselineResult {
        guard check.isConfirmed || force else {
            throw MigshError(.refused, "the baseline to version \(check.version) cannot be confirmed; nothing was recorded")
        }
        var skip = options
        skip.skipBackup = true  // it writes version rows only; the transaction is its undo
        let versions = Array((check.versionBefore + 1)...check.version)
        _ = try locked(expectedVersion: check.versionBefore, options: skip, reason: .preApply) { _ in
            if check.createsVersionTable {
                guard let sql = expected.versions[check.version].tables["schema_version"]?.sql, !sql.isEmpty else {
                    throw MigshError(.refused, "version \(check.version) of the migrations has no Schema_Version table to create")
                }
                try db.execute(sql)
            }
            for v in versions {
                let migration = folder.migrations[v]!
                guard let insert = MigrationScript(migration).versionInsert else {
                    throw MigshError(.validation, "\(migration.fileName) has no Schema_Version insert")
                }
                try db.execute(insert.sql)
                guard try SchemaVersionTable.read(db).contains(v) else {
                    throw MigshError(.validation, "\(migration.fileName)'s Schema_Version insert did not record version \(v)")
                }
                try SchemaVersionTable.record(db, migration: migration, user: options.user, mode: .baseline, durationMS: nil)
            }
        }
        return BaselineResult(versionBefore: check.versionBefore, versionAfter: check.version, recorded: versions,
                              forced: !check.isConfirmed, createdVersionTable: check.createsVersionTable)
    }
}
