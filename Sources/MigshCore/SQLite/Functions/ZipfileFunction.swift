import CMigshSQLite
import CMigshZlib
import Glibc

/// `zipfile(FILE)` and `zipfile(BLOB)` for reading, as sqlite3 3.40's shell has them
/// (ext/misc/zipfile.c of that release): the table `(name, mode, mtime, sz, rawdata, data,
/// method, z HIDDEN)`, one row per entry of the ZIP archive's central directory, in its order.
/// `mode` is the entry's external attributes' upper half, `mtime` its extended timestamp or
/// else its MS-DOS time read as zipfile.c reads it, `data` the content inflated (raw deflate,
/// zlib) for methods 0 and 8. Writing a ZIP archive (`CREATE VIRTUAL TABLE … USING zipfile`,
/// INSERT, and the `zipfile()` aggregate) is not here. Direct-only, as `fsdir`: it reads files.
enum ZipfileFunction {
    static func register(on db: OpaquePointer, access: ShellSQLFunctions.FileAccess) {
        final class Counter { var next: Int64 = 0 }
        let counter = Counter()
        TableFunctions.register("zipfile", TableFunctionModule(
            schema: "CREATE TABLE y(name PRIMARY KEY,mode,mtime,sz,rawdata,data,method,z HIDDEN) WITHOUT ROWID;",
            risk: SQLITE_VTAB_DIRECTONLY, bestIndex: bestIndex,
            makeCursor: {
                counter.next += 1
                return ZipfileCursor(access: access, id: counter.next)
            }), on: db)
    }

    static let fileColumn: Int32 = 7

    /// zipfileBestIndex: an equality on `z` is the argument.
    static func bestIndex(_ info: UnsafeMutablePointer<sqlite3_index_info>) -> TableFunctionPlan {
        var index = -1
        var unusable = false
        for i in 0..<Int(info.pointee.nConstraint) {
            let constraint = info.pointee.aConstraint[i]
            guard constraint.iColumn == fileColumn else { continue }
            if constraint.usable == 0 {
                unusable = true
            } else if Int32(constraint.op) == SQLITE_INDEX_CONSTRAINT_EQ {
                index = i
            }
        }
        info.pointee.estimatedCost = 1000
        if index >= 0 {
            info.pointee.aConstraintUsage[index].argvIndex = 1
            info.pointee.aConstraintUsage[index].omit = 1
            info.pointee.idxNum = 1
        } else if unusable {
            return .unusable
        }
        return .ok
    }

    /// One entry of the central directory (zipfile.c's ZipfileCDS, with what GetEntry adds).
    struct Entry {
        var compression: UInt16 = 0
        var time: UInt16 = 0
        var date: UInt16 = 0
        var compressedSize: UInt32 = 0
        var uncompressedSize: UInt32 = 0
        var nameLength = 0
        var extraLength = 0
        var commentLength = 0
        var externalAttributes: UInt32 = 0
        var offset: UInt32 = 0
        /// The name: the bytes up to the first NUL (sqlite3_mprintf's "%.*s").
        var name: [UInt8] = []
        var unixTime: UInt32 = 0
        var dataOffset = 0
    }

    static func u16(_ b: [UInt8], _ at: Int) -> UInt16 { UInt16(b[at]) | UInt16(b[at + 1]) << 8 }
    static func u32(_ b: [UInt8], _ at: Int) -> UInt32 {
        UInt32(b[at]) | UInt32(b[at + 1]) << 8 | UInt32(b[at + 2]) << 16 | UInt32(b[at + 3]) << 24
    }

    /// zipfileMtime: an MS-DOS date and time as seconds since 1970, by zipfile.c's arithmetic.
    static func unixTime(date: UInt16, time: UInt16) -> UInt32 {
        var year = 1980 + Int32((date >> 9) & 0x7f)
        var month = Int32((date >> 5) & 0x0f)
        let day = Int32(date & 0x1f)
        let second = Int32(time & 0x1f) * 2
        let minute = Int32((time >> 5) & 0x3f)
        let hour = Int32((time >> 11) & 0x1f)
        if month <= 2 {
            year -= 1
            month += 12
        }
        let x1 = 36525 * (year + 4716) / 100
        let x2 = 306001 * (month + 1) / 10000
        let a = year / 100
        let b = 2 - a + (a / 4)
        let julianSeconds = Int64((Double(x1 + x2 + day + b) - 1524.5) * 86400) + Int64(hour * 3600 + minute * 60 + second)
        return UInt32(truncatingIfNeeded: julianSeconds - Int64(24405875) * 8640)
    }

