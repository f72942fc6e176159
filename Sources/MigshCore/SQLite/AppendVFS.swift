import CMigshSQLite
import Glibc

/// sqlite3's "apndvfs" (SQLite's ext/misc/appendvfs.c, compiled into the sqlite3 shell but not
/// into the system library), written against SQLite's VFS interface: an SQLite database
/// appended to another file, such as an executable. The file is laid out as appendvfs.c lays
/// it out, so that sqlite3 (`-A -a`, `-append`, `.open --append`) and migsh read each other's:
///
///     | the host file's bytes | zero padding | the database | "Start-Of-SQLite3-" + 8 bytes |
///                                            ^ start (a multiple of 4096 when migsh appends)
///
/// The trailer's 8 bytes are the database's offset in the file, big-endian. Every read and
/// write of the database is moved by that offset, so the host file's bytes before it are
/// never written: a failed or interrupted write leaves them as they were. Opening follows
/// appendvfs.c's rules in order: a file that ends with a valid trailer is an appended
/// database; a file that starts with SQLite's header (and has a whole number of 512-byte
/// units) is an ordinary database, opened as the underlying VFS opens it; otherwise, with
/// SQLITE_OPEN_CREATE, a new database is appended (written at the first write), and without
/// it the open fails with SQLITE_CANTOPEN. Only a main database goes through it: journals and
/// temporary files are the underlying VFS's own.
///
/// Registered by `register()`, not as the default VFS, as sqlite3's shell registers it at
/// start-up: only a connection that names it (`sqlite3_open_v2(…, "apndvfs")`) uses it, so
/// the connections that run migrations never do.
public enum AppendVFS {
    /// The VFS's name, as sqlite3's shell registers it.
    public static let name = "apndvfs"

    /// Registers the VFS once, after the default one (`sqlite3_vfs_register(…, 0)`), wrapping
    /// the VFS that is the default at that moment (sqlite3: after `-vfs NAME`); false when
    /// SQLite refused. Later calls return the first answer.
    @discardableResult
    public static func register() -> Bool { registered }

    private static let registered: Bool = {
        guard let original = sqlite3_vfs_find(nil) else { return false }
        let vfs = UnsafeMutablePointer<sqlite3_vfs>.allocate(capacity: 1)
        vfs.initialize(to: makeVFS(wrapping: original))
        // > The same VFS can be registered multiple times without injury.
        return sqlite3_vfs_register(vfs, 0) == SQLITE_OK
    }()

    // MARK: The layout (appendvfs.c's constants)

    static let markPrefix: [UInt8] = Array("Start-Of-SQLite3-".utf8)
    /// The trailer: the prefix and the 8-byte offset.
    static let markSize: Int64 = 25
    /// The database and everything before it stay below 1 GiB (appendvfs.c's APND_MAX_SIZE).
    static let maxSize: Int64 = 0x4000_0000
    /// A new database starts at the next multiple of this (APND_ROUNDUP).
    static let roundUp: Int64 = 4096
    static let sqliteHeader: [UInt8] = Array("SQLite format 3\0".utf8)

    /// The open file as SQLite sees it: SQLite's struct first (a C "subclass"), then where the
    /// database starts and where the trailer is (-1 until it is written); the underlying VFS's
    /// file follows it in the same allocation (`szOsFile` is the sum).
    private struct AppendFile {
        var base: sqlite3_file
        var start: Int64
        var mark: Int64
    }

    private static let headerSize = MemoryLayout<AppendFile>.stride

