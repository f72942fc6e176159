import ArgumentParser
import Foundation
import MigshCore

/// `.baseline N`: record versions up to N as applied without running them — only where the
/// live schema matches the expected schema at N (Flyway's baseline/repair, made safe).
struct BaselineCommand: DotCommand {
    static let configuration = CommandConfiguration(
        commandName: ".baseline",
        abstract: "Record versions up to N as applied without running them, if the live schema matches version N.")

    @Argument(help: "The version to record.")
    var version: Int

    @Flag(name: .customLong("force"), help: "Record even though the schema does not match (asks, audited).")
    var force = false

    @Flag(name: [.customShort("y"), .customLong("yes")], help: "Do not ask for confirmation.")
    var yes = false

    struct Result: Encodable {
        var versionBefore: Int
        var versionAfter: Int
        var recorded: [Int]
        var forced: Bool
    }

    func run(in shell: Shell) throws {
        let session = shell.session
        try session.refuseReadOnly(".baseline")
        try session.refuseInTransaction(".baseline")
        let folder = try session.loadFolder()
        let (live, expected, _) = try DiffCommand.investigate(shell, folder: folder)
        guard version >= 1, version < expected.versions.count, let _ = folder.migrations[version] else {
            throw MigshError(.usage, ".baseline \(version): the migrations go from 1 to \(expected.highestVersion)")
        }
        let recorded = try SchemaVersionTable.currentVersion(session.db)
        guard version > recorded else {
            throw MigshError(.refused, "Schema_Version already records version \(recorded); nothing to baseline")
        }
        let diff = SchemaDiff(live: live, expected: expected.versions[version])
        if !diff.isEmpty {
            guard force else {
                shell.out.write(DiffCommand.render(diff, version: version))
                throw MigshError(.refused, ".baseline \(version) refused: the live schema does not match version \(version) (differences above); nothing was recorded",
                                 details: ["Use .diff to see the verdict; .baseline --force records anyway (asks first, audited)."])
            }
            try session.confirm("The live schema does NOT match version \(version) (\(diff.changes.count) differences). Record versions \(recorded + 1)–\(version) as applied anyway?", yes: yes)
        }
        let versions = Array((recorded + 1)...version)
        try BaselineCommand.record(versions, folder: folder, session: session)
        session.log("baseline", ["version_before": recorded, "version_after": version, "forced": force && !diff.isEmpty,
                                 "differences": diff.changes.count])
        try shell.emit(Result(versionBefore: recorded, versionAfter: version, recorded: versions, forced: force && !diff.isEmpty)) {
            "recorded versions \(versions.map(String.init).joined(separator: ", ")) as applied (nothing was run); Schema_Version now says \(version)"
        }
    }

    static func record(_ versions: [Int], folder: MigrationFolder, session: Session) throws {
        let db = session.db
        try db.execute("BEGIN IMMEDIATE")
        do {
            try db.execute("""
                CREATE TABLE IF NOT EXISTS Schema_Version (
                    version INTEGER PRIMARY KEY,
                    applied_date TIMESTAMP DEFAULT CURRENT_TIMESTAMP,
                    applied_by TEXT,
                    description TEXT
                )
                """)
            let insert = try db.prepare("INSERT INTO Schema_Version (version, applied_date, applied_by, description) VALUES (?1, datetime('now'), ?2, ?3)")
            for v in versions {
                let m = folder.migrations[v]!
                insert.reset()
                try insert.bind(Int64(v), at: 1)
                try insert.bind("\(session.user) (migsh .baseline)", at: 2)
                try insert.bind(m.description, at: 3)
                try insert.run()
                try SchemaVersionTable.recordBaseline(db, migration: m, user: session.user)
            }
            try db.execute("COMMIT")
        } catch {
            try? db.execute("ROLLBACK")
            throw error
        }
    }
}
