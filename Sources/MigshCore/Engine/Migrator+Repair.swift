import FoundationEssentials
import Glibc

/// `.repair`: recreate drifted indexes, views and triggers from the expected schema of the
/// recorded version, in the same frame as a migration (verified backup, one locked
/// transaction), refusing differences that hold data.
extension Migrator {
    public struct RepairResult: Sendable, Codable {
        public var version: Int
        public var statements: [String]
        public var backup: BackupStore.Backup?

        public init(version: Int, statements: [String], backup: BackupStore.Backup?) {
            self.version = version
            self.statements = statements
            self.backup = backup
        }
    }

    /// Runs `plan` (the live schema against version `version`'s, read by the caller: the
    /// `Repair` operation asks about exactly these statements) in the frame of a migration.
    public func repair(_ plan: SchemaRepair, version: Int, expected: ExpectedSchemas, options: Options,
                       events: @escaping (Event) -> Void = { _ in }) throws -> RepairResult {
        guard version <= expected.highestVersion else {
            throw MigshError(.usage, "the migrations here produce versions 0 to \(expected.highestVersion)")
        }
        let target = expected.versions[version]
        guard plan.isComplete else {
            throw MigshError(.refused, "the differences from version \(version) include tables, which hold data: "
                             + plan.unrepairable.map { "\($0.sign.rawValue) \($0.kind) \($0.name)" }.joined(separator: ", ")
                             + "; only indexes, views and triggers are repaired; nothing was changed")
        }
        guard !plan.isEmpty else { return RepairResult(version: version, statements: [], backup: nil) }
        let ((), backup) = try locked(expectedVersion: version, options: options, reason: .preApply, events: events) { _ in
            for sql in plan.statements { try db.execute(sql) }
            let after = SchemaDiff(live: try SchemaSnapshot.read(db), expected: target)
            guard after.isEmpty else {
                throw MigshError(.migrationFailed, "after the repair the schema still differs from version \(version): "
                                 + after.changes.map { "\($0.sign.rawValue) \($0.kind) \($0.name)" }.joined(separator: ", "))
            }
        }
        return RepairResult(version: version, statements: plan.statements, backup: backup)
    }
}
