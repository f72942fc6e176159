import CMigshSQLite
import FoundationEssentials
import Glibc
import MigshBase

/// The backups folder (`snapshots/` beside the database by default). Every backup is taken
/// with SQLite's online backup API, integrity-checked, created 0600 without following
/// symlinks, fsynced and then renamed into place; a failed backup leaves no file behind.
public struct BackupStore: Sendable {
    public var directory: String

    public init(directory: String) { self.directory = directory }

    /// The default folder: `snapshots/` beside the database.
    public static func defaultDirectory(forDatabase path: String) -> String {
        let dir = absolutePath(path).pathDeletingLastComponent
        return dir.pathAppending("snapshots")
    }

    /// Where a backup is: copying pages (done of total, bytes so far), then verifying the copy.
    public enum Progress: Sendable {
        case copying(fraction: Double, bytes: Double)
        case verifying
    }

    public enum Reason: String, Sendable, Codable {
        case manual, preApply = "pre-apply", preRestore = "pre-restore"
    }

    public struct Backup: Sendable, Codable, Equatable {
        public var path: String
        public var created: String
        public var sizeBytes: Int
        /// The schema version inside the backup (nil if it cannot be read).
        public var schemaVersion: Int?
        /// The path of the database it was taken from (from its manifest; nil for foreign files).
        public var source: String?
        /// The identity of the database it was taken from (`DatabaseIdentity`), from its
        /// manifest or from the copy itself.
        public var sourceID: String?
        /// Why it was taken (nil: a file without a manifest, or a reason this version does not know).
        public var reason: Reason?
        /// A raw copy of a damaged database (`.restore` of a damaged one keeps it as evidence).
        public var damaged: Bool
    }

    /// The manifest written beside each backup (`FILE.json`).
    struct Manifest: Codable {
        var source: String
        var sourceID: String?
        var created: String
        var schemaVersion: Int?
        var reason: String
        var sizeBytes: Int
        var integrity: String
        var damaged: Bool?
    }

    static func manifestPath(_ backupPath: String) -> String { backupPath + ".json" }

    /// `PRAGMA quick_check`'s lines; damage that stops the check itself (SQLITE_CORRUPT,
    /// SQLITE_NOTADB: a damaged header or root page) is one line of its own, like the rest.
    static func pageCheck(_ db: Connection) throws -> [String] {
        do {
            return try db.quickCheck()
        } catch let error as MigshError where error.resultCode?.primary == .corrupt || error.resultCode?.primary == .notADatabase {
            return [error.resultCode?.description ?? error.message]
        }
    }

    /// The first lines of a failed check, on one line.
    static func summary(_ integrity: [String]) -> String {
        let lines = integrity.flatMap { $0.split(separator: "\n").map(String.init) }.filter { !$0.hasPrefix("*** in database") }
        return "\(lines.prefix(3).joined(separator: "; "))\(lines.count > 3 ? "; …" : "")"
    }

    static func damagedDatabase(_ integrity: [String]) -> MigshError {
        MigshError(.damaged, "the backup failed its integrity check: \(summary(integrity))")
    }

    static func damagedCopy(_ found: String, folder path: String) -> MigshError {
        MigshError(.backupFailed, "the copy was damaged while it was written (the database itself passes its check): \(found)",
                   details: ["Check the disk holding \(path.pathDeletingLastComponent) (I/O errors, a failing drive) and take the backup again."])
    }

    /// `DATABASE-migration_backup_YYYYMMDD_HHMMSS.sqlite`: the spec's name (§4.5) after the
    /// database's, so databases sharing a folder never collide and a person tells them apart;
    /// made unique within the second.
    public func defaultPath(prefix: String = "migration_backup", database: String, now: Date = Date()) -> String {
        let name = database.pathLastComponent.pathDeletingExtension
        let stem = "\(name)-\(prefix)_\(localDateText(secondsSince1970: now.timeIntervalSince1970, pattern: "yyyyMMdd_HHmmss"))"
        var candidate = directory.pathAppending(stem + ".sqlite")
        var n = 2
        // A name another process is writing (its .partial) is taken too, and so is one with a
        // stale journal beside it (`companionJournal`).
        while FileSystem.exists(candidate) || isSymlink(candidate)
                || FileSystem.exists(candidate + ".partial") || isSymlink(candidate + ".partial")
                || Self.companionJournal(of: candidate) != nil {
            candidate = directory.pathAppending("\(stem)_\(n).sqlite")
            n += 1
        }
        return candidate
    }

