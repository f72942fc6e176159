import CMigshSQLite
import FoundationEssentials
import Glibc
import Dispatch
import MigshBase

/// How a backup's copy is proved sound before it gets its name.
///
/// The plain way is `quick_check` of the finished copy: a second full pass after the copy.
/// Where the database's file is itself the snapshot being copied — a rollback-journal
/// database, with a read transaction held so that no writer can commit — the same proof is
/// had in the time of the slower of the two passes instead of their sum:
///
/// - a second connection runs `quick_check` on the database, on its own thread, while the
///   copy is made (both read transactions hold the shared lock: they see the same bytes);
/// - the finished copy is compared with the database's file, byte for byte, except the
///   header fields SQLite itself rewrites in a copy (change counter, size in pages, schema
///   cookie, version-valid-for, SQLite version) and the lock-byte page it never writes.
///
/// The copy is then the database's bytes, and those bytes passed `quick_check`: the copy
/// passes it too. The comparison proves more than the copy's own check did — a changed byte
/// inside a row, which no structural check sees, is found. A WAL database (its snapshot is
/// the file plus the log), an empty file (its copy is a new one-page database) and a
/// database another process is about to write (the second reader cannot start at once) get
/// the plain way.
enum BackupVerification {
    /// The database's own `quick_check`, running beside the copy.
    final class SourceCheck: @unchecked Sendable {
        let pageCount: Int
        let pageSize: Int
        private let source: Connection
        private let checker: Connection
        private let done = DispatchSemaphore(value: 0)
        private var result: Result<[String], any Error>?
        private var finished = false

        private init(source: Connection, checker: Connection, pageCount: Int, pageSize: Int) {
            self.source = source
            self.checker = checker
            self.pageCount = pageCount
            self.pageSize = pageSize
        }

        /// Begins a read transaction on `source` (kept until `end()`) and starts the check on a
        /// second connection; nil when the plain way must be taken, with nothing left open.
        static func start(source: Connection, path: String) throws -> SourceCheck? {
            try source.execute("BEGIN")
            var keep = false
            defer { if !keep { try? source.execute("COMMIT") } }
            // The first read takes the shared lock; from here no writer can commit.
            _ = try source.scalarInt("SELECT count(*) FROM sqlite_schema")
            guard try source.journalMode().lowercased() != "wal" else { return nil }
            guard let pageCount = try source.scalarInt("PRAGMA page_count"),
                  let pageSize = try source.scalarInt("PRAGMA page_size"),
                  // An empty file's copy is a new one-page database: nothing to compare.
                  pageCount > 0 else { return nil }
            // No waiting: a writer holding the pending lock waits for our shared lock, and
            // this reader would wait for the writer. Then the plain way.
            let checker = try Connection(path: path, mode: .readOnly, busyTimeoutMS: 0)
            do {
                try checker.execute("BEGIN")
                _ = try checker.scalarInt("SELECT count(*) FROM sqlite_schema")
            } catch let error as MigshError where error.code == .busy || error.resultCode?.primary == .busy {
                return nil
            }
            let check = SourceCheck(source: source, checker: checker, pageCount: Int(pageCount), pageSize: Int(pageSize))
            startThread {
                let lines = Result { try BackupStore.pageCheck(check.checker) }
                try? check.checker.execute("COMMIT")
                check.result = lines
                check.done.signal()
            }
            keep = true
            return check
        }

        /// The check's lines (`["ok"]` for a sound database).
        func wait() throws -> [String] {
            if !finished {
                done.wait()
                finished = true
            }
            return try result!.get()
        }

        /// Stops the check if it still runs, and ends the source's read transaction.
        func end() {
            if !finished {
                checker.interrupt()
                done.wait()
                finished = true
            }
            try? source.execute("COMMIT")
        }
    }

    /// Where the copy differs from the database's file, in words; nil when it is the
    /// database's bytes (see above for the bytes SQLite rewrites in any copy).
    static func difference(database: String, copy: String, pageCount: Int, pageSize: Int) throws -> String? {
        let source = FileSystem.open(database, O_RDONLY | O_CLOEXEC)
        guard source >= 0 else { throw MigshError(.io, "cannot read \(database): \(String(cString: strerror(errno)))") }
        defer { close(source) }
        let target = FileSystem.open(copy, O_RDONLY | O_CLOEXEC)
        guard target >= 0 else { throw MigshError(.io, "cannot read \(copy): \(String(cString: strerror(errno)))") }
        defer { close(target) }
        var st = stat()
        fstat(target, &st)
        let expected = pageCount * pageSize
        if Int(st.st_size) != expected {
            return "the copy has \(st.st_size) bytes, the database's \(pageCount) pages are \(expected)"
        }
        // SQLite never writes the page holding the lock bytes (offset 2^30) of a large file.
        let lockBytePage = 1_073_741_824 / pageSize + 1
        let chunk = max(pageSize, 1 << 20) / pageSize * pageSize
        let a = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 4096)
        let b = UnsafeMutableRawBufferPointer.allocate(byteCount: chunk, alignment: 4096)
        defer { a.deallocate(); b.deallocate() }
        var offset = 0
        while offset < expected {
            try CancellationToken.interrupt.check()
            let length = min(chunk, expected - offset)
            guard try readFully(source, into: a, count: length, at: offset, name: database) == length,
                  try readFully(target, into: b, count: length, at: offset, name: copy) == length else {
                return "the database's file ended before its \(pageCount) pages were read"
            }
            if offset == 0 {
                // Header bytes a copy always rewrites (backup.c, pager.c): 24..<32 (change
                // counter, size in pages), 40..<44 (schema cookie, raised so that the copy's
                // readers reload its schema) and 92..<100 (version-valid-for, SQLite version).
                for range in [24..<32, 40..<44, 92..<100] {
                    for i in range { a[i] = 0; b[i] = 0 }
                }
            }
            if memcmp(a.baseAddress!, b.baseAddress!, length) != 0 {
                for page in 0..<(length / pageSize) {
                    let number = offset / pageSize + page + 1
                    if number == lockBytePage { continue }
                    if memcmp(a.baseAddress! + page * pageSize, b.baseAddress! + page * pageSize, pageSize) != 0 {
                        return "page \(number) of the copy differs from the database's"
                    }
                }
            }
            offset += length
        }
        return nil
    }

    private static func readFully(_ fd: Int32, into buffer: UnsafeMutableRawBufferPointer, count: Int, at offset: Int, name: String) throws -> Int {
        var done = 0
        while done < count {
            let n = pread(fd, buffer.baseAddress! + done, count - done, off_t(offset + done))
            if n < 0 {
                if errno == EINTR { continue }
                throw MigshError(.io, "cannot read \(name): \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            done += n
        }
        return done
    }
}