    /// zipfileScanExtra: the modification time of an extended-timestamp field (0x5455), if any.
    static func extraTime(_ extra: ArraySlice<UInt8>) -> UInt32? {
        var p = extra.startIndex
        var found: UInt32?
        while p < extra.endIndex {
            guard p + 4 <= extra.endIndex else { break }
            let id = UInt16(extra[p]) | UInt16(extra[p + 1]) << 8
            let size = Int(UInt16(extra[p + 2]) | UInt16(extra[p + 3]) << 8)
            p += 4
            if id == 0x5455, p + 5 <= extra.endIndex, extra[p] & 0x01 != 0 {
                found = UInt32(extra[p + 1]) | UInt32(extra[p + 2]) << 8 | UInt32(extra[p + 3]) << 16 | UInt32(extra[p + 4]) << 24
            }
            p += size
        }
        return found
    }
}

final class ZipfileCursor: TableFunctionCursor {
    let access: ShellSQLFunctions.FileAccess
    let id: Int64
    /// The archive's bytes (the file read whole, or the blob).
    var archive: [UInt8] = []
    var entries: [ZipfileFunction.Entry] = []
    var index = 0

    init(access: ShellSQLFunctions.FileAccess, id: Int64) {
        self.access = access
        self.id = id
    }

    /// zipfileReadData: `count` bytes at `offset`, or "error in fread()".
    func read(_ count: Int, at offset: Int) throws -> [UInt8] {
        guard offset >= 0, count >= 0, offset + count <= archive.count else { throw TableFunctionError("error in fread()") }
        return Array(archive[offset..<(offset + count)])
    }

    /// zipfileGetEntry: the central-directory record at `offset`, and its local header.
    func entry(at offset: Int) throws -> ZipfileFunction.Entry {
        let fixed = try read(46, at: offset)
        guard ZipfileFunction.u32(fixed, 0) == 0x02014b50 else {
            throw TableFunctionError("failed to read CDS at offset \(offset)")
        }
        var e = ZipfileFunction.Entry()
        e.compression = ZipfileFunction.u16(fixed, 10)
        e.time = ZipfileFunction.u16(fixed, 12)
        e.date = ZipfileFunction.u16(fixed, 14)
        e.compressedSize = ZipfileFunction.u32(fixed, 20)
        e.uncompressedSize = ZipfileFunction.u32(fixed, 24)
        e.nameLength = Int(ZipfileFunction.u16(fixed, 28))
        e.extraLength = Int(ZipfileFunction.u16(fixed, 30))
        e.commentLength = Int(ZipfileFunction.u16(fixed, 32))
        e.externalAttributes = ZipfileFunction.u32(fixed, 38)
        e.offset = ZipfileFunction.u32(fixed, 42)
        // As zipfile.c: the name, then the extra fields and the comment read as one.
        let variable = try read(e.nameLength + e.extraLength + e.commentLength, at: offset + 46)
        e.name = Array(variable[0..<e.nameLength].prefix { $0 != 0 })
        e.unixTime = ZipfileFunction.extraTime(variable[e.nameLength..<(e.nameLength + e.extraLength)])
            ?? ZipfileFunction.unixTime(date: e.date, time: e.time)
        guard let local = try? read(30, at: Int(e.offset)), ZipfileFunction.u32(local, 0) == 0x04034b50 else {
            if Int(e.offset) + 30 > archive.count { throw TableFunctionError("error in fread()") }
            throw TableFunctionError("failed to read LFH at offset \(Int32(bitPattern: e.offset))")
        }
        e.dataOffset = Int(e.offset) + 30 + Int(ZipfileFunction.u16(local, 26)) + Int(ZipfileFunction.u16(local, 28))
        return e
    }