    /// Takes a verified backup of the database at `databasePath` into `path` (default: a new
    /// name in the folder).
    ///
    /// The source is a separate read-only connection: it sees committed data only, and
    /// `sqlite3_backup_step` returns SQLITE_BUSY while the source connection itself holds a
    /// write transaction, which `.apply` does (its `BEGIN IMMEDIATE` lock keeps other writers
    /// out, so the backup is exactly the state the migrations start from).
    @discardableResult
    public func create(fromDatabaseAt databasePath: String, path requested: String? = nil, reason: Reason,
                       sourceID: String? = nil, busyTimeoutMS: Int = 5000,
                       progress: ((Progress) -> Void)? = nil) throws -> Backup {
        if requested == nil {
            do { try makeDirectory() } catch {
                throw MigshError(.backupFailed, "cannot create the backups folder \(directory): \(errorDescription(error, reading: false))")
            }
        }
        removeInterruptedBackups()
        let prefix = reason == .preRestore ? "pre_restore_backup" : "migration_backup"
        var path = absolutePath(requested ?? defaultPath(prefix: prefix, database: databasePath))
        if FileSystem.exists(path) || isSymlink(path) {
            throw MigshError(.backupFailed, "\(path) already exists; migsh does not overwrite files (choose another name)")
        }
        if let journal = Self.companionJournal(of: path) {
            throw MigshError(.backupFailed, "\(journal) lies beside \(path): SQLite would roll it into the copy when the copy is first opened (a stale journal of an earlier file of that name), so the verified copy would not stay verified; nothing was written",
                             details: ["Remove \(journal.pathLastComponent) if it is a leftover, or choose another name."])
        }
        var partial = path + ".partial"
        // O_EXCL|O_NOFOLLOW: never write through a symlink planted at the name; 0600 from the
        // first byte because backups hold confidential rows. A default name another process
        // took in the meantime (databases of a fleet sharing --backups) moves to the next one.
        var fd = PrivateFile.open(partial, O_WRONLY | O_EXCL)
        var attempts = 0
        while fd < 0 && errno == EEXIST && requested == nil && attempts < 100 {
            attempts += 1
            path = absolutePath(defaultPath(prefix: prefix, database: databasePath))
            partial = path + ".partial"
            fd = PrivateFile.open(partial, O_WRONLY | O_EXCL)
        }
        guard fd >= 0 else {
            throw MigshError(.backupFailed, "cannot create \(partial): \(String(cString: strerror(errno)))")
        }
        // Held until the copy is named or removed: the lock tells this live backup from the
        // leftover of a killed one (`removeInterruptedBackups`). flock(2) locks are apart from
        // SQLite's fcntl(2) locks on the same file, and end with the process.
        flock(fd, LOCK_EX)
        var keep = false
        defer {
            if !keep {
                FileSystem.unlink(partial)
                FileSystem.unlink(partial + "-journal")
            }
            close(fd)
        }
        do {
            let source = try Connection(path: databasePath, mode: .readOnly, busyTimeoutMS: Int32(busyTimeoutMS))
            // The database's own check beside the copy, where its file is the snapshot
            // (BackupVerification); otherwise the copy's check after it is written.
            let sourceCheck = try BackupVerification.SourceCheck.start(source: source, path: databasePath)
            defer { sourceCheck?.end() }
            do {
                let dest = try Connection(path: partial, mode: .readWrite)
                let pageSize = Double(try source.scalarInt("PRAGMA page_size") ?? 4096)
                try OnlineBackup.copy(from: source, to: dest, pagesPerStep: 1024, busyTimeoutMS: busyTimeoutMS) { p in
                    let done = Double(p.totalPages - p.remainingPages)
                    progress?(.copying(fraction: p.totalPages == 0 ? 1 : done / Double(p.totalPages), bytes: done * pageSize))
                }
                // The copy keeps the source's journal mode; a backup is a plain file.
                _ = try? dest.scalarText("PRAGMA journal_mode=DELETE")
            }
            progress?(.verifying)
            TestPause.at("backup.verifying")
            if let sourceCheck {
                let difference = try BackupVerification.difference(database: databasePath, copy: partial,
                                                                   pageCount: sourceCheck.pageCount, pageSize: sourceCheck.pageSize)
                let lines = try sourceCheck.wait()
                guard lines == ["ok"] else { throw Self.damagedDatabase(lines) }
                if let difference { throw Self.damagedCopy(difference, folder: path) }
                sourceCheck.end()
            } else {
                // The copy is verified with quick_check: the backup API copies pages verbatim, so
                // what can go wrong in a copy is page-level damage (an I/O error, a short write),
                // which quick_check finds; the index-vs-table cross-check of integrity_check would
                // only re-verify the source, at 7× the cost on a 590 MB database (8.8 s vs 1.2 s).
                let integrity = try Self.pageCheck(Connection(path: partial, mode: .readOnly))
                if integrity != ["ok"] {
                    // The copy is page for page the source, so usually the source is damaged. Only
                    // on this failure path is the source checked too, to say which one it is.
                    let sourceCheck = try? Self.pageCheck(Connection(path: databasePath, mode: .readOnly, busyTimeoutMS: Int32(busyTimeoutMS)))
                    if sourceCheck == ["ok"] { throw Self.damagedCopy(Self.summary(integrity), folder: path) }
                    throw Self.damagedDatabase(integrity)
                }
            }
            let check = try Connection(path: partial, mode: .readOnly)
            let version = try SchemaVersionTable.recordedVersion(check)
            try fsyncPath(partial)
            // The last moment Ctrl-C stops it: after this the backup is published.
            try CancellationToken.interrupt.check()
            try publish(partial, as: path)
            keep = true
            try? fsyncPath(path.pathDeletingLastComponent)
            let size = FileSystem.linkStatus(path).map { Int($0.st_size) } ?? 0
            let created = iso8601Now()
            let id = sourceID ?? DatabaseIdentity.read(check)
            let manifest = Manifest(source: absolutePath(databasePath), sourceID: id, created: created, schemaVersion: version,
                                    reason: reason.rawValue, sizeBytes: size, integrity: "ok")
            try? writePrivateFile(Self.manifestPath(path), contents: try JSONEncoder.sorted.encode(manifest))
            return Backup(path: path, created: created, sizeBytes: size, schemaVersion: version,
                          source: manifest.source, sourceID: id, reason: reason, damaged: false)
        } catch let error as MigshError where error.code == .interrupted || CancellationToken.interrupt.shouldStop {
            // The partial copy is removed (the defer above); nothing is published.
            throw MigshError(.interrupted, "interrupted: nothing was changed; no backup was taken (the partial copy was removed)")
        } catch var error as MigshError {
            if error.code != .busy && error.code != .damaged && error.code != .notADatabase { error.code = .backupFailed }
            error.message = "backup failed, nothing was changed: " + error.message
            switch error.resultCode {
            case .ioError?, .full?:
                error.details.append("Is the disk full, or a file-size limit (ulimit -f) in force? Free space in \(path.pathDeletingLastComponent) and try again.")
            default: break
            }
            throw error
        }
    }

