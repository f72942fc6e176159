import Foundation
import Testing

// MARK: - Shared fixtures of the reliability suites (BadInput, Fault, Security)

/// Helpers shared by `BadInputTests`, `FaultTests` and `SecurityTests`.
enum ReliabilityKit {
    /// FNV-1a over `data`: enough to notice any change of a file's bytes within one test run.
    static func fingerprint(_ data: Data) -> UInt64 {
        var hash: UInt64 = 0xcbf2_9ce4_8422_2325
        for byte in data {
            hash ^= UInt64(byte)
            hash = hash &* 0x0000_0100_0000_01B3
        }
        return hash
    }

    /// Every entry under `root` (recursively, symlinks not followed): relative path →
    /// `dir`, `link → destination`, or `file SIZE FINGERPRINT`.
    static func tree(_ root: String) -> [String: String] {
        var entries: [String: String] = [:]
        let manager = FileManager.default
        var pending = [""]
        while let relative = pending.popLast() {
            let folder = relative.isEmpty ? root : root + "/" + relative
            for name in (try? manager.contentsOfDirectory(atPath: folder)) ?? [] {
                let path = folder + "/" + name
                let key = relative.isEmpty ? name : relative + "/" + name
                var info = stat()
                guard lstat(path, &info) == 0 else { continue }
                switch info.st_mode & S_IFMT {
                case S_IFLNK:
                    entries[key] = "link → " + ((try? manager.destinationOfSymbolicLink(atPath: path)) ?? "?")
                case S_IFDIR:
                    entries[key] = "dir"
                    pending.append(key)
                default:
                    let data = manager.contents(atPath: path) ?? Data()
                    entries[key] = "file \(data.count) \(fingerprint(data))"
                }
            }
        }
        return entries
    }

    /// Records an issue for every difference between `before` and the tree of `root` now,
    /// except for the relative paths in `allowing` (which may appear or change) and an empty
    /// `snapshots` folder (the designated backups folder, not a stray file).
    static func expectUnchanged(
        _ before: [String: String], _ root: String, allowing allowed: Set<String> = [],
        _ what: String = "", sourceLocation: SourceLocation = #_sourceLocation
    ) {
        // An audit log comes with its head file (PATH.head: the last line's seq and hash).
        let allowing = allowed.union(allowed.filter { $0.hasSuffix("-audit.jsonl") }.map { $0 + ".head" })
        let after = tree(root)
        var problems: [String] = []
        for (path, state) in before.sorted(by: { $0.key < $1.key }) where !allowing.contains(path) {
            if let now = after[path] {
                if now != state { problems.append("changed: \(path) (\(state) → \(now))") }
            } else {
                problems.append("removed: \(path)")
            }
        }
        for (path, state) in after.sorted(by: { $0.key < $1.key }) where before[path] == nil && !allowing.contains(path) {
            if path == "snapshots" && state == "dir" && !after.keys.contains(where: { $0.hasPrefix("snapshots/") }) {
                continue
            }
            problems.append("new: \(path) (\(state))")
        }
        if !problems.isEmpty {
            let prefix = what.isEmpty ? "" : what + ": "
            let message = prefix + "the folder changed:\n" + problems.joined(separator: "\n")
            Issue.record(Comment(rawValue: message), sourceLocation: sourceLocation)
        }
    }

    /// The audit log migsh keeps beside `db` by default.
    static func auditName(_ dbName: String) -> String { dbName + "-audit.jsonl" }

    /// A complete, well-formed migration file's text (spec §3.3) for `version`.
    static func migrationText(
        _ version: Int, description: String = "reliability test", body: String,
        insertedVersion: Int? = nil, commit: Bool = true
    ) -> String {
        var text = """
            -- Description: \(description)
            -- Version: \(version)
            -- Date: 2025-08-01
            -- Author: migsh tests
            -- Rollback: restore the pre-migration backup

            BEGIN TRANSACTION;

            \(body)

            INSERT INTO Schema_Version (version, applied_date, applied_by, description)
            VALUES (\(insertedVersion ?? version), datetime('now'), 'system', '\(description)');

            """
        if commit { text += "COMMIT;\n" }
        return text
    }

