extension SchemaMigration {
    /// Runs the steps on `db` (a scratch copy: `.rebuild --run`) as a migration runs: foreign
    /// keys off, one `BEGIN IMMEDIATE` transaction, every key checked before COMMIT; on any
    /// failure the transaction is rolled back and nothing was changed.
    public func run(on db: Connection) throws {
        let enforcing = try db.foreignKeysEnabled
        // > foreign key constraint enforcement may only be enabled or disabled when there is
        // > no pending BEGIN or SAVEPOINT.
        try db.execute("PRAGMA foreign_keys = OFF")
        defer { if enforcing { try? db.execute("PRAGMA foreign_keys = ON") } }
        try db.execute("BEGIN IMMEDIATE")
        do {
            for step in steps { try db.execute(step.sql) }
            let violations = try db.foreignKeyViolations()
            if !violations.isEmpty {
                throw MigshError(.checkFailed, "the rebuild breaks \(violations.count) foreign key(s) (first: \(violations[0].table)); nothing was changed")
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }
}