    /// A `-journal` or `-wal` file beside `path`, if there is one: SQLite treats a hot journal
    /// or a WAL beside a database file as its own and applies it when the file is opened.
    static func companionJournal(of path: String) -> String? {
        for suffix in ["-journal", "-wal"] where FileSystem.exists(path + suffix) || isSymlink(path + suffix) {
            return path + suffix
        }
        return nil
    }

    /// Removes what killed backups left in the folder: `NAME.partial` files (full-size copies,
    /// never named) and their `-journal`. A `.partial` that another live migsh is writing is
    /// kept: its writer holds an exclusive `flock` on it from the moment it creates it, so a
    /// leftover is one whose lock can be taken. An empty one younger than a minute is kept
    /// too (its writer may not have locked it yet). Returns the names removed.
    @discardableResult
    public func removeInterruptedBackups() -> [String] {
        guard let names = FileSystem.entries(of: directory) else { return [] }
        var removed: [String] = []
        for name in names.sorted() where name.hasSuffix(".partial") {
            let path = directory.pathAppending(name)
            let fd = FileSystem.open(path, O_RDONLY | O_NOFOLLOW | O_CLOEXEC | O_NONBLOCK)
            guard fd >= 0 else { continue }
            defer { close(fd) }
            guard flock(fd, LOCK_EX | LOCK_NB) == 0 else { continue }  // a live backup
            var st = stat()
            guard fstat(fd, &st) == 0, (st.st_mode & S_IFMT) == S_IFREG else { continue }
            if st.st_size == 0 && time(nil) - st.st_mtim.tv_sec < 60 { continue }
            // Still the file locked (not replaced since it was opened).
            guard let now = FileSystem.linkStatus(path), now.st_ino == st.st_ino, now.st_dev == st.st_dev else { continue }
            if FileSystem.unlink(path) == 0 { removed.append(name) }
            FileSystem.unlink(path + "-journal")
        }
        // A journal whose copy is gone belongs to no live backup (a writer's copy exists first).
        for name in names where name.hasSuffix(".partial-journal") {
            let path = directory.pathAppending(name)
            if !FileSystem.exists(String(path.dropLast("-journal".count))), FileSystem.unlink(path) == 0 { removed.append(name) }
        }
        return removed
    }

    /// Gives the finished copy its name without ever replacing a file of that name: a hard
    /// link fails when the name exists, where rename(2) would silently replace it. Filesystems
    /// without hard links get a rename after a check.
    private func publish(_ partial: String, as path: String) throws {
        if FileSystem.link(partial, path) == 0 {
            FileSystem.unlink(partial)
            return
        }
        let linkError = errno
        if linkError == EEXIST {
            throw MigshError(.backupFailed, "\(path) appeared while the backup was taken (another process?); migsh does not overwrite files")
        }
        guard !FileSystem.exists(path), FileSystem.rename(partial, path) == 0 else {
            throw MigshError(.backupFailed, "cannot rename \(partial) to \(path): \(String(cString: strerror(errno != 0 ? errno : linkError)))")
        }
    }