    private static func state(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<AppendFile> {
        UnsafeMutableRawPointer(file).assumingMemoryBound(to: AppendFile.self)
    }

    /// The underlying VFS's file, which spans the whole host file.
    private static func underlying(_ file: UnsafeMutablePointer<sqlite3_file>) -> UnsafeMutablePointer<sqlite3_file> {
        (UnsafeMutableRawPointer(file) + headerSize).assumingMemoryBound(to: sqlite3_file.self)
    }

    private static func wrapped(_ vfs: UnsafeMutablePointer<sqlite3_vfs>?) -> UnsafeMutablePointer<sqlite3_vfs> {
        vfs!.pointee.pAppData.assumingMemoryBound(to: sqlite3_vfs.self)
    }

    private static func methods(_ file: UnsafeMutablePointer<sqlite3_file>) -> sqlite3_io_methods {
        file.pointee.pMethods.pointee
    }

    // MARK: Reading the trailer

    private static func read(_ file: UnsafeMutablePointer<sqlite3_file>, _ count: Int, at offset: Int64) -> [UInt8]? {
        var buffer = [UInt8](repeating: 0, count: count)
        let rc = buffer.withUnsafeMutableBytes { methods(file).xRead!(file, $0.baseAddress, Int32(count), offset) }
        return rc == SQLITE_OK ? buffer : nil
    }

    /// apndReadMark: the database's offset from a valid trailer at the end of a file of `size`
    /// bytes, or -1. Valid: the file's size is 25 more than a multiple of 512, and the offset
    /// is a multiple of 512 that leaves room for one page.
    static func readMark(size: Int64, of file: UnsafeMutablePointer<sqlite3_file>) -> Int64 {
        guard size & 0x1ff == markSize, let trailer = read(file, Int(markSize), at: size - markSize),
              trailer.prefix(markPrefix.count).elementsEqual(markPrefix) else { return -1 }
        var offset = Int64(trailer[markPrefix.count] & 0x7f)
        for byte in trailer[(markPrefix.count + 1)...] { offset = offset << 8 | Int64(byte) }
        if offset > size - markSize - 512 || offset & 0x1ff != 0 { return -1 }
        return offset
    }

    /// apndIsAppendvfsDatabase: a valid trailer that points at SQLite's header.
    static func isAppendedDatabase(size: Int64, of file: UnsafeMutablePointer<sqlite3_file>) -> Bool {
        let start = readMark(size: size, of: file)
        guard start >= 0, let header = read(file, sqliteHeader.count, at: start) else { return false }
        return header == sqliteHeader && size & 0x1ff == markSize && size >= 512 + markSize
    }

    /// apndIsOrdinaryDatabaseFile: SQLite's header at the start, a whole number of 512-byte
    /// units, and no trailer.
    static func isOrdinaryDatabase(size: Int64, of file: UnsafeMutablePointer<sqlite3_file>) -> Bool {
        if isAppendedDatabase(size: size, of: file) || size & 0x1ff != 0 { return false }
        return read(file, sqliteHeader.count, at: 0) == sqliteHeader
    }

    /// apndWriteMark: the trailer written where the database will end (`end`, relative to the
    /// database); the recorded position moves only when the write succeeded.
    private static func writeMark(_ file: UnsafeMutablePointer<sqlite3_file>, end: Int64) -> Int32 {
        let s = state(file)
        var trailer = markPrefix
        for shift in stride(from: 56, through: 0, by: -8) { trailer.append(UInt8(truncatingIfNeeded: s.pointee.start >> Int64(shift))) }
        let position = end + s.pointee.start
        let base = underlying(file)
        let rc = trailer.withUnsafeBytes { methods(base).xWrite!(base, $0.baseAddress, Int32(trailer.count), position) }
        if rc == SQLITE_OK { s.pointee.mark = position }
        return rc
    }

    // MARK: The open file's methods

    /// appendvfs.c's apnd_io_methods: each passes through to the underlying file, offsets
    /// moved by where the database starts.
    nonisolated(unsafe) private static let ioMethods: UnsafeMutablePointer<sqlite3_io_methods> = {
        var m = sqlite3_io_methods()
        m.iVersion = 3
        m.xClose = { file in
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xClose!(base)
        }
        m.xRead = { file, buffer, amount, offset in
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xRead!(base, buffer, amount, AppendVFS.state(file!).pointee.start + offset)
        }
        m.xWrite = { file, buffer, amount, offset in
            let s = AppendVFS.state(file!)
            let end = offset + Int64(amount)
            if end >= AppendVFS.maxSize { return SQLITE_FULL }
            // The trailer goes first when it is missing or the write passes it.
            if s.pointee.mark < 0 || s.pointee.start + end > s.pointee.mark {
                let rc = AppendVFS.writeMark(file!, end: end)
                if rc != SQLITE_OK { return rc }
            }
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xWrite!(base, buffer, amount, s.pointee.start + offset)
        }
        m.xTruncate = { file, size in
            // The trailer goes out first, so that a failed truncation does not lose it.
            if AppendVFS.writeMark(file!, end: size) != SQLITE_OK { return SQLITE_IOERR }
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xTruncate!(base, AppendVFS.state(file!).pointee.mark + AppendVFS.markSize)
        }
        m.xSync = { file, flags in
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xSync!(base, flags)
        }
        m.xFileSize = { file, size in
            let s = AppendVFS.state(file!)
            // No trailer yet: an empty database.
            size!.pointee = s.pointee.mark >= 0 ? s.pointee.mark - s.pointee.start : 0
            return SQLITE_OK
        }
        m.xLock = { file, lock in
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xLock!(base, lock)
        }
        m.xUnlock = { file, lock in
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xUnlock!(base, lock)
        }
        m.xCheckReservedLock = { file, result in
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xCheckReservedLock!(base, result)
        }
        m.xFileControl = { file, op, argument in
            let start = AppendVFS.state(file!).pointee.start
            let base = AppendVFS.underlying(file!)
            if op == SQLITE_FCNTL_SIZE_HINT, let argument {
                argument.assumingMemoryBound(to: Int64.self).pointee += start
            }
            let rc = AppendVFS.methods(base).xFileControl!(base, op, argument)
            if rc == SQLITE_OK && op == SQLITE_FCNTL_VFSNAME, let argument {
                // appendvfs.c: "apnd(%lld)/%z" — this layer's name before the stack below it.
                let names = argument.assumingMemoryBound(to: UnsafeMutablePointer<CChar>?.self)
                var text = Array("apnd(\(start))/".utf8)
                if let below = names.pointee {
                    text += UnsafeRawBufferPointer(start: below, count: strlen(below))
                    sqlite3_free(below)
                }
                names.pointee = sqliteOwnedString(text)
            }
            return rc
        }
        m.xSectorSize = { file in
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xSectorSize!(base)
        }
        m.xDeviceCharacteristics = { file in
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xDeviceCharacteristics!(base)
        }
        // Shared memory (WAL) and memory mapping pass through when the VFS below has them.
        m.xShmMap = { file, page, size, extend, pointer in
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xShmMap?(base, page, size, extend, pointer) ?? SQLITE_IOERR
        }
        m.xShmLock = { file, offset, count, flags in
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xShmLock?(base, offset, count, flags) ?? SQLITE_IOERR
        }
        m.xShmBarrier = { file in
            let base = AppendVFS.underlying(file!)
            AppendVFS.methods(base).xShmBarrier?(base)
        }
        m.xShmUnmap = { file, delete in
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xShmUnmap?(base, delete) ?? SQLITE_OK
        }
        m.xFetch = { file, offset, amount, pointer in
            let s = AppendVFS.state(file!)
            // appendvfs.c: what is not there yet cannot be mapped (its test, as written).
            if s.pointee.mark < 0 || offset + Int64(amount) > s.pointee.mark { return SQLITE_IOERR }
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xFetch?(base, offset + s.pointee.start, amount, pointer) ?? SQLITE_IOERR
        }
        m.xUnfetch = { file, offset, page in
            let base = AppendVFS.underlying(file!)
            return AppendVFS.methods(base).xUnfetch?(base, offset + AppendVFS.state(file!).pointee.start, page) ?? SQLITE_OK
        }
        let pointer = UnsafeMutablePointer<sqlite3_io_methods>.allocate(capacity: 1)
        pointer.initialize(to: m)
        return pointer
    }()

    // MARK: The VFS

    /// appendvfs.c's apnd_vfs over `original`: xOpen decides how the file is read; the other
    /// methods are the original VFS's.
    private static func makeVFS(wrapping original: UnsafeMutablePointer<sqlite3_vfs>) -> sqlite3_vfs {
        var v = sqlite3_vfs()
        v.iVersion = original.pointee.iVersion
        v.szOsFile = original.pointee.szOsFile + Int32(AppendVFS.headerSize)
        v.mxPathname = 1024
        v.zName = UnsafePointer(strdup(name))
        v.pAppData = UnsafeMutableRawPointer(original)
        v.xOpen = { vfs, path, file, flags, outFlags in
            let below = AppendVFS.wrapped(vfs)
            guard let file else { return SQLITE_MISUSE }
            // Journals, WAL files and temporary databases are the original VFS's own.
            if flags & SQLITE_OPEN_MAIN_DB == 0 {
                return below.pointee.xOpen!(below, path, file, flags, outFlags)
            }
            memset(file, 0, AppendVFS.headerSize)
            let s = AppendVFS.state(file)
            file.pointee.pMethods = UnsafePointer(AppendVFS.ioMethods)
            s.pointee.mark = -1
            let base = AppendVFS.underlying(file)
            var rc = below.pointee.xOpen!(below, path, base, flags, outFlags)
            var size: Int64 = 0
            if rc == SQLITE_OK {
                rc = AppendVFS.methods(base).xFileSize!(base, &size)
                if rc != SQLITE_OK { _ = AppendVFS.methods(base).xClose!(base) }
            }
            if rc != SQLITE_OK {
                file.pointee.pMethods = nil
                return rc
            }
            if AppendVFS.isOrdinaryDatabase(size: size, of: base) {
                // An ordinary database: this file becomes the original VFS's file itself.
                memmove(file, base, Int(below.pointee.szOsFile))
                return SQLITE_OK
            }
            s.pointee.start = AppendVFS.readMark(size: size, of: base)
            if s.pointee.start >= 0 {
                s.pointee.mark = size - AppendVFS.markSize
                return SQLITE_OK
            }
            if flags & SQLITE_OPEN_CREATE == 0 {
                _ = AppendVFS.methods(base).xClose!(base)
                file.pointee.pMethods = nil
                return SQLITE_CANTOPEN
            }
            // A new database, after the host file's bytes at the next 4096-byte boundary; nothing
            // is written until SQLite writes its first page (the trailer goes with it).
            s.pointee.start = (size + AppendVFS.roundUp - 1) & ~(AppendVFS.roundUp - 1)
            return SQLITE_OK
        }
        v.xDelete = { vfs, path, syncDirectory in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xDelete!(below, path, syncDirectory)
        }
        v.xAccess = { vfs, path, flags, result in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xAccess!(below, path, flags, result)
        }
        v.xFullPathname = { vfs, path, count, out in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xFullPathname!(below, path, count, out)
        }
        v.xDlOpen = { vfs, path in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xDlOpen!(below, path)
        }
        v.xDlError = { vfs, count, message in
            let below = AppendVFS.wrapped(vfs)
            below.pointee.xDlError!(below, count, message)
        }
        v.xDlSym = { vfs, handle, symbol in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xDlSym!(below, handle, symbol)
        }
        v.xDlClose = { vfs, handle in
            let below = AppendVFS.wrapped(vfs)
            below.pointee.xDlClose!(below, handle)
        }
        v.xRandomness = { vfs, count, out in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xRandomness!(below, count, out)
        }
        v.xSleep = { vfs, microseconds in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xSleep!(below, microseconds)
        }
        v.xCurrentTime = { vfs, time in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xCurrentTime!(below, time)
        }
        v.xGetLastError = { vfs, count, out in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xGetLastError!(below, count, out)
        }
        v.xCurrentTimeInt64 = { vfs, time in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xCurrentTimeInt64!(below, time)
        }
        v.xSetSystemCall = { vfs, name, call in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xSetSystemCall!(below, name, call)
        }
        v.xGetSystemCall = { vfs, name in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xGetSystemCall!(below, name)
        }
        v.xNextSystemCall = { vfs, name in
            let below = AppendVFS.wrapped(vfs)
            return below.pointee.xNextSystemCall!(below, name)
        }
        return v
    }
}
