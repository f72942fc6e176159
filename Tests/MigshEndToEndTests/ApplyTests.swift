import Foundation
import Testing

/// `.apply` of the shipped migrations 001…008: from nothing, and from every version in
/// between with the demo data, which must come through every table rebuild intact.
@Suite("Applying the shipped migrations")
struct ApplyTests {
    static let latestVersion = 8
    static let snapshotRows = "select * from Database_Snapshots order by snapshot_id"

    /// The checks every database at the latest version must pass: version, integrity,
    /// foreign keys, and a migsh record of each applied file with its reference sha256.
    func expectFullyMigrated(_ db: String, sourceLocation: SourceLocation = #_sourceLocation) throws {
        #expect(schemaVersion(db) == "\(Self.latestVersion)", sourceLocation: sourceLocation)
        #expect(sqlite(db, "select group_concat(version, ',') from (select version from Schema_Version order by version)")
                == "1,2,3,4,5,6,7,8", sourceLocation: sourceLocation)
        #expect(sqlite(db, "PRAGMA integrity_check") == "ok", sourceLocation: sourceLocation)
        #expect(sqlite(db, "PRAGMA foreign_key_check") == "", sourceLocation: sourceLocation)

        let sums = try sha256sums()
        let expected = sums.keys.sorted().map { "\($0)|\(sums[$0]!)" }.joined(separator: "\n")
        #expect(sums.count == Self.latestVersion, sourceLocation: sourceLocation)
        #expect(sqlite(db, "select count(*) from migsh_applied_migrations") == "\(Self.latestVersion)",
                sourceLocation: sourceLocation)
        #expect(sqlite(db, "select file, sha256 from migsh_applied_migrations order by version") == expected,
                sourceLocation: sourceLocation)
    }

    /// The success report names the backup it took; that file must exist and hold `version`.
    func expectBackupReported(in result: ProcessResult, atVersion version: Int,
                              sourceLocation: SourceLocation = #_sourceLocation) {
        let output = result.stdout + result.stderr
        let backup = firstMatch(of: #"/\S*migration_backup_\d{8}_\d{6}(_\d+)?\.sqlite"#, in: output)
        #expect(backup != nil, "no migration_backup_….sqlite path in the output:\n\(result)",
                sourceLocation: sourceLocation)
        if let backup {
            #expect(fileExists(backup), "reported backup \(backup) does not exist", sourceLocation: sourceLocation)
            #expect(sqlite(backup, "select coalesce(max(version), 0) from Schema_Version") == "\(version)",
                    sourceLocation: sourceLocation)
        }
    }

    @Test("an empty database goes through every migration to 008")
    func fromEmptyDatabase() throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            let result = try migsh(["--create", "-m", repositoryMigrations, db, ".apply --yes"])

            #expect(result.status == 0, "\(result)")
            #expect(!result.stderr.contains("Error"), "\(result)")
            let output = result.stdout + result.stderr
            for name in try sha256sums().keys {
                #expect(output.contains(name), "the apply report does not name \(name):\n\(result)")
            }
            #expect(result.stdout.contains("applied 8 migrations: version 0 → 8"), "\(result)")
            // The marker that BadInputTests and FaultTests look for to see that nothing ran.
            #expect(result.stderr.matches(of: ReliabilityKit.migrationRanMarker).count == 8, "\(result)")
            try expectFullyMigrated(db)
        }
    }

    @Test("a demo database at an intermediate version reaches 008 with its data intact",
          arguments: 1...7)
    func fromIntermediateVersion(start: Int) throws {
        try withTemporaryDirectory { dir in
            let db = dir + "/nukeworks_db.sqlite"
            // Schema_Version gains a row per migration, and Database_Snapshots one per
            // migration backup (spec §4.5, record_snapshot): those two are checked apart.
            let growingTables: Set = ["Schema_Version", "Database_Snapshots"]
            var tablesAtVersion1: [String] = []
            var countsAtVersion1: [String: Int] = [:]
            var snapshotRowsAtVersion1: [String] = []
            try makeDemoDatabase(db, version: start) { db in
                tablesAtVersion1 = userTables(db).filter { !growingTables.contains($0) }
                countsAtVersion1 = rowCounts(db, tables: tablesAtVersion1)
                snapshotRowsAtVersion1 = sqlite(db, Self.snapshotRows).split(separator: "\n").map(String.init)
            }
            #expect(schemaVersion(db) == "\(start)")
            #expect(tablesAtVersion1.contains("Projects") && tablesAtVersion1.contains("Products"))
            #expect((countsAtVersion1["Projects"] ?? 0) > 0, "the demo data did not load")

            // The ON DELETE CASCADE children of the tables that 006 and 008 rebuild.
            let cascadeChildren = ["Project_Product_Relationships", "Project_Personnel_Relationships"]
            let childrenBefore = cascadeChildren.map { sortedContent(db, table: $0) }
            let codBefore = sqlite(db, "select project_id, cod from Projects order by project_id")
            #expect(childrenBefore.allSatisfy { !$0.isEmpty })
            #expect(codBefore.contains("|2"), "no project has a cod to carry over")

            let result = try migsh(["-m", repositoryMigrations, db, ".apply --yes"])

            #expect(result.status == 0, "\(result)")
            #expect(!result.stderr.contains("Error"), "\(result)")
            let output = result.stdout + result.stderr
            for version in (start + 1)...Self.latestVersion {
                let name = URL(fileURLWithPath: try migrationFile(version)).lastPathComponent
                #expect(output.contains(name), "the apply report does not name \(name):\n\(result)")
            }
            expectBackupReported(in: result, atVersion: start)
            try expectFullyMigrated(db)

            #expect(rowCounts(db, tables: tablesAtVersion1) == countsAtVersion1)
            let snapshotRows = sqlite(db, Self.snapshotRows).split(separator: "\n").map(String.init)
            #expect(snapshotRowsAtVersion1.count >= 2, "the demo snapshots did not load")
            for row in snapshotRowsAtVersion1 {
                #expect(snapshotRows.contains(row), "Database_Snapshots lost the row \(row)")
            }
            for row in snapshotRows where !snapshotRowsAtVersion1.contains(row) {
                #expect(row.contains("|MIGRATION_BACKUP|"), "Database_Snapshots gained the row \(row)")
            }
            #expect(cascadeChildren.map { sortedContent(db, table: $0) } == childrenBefore)
            #expect(sqlite(db, "select project_id, commercial_operation_date from Projects order by project_id")
                    == codBefore)
            let objects = sqlite(db, "select type || ' ' || name from sqlite_master order by 1")
                .split(separator: "\n").map(String.init)
            for object in ["view v_product_catalog", "view v_active_projects",
                           "trigger trg_products_modified", "trigger trg_projects_modified"] {
                #expect(objects.contains(object), "\(object) is missing at version 8")
            }
            #expect(Int(sqlite(db, "select count(*) from v_active_projects")) ?? 0 > 0)
            #expect(Int(sqlite(db, "select count(*) from v_product_catalog")) ?? 0 > 0)
        }
    }
}