    /// The backups in the folder, oldest first.
    public func list() -> [Backup] {
        guard let names = FileSystem.entries(of: directory) else { return [] }
        return names.filter { $0.hasSuffix(".sqlite") }.sorted().compactMap { name in
            describe(path: directory.pathAppending(name))
        }.sorted { $0.created < $1.created }
    }

    /// Facts about one backup file, from its manifest if present, else from the file itself.
    public func describe(path: String) -> Backup? {
        // lstat, as attributesOfItem(atPath:): a link's own size and time.
        guard let attributes = FileSystem.linkStatus(path) else { return nil }
        let size = Int(attributes.st_size)
        let manifest = FileSystem.contents(Self.manifestPath(path)).flatMap { try? JSONDecoder().decode(Manifest.self, from: Data($0)) }
        var version = manifest?.schemaVersion
        var id = manifest?.sourceID
        if manifest?.damaged != true, version == nil || id == nil, let db = try? Connection(path: path, mode: .readOnly) {
            if version == nil { version = try? SchemaVersionTable.recordedVersion(db) }
            if id == nil { id = DatabaseIdentity.read(db) }
        }
        let modified = Double(attributes.st_mtim.tv_sec) + Double(attributes.st_mtim.tv_nsec) / 1_000_000_000
        let created = manifest?.created ?? iso8601(Date(timeIntervalSince1970: modified))
        return Backup(path: path, created: created, sizeBytes: size, schemaVersion: version,
                      source: manifest?.source, sourceID: id, reason: manifest.flatMap { Reason(rawValue: $0.reason) }, damaged: manifest?.damaged ?? false)
    }

    /// A raw copy of a damaged database — its file and its `-wal` and `-journal` — kept as
    /// evidence before a restore replaces it: a damaged database fails any verified backup,
    /// and must not block its own recovery. Created 0600, never through a symlink.
    public func rawCopy(ofDatabaseAt databasePath: String, sourceID: String?, reason: String) throws -> Backup {
        try? makeDirectory()
        let path = defaultPath(prefix: "pre_restore_damaged", database: databasePath)
        var written: [String] = []
        do {
            for suffix in ["", "-wal", "-journal"] where FileSystem.exists(databasePath + suffix) {
                guard let data = FileSystem.contents(databasePath + suffix).map({ Data($0) }) else {
                    throw MigshError(.backupFailed, "cannot read \(databasePath + suffix)")
                }
                let fd = PrivateFile.open(path + suffix, O_WRONLY | O_EXCL)
                guard fd >= 0 else { throw MigshError(.backupFailed, "cannot create \(path + suffix): \(String(cString: strerror(errno)))") }
                close(fd)
                written.append(path + suffix)
                try writePrivateFile(path + suffix, contents: data)
                try fsyncPath(path + suffix)
            }
        } catch {
            for file in written { FileSystem.unlink(file) }
            throw error
        }
        let size = FileSystem.linkStatus(path).map { Int($0.st_size) } ?? 0
        let created = iso8601Now()
        let manifest = Manifest(source: absolutePath(databasePath), sourceID: sourceID, created: created, schemaVersion: nil,
                                reason: BackupStore.Reason.preRestore.rawValue, sizeBytes: size, integrity: reason, damaged: true)
        try? writePrivateFile(Self.manifestPath(path), contents: try JSONEncoder.sorted.encode(manifest))
        return Backup(path: path, created: created, sizeBytes: size, schemaVersion: nil, source: manifest.source,
                      sourceID: sourceID, reason: .preRestore, damaged: true)
    }

    /// Removes a backup and its manifest (a restore that did not happen leaves no files).
    func remove(_ backup: Backup) {
        for suffix in ["", "-wal", "-journal", ".json"] { FileSystem.unlink(backup.path + suffix) }
    }

    /// The folder and any missing folder above it, each made 0700 (as FileManager's
    /// `createDirectory(withIntermediateDirectories:attributes: [.posixPermissions: 0o700])`
    /// set them, whatever the umask).
    private func makeDirectory() throws(FileSystemError) {
        var missing: [String] = []
        var folder = directory
        while !folder.isEmpty, folder != "/", FileSystem.linkStatus(folder) == nil {
            missing.append(folder)
            folder = folder.pathDeletingLastComponent
        }
        try FileSystem.makeDirectories(directory, 0o700)
        for made in missing { FileSystem.changeMode(made, 0o700) }
    }
}