    /// A copy of the repository's migrations in `folder`, plus `extra` files (name → bytes),
    /// with `migsh.sum` regenerated, so only the extra files can be at fault.
    static func migrationsFolder(_ folder: String, adding extra: [String: Data] = [:], removing: [Int] = []) throws {
        try copyRepositoryMigrations(to: folder)
        for version in removing {
            try FileManager.default.removeItem(atPath: try migrationFile(version, in: folder))
        }
        for (name, data) in extra {
            try data.write(to: URL(fileURLWithPath: folder + "/" + name))
        }
        try regenerateChecksums(in: folder)
    }

    /// Overwrites the cell-pointer array of the root page of `object` (a table or index of
    /// `db`) with 0xFF bytes: the schema stays readable, the b-tree is corrupt. Returns the page.
    @discardableResult
    static func corruptRootPage(of object: String, in db: String) throws -> Int {
        let page = try #require(Int(sqlite(db, "select rootpage from sqlite_master where name = '\(object)'")))
        let pageSize = try #require(Int(sqlite(db, "PRAGMA page_size")))
        let handle = try #require(FileHandle(forUpdatingAtPath: db))
        defer { try? handle.close() }
        // A b-tree leaf page's header is 8 bytes; the cell pointers follow it.
        try handle.seek(toOffset: UInt64((page - 1) * pageSize + 8))
        try handle.write(contentsOf: Data(repeating: 0xFF, count: 64))
        return page
    }

    /// What `.apply` prints on standard error for each migration it ran (`  003_x.sql: ok (12 ms)`).
    /// "Nothing was applied" is checked by its absence; `ApplyTests` checks that a clean apply
    /// prints it, so that a change of wording cannot turn these checks into ones that always hold.
    static var migrationRanMarker: Regex<Substring> { #/\d{3}_\S*\.sql: ok \(\d+ ms\)/# }

    /// No migration ran: neither stream has `migrationRanMarker`.
    static func expectNoMigrationRan(_ result: ProcessResult, sourceLocation: SourceLocation = #_sourceLocation) {
        #expect(!result.stdout.contains(migrationRanMarker) && !result.stderr.contains(migrationRanMarker),
                "a migration ran:\n\(result)", sourceLocation: sourceLocation)
    }

    /// `/usr/bin/python3`, when installed.
    static let python3: String? = FileManager.default.isExecutableFile(atPath: "/usr/bin/python3") ? "/usr/bin/python3" : nil

    /// Runs migsh (`--noinit` first) as a child of `bash -c 'ulimit -f KIB; exec …'`: every file
    /// it writes is limited to `kib` KiB, as on a full disk.
    static func migshWithFileSizeLimit(kib: Int, _ arguments: [String], cwd: String? = nil) throws -> ProcessResult {
        try runProcess("/bin/bash", ["-c", "ulimit -f \(kib); exec \"$0\" \"$@\"", migshBinary, "--noinit"] + arguments,
                       cwd: cwd, timeout: 30)
    }

    // MARK: Permissions

    static let setpriv = "/usr/bin/setpriv"
    static let dropToNobody = ["--reuid=65534", "--regid=65534", "--clear-groups"]

    /// Whether chmod can be tested here: not root, or root that can run migsh as `nobody`
    /// through setpriv (root itself ignores file permissions, so a chmod would prove nothing).
    static let canTestPermissions: Bool = {
        if getuid() != 0 { return true }
        guard FileManager.default.isExecutableFile(atPath: setpriv),
              let probe = try? runProcess(setpriv, dropToNobody + [migshBinary, "--noinit", "--version"], timeout: 10)
        else { return false }
        return probe.status == 0
    }()

    /// migsh as an unprivileged user: this user when not root, else `nobody` through setpriv.
    /// The folders it must write to need to be writable by that user (see `openUp`).
    static func migshUnprivileged(_ arguments: [String], cwd: String? = nil) throws -> ProcessResult {
        if getuid() != 0 { return try migsh(arguments, cwd: cwd) }
        return try runProcess(setpriv, dropToNobody + [migshBinary, "--noinit"] + arguments, cwd: cwd, timeout: 30)
    }

    static func chmod(_ path: String, _ mode: Int) throws {
        try FileManager.default.setAttributes([.posixPermissions: NSNumber(value: mode)], ofItemAtPath: path)
    }
}
