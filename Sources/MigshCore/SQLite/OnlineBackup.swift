import CMigshSQLite
import FoundationEssentials
import Glibc

/// SQLite's online backup API (https://www.sqlite.org/backup.html): a consistent copy even
/// in WAL mode and while other connections write, unlike a file copy.
public enum OnlineBackup {
    public struct Progress: Sendable {
        public var remainingPages: Int
        public var totalPages: Int
    }

    /// Copies the main schema of `source` into the main schema of `destination`.
    ///
    /// - pagesPerStep: pages copied per `sqlite3_backup_step`; the source's read lock is
    ///   released between steps, so a writer on another connection restarts the copy.
    /// - maxRestarts: how many restarts are tolerated before giving up, so that a busy
    ///   writer makes the backup fail instead of hang.
    public static func copy(from source: Connection, to destination: Connection,
                            pagesPerStep: Int32 = 4096, maxRestarts: Int = 20,
                            busyTimeoutMS: Int = 5000, pausePhase: String = "backup.copying",
                            progress: ((Progress) -> Void)? = nil) throws {
        try copy(from: source, to: destination, pagesPerStep: pagesPerStep, maxRestarts: maxRestarts,
                 busyTimeoutMS: busyTimeoutMS, pausePhase: pausePhase, progress: progress, holdingSnapshot: false)
    }

    /// Copies the main schema of `source` as it is at one moment, in steps of `pagesPerStep`
    /// pages with Ctrl-C checked between them (as `copy`), while a read transaction on
    /// `source` is held for the whole copy — what one `sqlite3_backup_step(-1)` does, without
    /// its wait for the whole file at Ctrl-C. Through the held transaction the backup never
    /// restarts: in rollback-journal mode another connection's writer waits (SQLITE_BUSY) until
    /// the copy ends; in WAL mode it writes past the copy's snapshot. When `source` already has a
    /// transaction open, that one is the snapshot.
    public static func snapshot(from source: Connection, to destination: Connection,
                                pagesPerStep: Int32 = 256, busyTimeoutMS: Int = 5000, pausePhase: String,
                                progress: ((Progress) -> Void)? = nil) throws {
        // A restart would mean the snapshot moved: refused rather than copied twice.
        try copy(from: source, to: destination, pagesPerStep: pagesPerStep, maxRestarts: 0,
                 busyTimeoutMS: busyTimeoutMS, pausePhase: pausePhase, progress: progress, holdingSnapshot: true)
    }

    private static func copy(from source: Connection, to destination: Connection, pagesPerStep: Int32, maxRestarts: Int,
                             busyTimeoutMS: Int, pausePhase: String, progress: ((Progress) -> Void)?, holdingSnapshot: Bool) throws {
        // > If there is no open read-transaction on the source database, [sqlite3_backup_step]
        // > opens one now ... it will be closed before this function exits.
        // A transaction opened here instead lasts from the first step to the last.
        var began = false
        if holdingSnapshot && source.isAutocommit {
            try source.execute("BEGIN DEFERRED")
            began = true
        }
        defer { if began { try? source.execute("COMMIT") } }
        if began { _ = try source.scalarInt("SELECT count(*) FROM main.sqlite_schema") }
        // > sqlite3_backup_init() ... returns NULL and an error is stored in the destination
        // > database connection if ... there is already a read or read-write transaction
        // > open on the destination database.
        guard let backup = sqlite3_backup_init(destination.handle, "main", source.handle, "main") else {
            throw destination.error(sqlite3_errcode(destination.handle))
        }
        var finished = false
        defer { if !finished { sqlite3_backup_finish(backup) } }

        var restarts = 0
        var lastRemaining = Int.max
        var busySince: Date?
        while true {
            let rc = sqlite3_backup_step(backup, pagesPerStep)
            let remaining = Int(sqlite3_backup_remaining(backup))
            let total = Int(sqlite3_backup_pagecount(backup))
            if rc == SQLITE_OK || rc == SQLITE_DONE {
                busySince = nil
                // > If the source database is modified by ... a different connection ... the
                // > backup will be restarted by the next call to sqlite3_backup_step().
                if remaining > lastRemaining && rc == SQLITE_OK {
                    restarts += 1
                    if restarts > maxRestarts {
                        throw MigshError(.backupFailed,
                            "the database kept changing during the backup (restarted \(restarts) times); try again when it is quieter")
                    }
                }
                lastRemaining = remaining
                progress?(Progress(remainingPages: remaining, totalPages: total))
                if rc == SQLITE_DONE { break }
                TestPause.at(pausePhase)
                // Ctrl-C between steps: finishing without SQLITE_DONE rolls the destination's
                // write transaction back (the defer), so it is as it was.
                try CancellationToken.interrupt.check()
            } else if rc == SQLITE_BUSY || rc == SQLITE_LOCKED {
                // > If SQLITE_BUSY or SQLITE_LOCKED is returned, sqlite3_backup_step() can be retried later.
                let start = busySince ?? Date()
                busySince = start
                if Date().timeIntervalSince(start) * 1000 > Double(busyTimeoutMS) {
                    throw MigshError(.busy, "database is locked: another process held it for more than \(busyTimeoutMS) ms",
                                     resultCode: ResultCode(rawValue: rc))
                }
                usleep(10_000)
            } else {
                let message = String(cString: sqlite3_errstr(rc))
                finished = true
                sqlite3_backup_finish(backup)
                let primary = rc & 0xff
                let code: MigshError.Code = primary == SQLITE_NOTADB ? .notADatabase
                    : primary == SQLITE_CORRUPT ? .damaged
                    : primary == SQLITE_READONLY ? .readOnly : .backupFailed
                throw MigshError(code, message, resultCode: ResultCode(rawValue: rc))
            }
        }
        finished = true
        let rc = sqlite3_backup_finish(backup)
        if rc != SQLITE_OK { throw destination.error(rc) }
    }
}