    /// zipfileReadEOCD, then every entry the directory holds.
    override func filter(indexNumber: Int32, arguments: [OpaquePointer?]) throws {
        archive = []
        entries = []
        index = 0
        guard indexNumber != 0 else { throw TableFunctionError("zipfile() function requires an argument") }
        let inMemory = sqlite3_value_type(arguments[0]) == SQLITE_BLOB
        if inMemory {
            let count = Int(sqlite3_value_bytes(arguments[0]))
            if let blob = sqlite3_value_blob(arguments[0]) {
                archive = Array(UnsafeRawBufferPointer(start: blob, count: count))
            }
        } else {
            if case .refused(let reason) = access { throw TableFunctionError("zipfile() refused: \(reason)") }
            let name = sqlite3_value_text(arguments[0]).map { FsdirCursor.cString($0) } ?? [0]
            guard let file = fopen(name, "rb") else {
                throw TableFunctionError(bytes: Array("cannot open file: ".utf8) + FsdirCursor.bytes(name))
            }
            defer { fclose(file) }
            var buffer = [UInt8](repeating: 0, count: 65536)
            while true {
                let n = fread(&buffer, 1, buffer.count, file)
                if n <= 0 { break }
                archive.append(contentsOf: buffer[0..<n])
            }
            if archive.isEmpty { return }
        }
        // The end-of-central-directory record, searched for backwards in the last 64 KiB.
        let window = min(archive.count, 65536)
        let base = archive.count - window
        var i = window - 20
        while i >= 0 {
            if archive[base + i] == 0x50 && archive[base + i + 1] == 0x4b && archive[base + i + 2] == 0x05 && archive[base + i + 3] == 0x06 { break }
            i -= 1
        }
        guard i >= 0 else { throw TableFunctionError("cannot find end of central directory record") }
        let eocd = base + i + 4
        let entryCount = Int(ZipfileFunction.u16(archive, eocd + 4))
        let size = Int(ZipfileFunction.u32(archive, eocd + 8))
        var offset = Int(ZipfileFunction.u32(archive, eocd + 12))
        if inMemory {
            for _ in 0..<entryCount {
                let e = try entry(at: offset)
                entries.append(e)
                offset += 46 + e.extraLength + e.nameLength + e.commentLength
            }
        } else {
            // As zipfile.c reads a file: entries until the directory's end (not its count).
            guard entryCount > 0 else { return }
            let end = Int(ZipfileFunction.u32(archive, eocd + 12)) + size
            while offset < end {
                let e = try entry(at: offset)
                entries.append(e)
                offset += 46 + e.extraLength + e.nameLength + e.commentLength
            }
        }
    }

    override func next() throws { index += 1 }

    override var isAtEnd: Bool { index >= entries.count }

    override func column(_ column: Int32, into context: OpaquePointer) {
        let e = entries[index]
        switch column {
        case 0:
            sqlite3_result_text(context, e.name.map { CChar(bitPattern: $0) }, Int32(e.name.count), SQLITE_TRANSIENT)
        case 1:
            sqlite3_result_int(context, Int32(e.externalAttributes >> 16))
        case 2:
            sqlite3_result_int64(context, Int64(e.unixTime))
        case 3:
            if sqlite3_vtab_nochange(context) == 0 { sqlite3_result_int64(context, Int64(e.uncompressedSize)) }
        case 4, 5:
            if column == 4 && sqlite3_vtab_nochange(context) != 0 { break }
            guard column == 4 || e.compression == 0 || e.compression == 8 else { break }
            let size = Int(Int32(bitPattern: e.compressedSize))
            let finalSize = Int32(bitPattern: e.uncompressedSize)
            if finalSize > 0 {
                guard let raw = try? read(size, at: e.dataOffset) else {
                    sqlite3_result_error(context, "error in fread()", -1)
                    return
                }
                if column == 5 && e.compression != 0 {
                    inflate(context, raw, Int(finalSize))
                } else {
                    sqlite3_result_blob(context, raw, Int32(raw.count), SQLITE_TRANSIENT)
                }
            } else {
                // A folder (by its mode, or a name ending in '/') has no data; an empty file has "".
                let mode = e.externalAttributes >> 16
                if mode & UInt32(S_IFDIR) == 0 && e.name.last != UInt8(ascii: "/") {
                    sqlite3_result_zeroblob(context, 0)
                }
            }
        case 6:
            sqlite3_result_int(context, Int32(e.compression))
        default:
            sqlite3_result_int64(context, id)
        }
    }

    /// zipfileInflate: raw deflate (no zlib header) into `count` bytes.
    func inflate(_ context: OpaquePointer, _ input: [UInt8], _ count: Int) {
        var output = [UInt8](repeating: 0, count: count)
        var input = input
        var stream = z_stream()
        var initialized = Z_OK
        var result = Z_OK
        input.withUnsafeMutableBufferPointer { inBuffer in
            output.withUnsafeMutableBufferPointer { outBuffer in
                stream.next_in = inBuffer.baseAddress
                stream.avail_in = uInt(inBuffer.count)
                stream.next_out = outBuffer.baseAddress
                stream.avail_out = uInt(outBuffer.count)
                initialized = inflateInit2_(&stream, -15, ZLIB_VERSION, Int32(MemoryLayout<z_stream>.size))
                if initialized == Z_OK { result = CMigshZlib.inflate(&stream, Z_NO_FLUSH) }
                inflateEnd(&stream)
            }
        }
        if initialized != Z_OK {
            sqlite3_result_error(context, "inflateInit2() failed (\(initialized))", -1)
        } else if result != Z_STREAM_END {
            sqlite3_result_error(context, "inflate() failed (\(result))", -1)
        } else {
            sqlite3_result_blob(context, output, Int32(count), SQLITE_TRANSIENT)
        }
    }

    override var rowid: Int64 { Int64(index) }
}
