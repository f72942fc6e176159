import CMigshSQLite
import CMigshZlib
import Glibc

/// Writing ZIP archives as sqlite3 3.40's shell does (ext/misc/zipfile.c of that release):
/// the records a new entry gets (local header, central-directory record, end record, each
/// with zipfile.c's fixed fields and its 9-byte extended-timestamp extra field), raw deflate
/// at level 9, and the `zipfile(name, [mode, mtime,] data[, method])` aggregate, which
/// returns the archive as a blob. The same inputs and times give the same bytes as sqlite3.
enum ZipfileWriter {
    static let madeBy: UInt16 = (3 << 8) + 30
    static let versionRequired: UInt16 = 20
    static let flags: UInt16 = 0x800

    /// One new entry (zipfile.c's ZipfileCDS as a new entry fills it).
    struct Entry {
        var name: [UInt8]
        var method: UInt16
        var unixTime: UInt32
        var crc: UInt32
        var compressedSize: UInt32
        var uncompressedSize: UInt32
        var mode: UInt32
        var offset: UInt32

        var dos: (time: UInt16, date: UInt16) { ZipfileWriter.dosTime(unixTime) }

        /// The fields a local header and a directory record share, in their order: version
        /// needed, flags, method, DOS time and date, CRC, sizes, name length, extra length (9:
        /// the timestamp field).
        private func putSharedFields(_ a: inout [UInt8]) {
            put16(&a, ZipfileWriter.versionRequired)
            put16(&a, ZipfileWriter.flags)
            put16(&a, method)
            let (time, date) = dos
            put16(&a, time)
            put16(&a, date)
            put32(&a, crc)
            put32(&a, compressedSize)
            put32(&a, uncompressedSize)
            put16(&a, UInt16(truncatingIfNeeded: name.count))
            put16(&a, 9)
        }

        /// zipfileSerializeLFH.
        func localHeader() -> [UInt8] {
            var a: [UInt8] = []
            a.reserveCapacity(30 + name.count + 9)
            put32(&a, 0x04034b50)
            putSharedFields(&a)
            a.append(contentsOf: name)
            appendTimestamp(&a)
            return a
        }

        /// zipfileSerializeCDS for an entry written by zipfile.c (no extra fields of its own).
        func directoryRecord() -> [UInt8] {
            var a: [UInt8] = []
            a.reserveCapacity(46 + name.count + 9)
            put32(&a, 0x02014b50)
            put16(&a, ZipfileWriter.madeBy)
            putSharedFields(&a)
            put16(&a, 0)  // comment
            put16(&a, 0)  // disk number start
            put16(&a, 0)  // internal attributes
            put32(&a, mode << 16)
            put32(&a, offset)
            a.append(contentsOf: name)
            appendTimestamp(&a)
            return a
        }

        func appendTimestamp(_ a: inout [UInt8]) {
            put16(&a, 0x5455)
            put16(&a, 5)
            a.append(0x01)
            put32(&a, unixTime)
        }
    }

    static func put16(_ a: inout [UInt8], _ v: UInt16) {
        a.append(UInt8(v & 0xff))
        a.append(UInt8(v >> 8))
    }

    static func put32(_ a: inout [UInt8], _ v: UInt32) {
        for shift in stride(from: 0, to: 32, by: 8) { a.append(UInt8((v >> UInt32(shift)) & 0xff)) }
    }

    /// zipfileSerializeEOCD: one disk, no comment.
    static func endRecord(entries: Int, directorySize: UInt32, directoryOffset: UInt32) -> [UInt8] {
        var a: [UInt8] = []
        put32(&a, 0x06054b50)
        put16(&a, 0)
        put16(&a, 0)
        put16(&a, UInt16(truncatingIfNeeded: entries))
        put16(&a, UInt16(truncatingIfNeeded: entries))
        put32(&a, directorySize)
        put32(&a, directoryOffset)
        put16(&a, 0)
        return a
    }

    /// zipfileMtimeToDos: a Unix time as MS-DOS time and date, by zipfile.c's arithmetic
    /// (0 and 0 before 1980).
    static func dosTime(_ unixTime: UInt32) -> (time: UInt16, date: UInt16) {
        let jd = Int64(2440588) + Int64(unixTime / (24 * 60 * 60))
        var a = Int32((Double(jd) - 1867216.25) / 36524.25)
        a = Int32(jd + 1 + Int64(a) - Int64(a / 4))
        let b = a + 1524
        let c = Int32((Double(b) - 122.1) / 365.25)
        let d = (36525 * (c & 32767)) / 100
        let e = Int32(Double(b - d) / 30.6001)
        let day = b - d - Int32(30.6001 * Double(e))
        let month = e < 14 ? e - 1 : e - 13
        let year = month > 2 ? c - 4716 : c - 4715
        let hour = (unixTime % (24 * 60 * 60)) / (60 * 60)
        let minute = (unixTime % (60 * 60)) / 60
        let second = unixTime % 60
        guard year >= 1980 else { return (0, 0) }
        let date = UInt16(truncatingIfNeeded: day + (month << 5) + ((year - 1980) << 9))
        let time = UInt16(truncatingIfNeeded: second / 2 + (minute << 5) + (hour << 11))
        return (time, date)
    }

    /// zipfileTime: now, as SQLite's default VFS tells it, in seconds since 1970.
    static func now() -> UInt32 {
        guard let vfs = sqlite3_vfs_find(nil) else { return 0 }
        if vfs.pointee.iVersion >= 2, let current = vfs.pointee.xCurrentTimeInt64 {
            var ms: sqlite3_int64 = 0
            _ = current(vfs, &ms)
            return UInt32(truncatingIfNeeded: ms / 1000 - Int64(24405875) * 8640)
        }
        var day = 0.0
        _ = vfs.pointee.xCurrentTime(vfs, &day)
        return UInt32(truncatingIfNeeded: Int64((day - 2440587.5) * 86400))
    }

    /// zipfileGetTime: NULL (or no argument) is now, else the value as a 32-bit unsigned.
    static func time(_ value: OpaquePointer?) -> UInt32 {
        guard let value, sqlite3_value_type(value) != SQLITE_NULL else { return now() }
        return UInt32(truncatingIfNeeded: sqlite3_value_int64(value))
    }

    enum ModeError: Error {
        /// "zipfile: mode does not match data" (SQLITE_CONSTRAINT).
        case mismatch
        /// "zipfile: parse error in mode: …" (SQLITE_ERROR).
        case parse([UInt8])

        var message: [UInt8] {
            switch self {
            case .mismatch: return Array("zipfile: mode does not match data".utf8)
            case .parse(let text): return Array("zipfile: parse error in mode: ".utf8) + text
            }
        }
        var code: Int32 { if case .mismatch = self { return SQLITE_CONSTRAINT }; return SQLITE_ERROR }
    }

    /// zipfileGetMode: NULL is 0755 for a folder and 0644 for a file, a leading digit the
    /// value as an integer, else `ls -l`'s ten characters; a folder's mode for data or a
    /// file's for none is an error.
    static func mode(_ value: OpaquePointer?, isDirectory: Bool) throws(ModeError) -> UInt32 {
        var mode: UInt32 = 0
        if let text = value.flatMap({ sqlite3_value_text($0) }) {
            let z = Array(UnsafeBufferPointer(start: text, count: strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self))))
            if let first = z.first, first >= UInt8(ascii: "0") && first <= UInt8(ascii: "9") {
                mode = UInt32(bitPattern: sqlite3_value_int(value))
            } else {
                guard z.count == 10 else { throw .parse(z) }
                switch z[0] {
                case UInt8(ascii: "-"): mode |= 0o100000
                case UInt8(ascii: "d"): mode |= 0o040000
                case UInt8(ascii: "l"): mode |= 0o120000
                default: throw .parse(z)
                }
                let template = Array("-rwxrwxrwx".utf8)
                for i in 1..<10 {
                    if z[i] == template[i] {
                        mode |= 1 << UInt32(9 - i)
                    } else if z[i] != UInt8(ascii: "-") {
                        throw .parse(z)
                    }
                }
            }
        } else {
            mode = isDirectory ? 0o040000 + 0o755 : 0o100000 + 0o644
        }
        if (mode & 0o040000 == 0) == isDirectory { throw .mismatch }
        return mode
    }

    /// zipfileDeflate: raw deflate (no zlib header), level 9, as zipfile.c calls zlib; nil when
    /// deflate() fails ("zipfile: deflate() error").
    static func deflate(_ input: UnsafeRawBufferPointer) -> [UInt8]? {
        var stream = z_stream()
        stream.next_in = UnsafeMutablePointer(mutating: input.baseAddress?.assumingMemoryBound(to: Bytef.self))
        stream.avail_in = uInt(input.count)
        guard deflateInit2_(&stream, 9, Z_DEFLATED, -15, 8, Z_DEFAULT_STRATEGY, ZLIB_VERSION,
                            Int32(MemoryLayout<z_stream>.size)) == Z_OK else { return nil }
        defer { deflateEnd(&stream) }
        let bound = Int(deflateBound(&stream, uLong(input.count)))
        var out = [UInt8](repeating: 0, count: bound)
        let result = out.withUnsafeMutableBufferPointer { buffer -> Int32 in
            stream.next_out = buffer.baseAddress
            stream.avail_out = uInt(bound)
            return CMigshZlib.deflate(&stream, Z_FINISH)
        }
        guard result == Z_STREAM_END else { return nil }
        return Array(out[0..<Int(stream.total_out)])
    }

    static func crc(_ input: UnsafeRawBufferPointer) -> UInt32 {
        UInt32(truncatingIfNeeded: crc32(0, input.baseAddress?.assumingMemoryBound(to: Bytef.self), uInt(input.count)))
    }

    /// The blob of a value (text's bytes for text), copied.
    static func bytes(_ value: OpaquePointer?) -> [UInt8] {
        let pointer = sqlite3_value_blob(value)
        let count = Int(sqlite3_value_bytes(value))
        guard let pointer, count > 0 else { return [] }
        return Array(UnsafeRawBufferPointer(start: pointer, count: count))
    }

    /// The content an entry stores for `data` (nil for a folder), with `method` (nil: choose)
    /// as zipfile.c decides it: deflated when asked, or when that makes it smaller.
    static func content(_ data: [UInt8], method: Int32?) -> (stored: [UInt8], method: UInt16, crc: UInt32)? {
        data.withUnsafeBytes { raw in
            let crc = Self.crc(raw)
            guard method == nil || method == 8 else { return (data, 0, crc) }
            guard let deflated = deflate(raw) else { return nil }
            if method == 8 || deflated.count < data.count { return (deflated, 8, crc) }
            return (data, 0, crc)
        }
    }

    // MARK: the aggregate

    /// One `zipfile()` aggregate's archive so far (zipfile.c's ZipfileCtx).
    final class Archive {
        var count = 0
        var body: [UInt8] = []
        var directory: [UInt8] = []
    }

    static func register(on db: OpaquePointer) {
        sqlite3_create_function_v2(db, "zipfile", -1, SQLITE_UTF8, nil, nil, { context, count, values in
            guard let context else { return }
            ZipfileWriter.step(context, (0..<Int(count)).map { values?[$0] })
        }, { context in
            guard let context else { return }
            ZipfileWriter.final(context)
        }, nil)
    }

    static func unregister(on db: OpaquePointer) {
        sqlite3_create_function_v2(db, "zipfile", -1, SQLITE_UTF8, nil, nil, nil, nil, nil)
    }

    /// The archive kept in the aggregate context (a retained pointer, released by xFinal).
    static func archive(_ context: OpaquePointer, create: Bool) -> (Archive, UnsafeMutablePointer<UnsafeMutableRawPointer?>)? {
        let size = create ? Int32(MemoryLayout<UnsafeMutableRawPointer?>.size) : 0
        guard let raw = sqlite3_aggregate_context(context, size) else { return nil }
        let slot = raw.bindMemory(to: UnsafeMutableRawPointer?.self, capacity: 1)
        if slot.pointee == nil {
            guard create else { return nil }
            slot.pointee = Unmanaged.passRetained(Archive()).toOpaque()
        }
        return (Unmanaged<Archive>.fromOpaque(slot.pointee!).takeUnretainedValue(), slot)
    }

    static func fail(_ context: OpaquePointer, _ message: [UInt8]) {
        sqlite3_result_error(context, message.map { CChar(bitPattern: $0) }, Int32(message.count))
    }

    /// zipfileStep.
    static func step(_ context: OpaquePointer, _ values: [OpaquePointer?]) {
        guard let (archive, _) = archive(context, create: true) else { return sqlite3_result_error_nomem(context) }
        guard values.count == 2 || values.count == 4 || values.count == 5 else {
            return fail(context, Array("wrong number of arguments to function zipfile()".utf8))
        }
        let nameValue = values[0]
        let modeValue = values.count == 2 ? nil : values[1]
        let timeValue = values.count == 2 ? nil : values[2]
        let dataValue = values.count == 2 ? values[1] : values[3]
        let methodValue = values.count == 5 ? values[4] : nil

        guard let nameText = sqlite3_value_text(nameValue) else {
            return fail(context, Array("first argument to zipfile() must be non-NULL".utf8))
        }
        var name = Array(UnsafeBufferPointer(start: nameText, count: Int(sqlite3_value_bytes(nameValue))))
        var method: Int32?
        if let methodValue, sqlite3_value_type(methodValue) != SQLITE_NULL {
            let m = Int32(truncatingIfNeeded: sqlite3_value_int64(methodValue))
            guard m == 0 || m == 8 else { return fail(context, Array("illegal method value: \(m)".utf8)) }
            method = m
        }
        let isDirectory = sqlite3_value_type(dataValue) == SQLITE_NULL
        var stored: [UInt8] = []
        var storedMethod: UInt16 = 0
        var crc: UInt32 = 0
        var size = 0
        if !isDirectory {
            let data = bytes(dataValue)
            size = data.count
            guard let content = content(data, method: method) else {
                return fail(context, Array("zipfile: deflate() error".utf8))
            }
            (stored, storedMethod, crc) = content
        }
        let mode: UInt32
        do {
            mode = try Self.mode(modeValue, isDirectory: isDirectory)
        } catch {
            return fail(context, error.message)
        }
        let unixTime = time(timeValue)
        if !isDirectory {
            if name.last == UInt8(ascii: "/") {
                return fail(context, Array("non-directory name must not end with /".utf8))
            }
        } else if name.last != UInt8(ascii: "/") {
            // sqlite3_mprintf("%s/"): the name up to its first NUL.
            name = Array(name.prefix { $0 != 0 }) + [UInt8(ascii: "/")]
        } else {
            while name.count > 1 && name[name.count - 2] == UInt8(ascii: "/") { name.removeLast() }
        }
        let entry = Entry(name: Array(name.prefix(Int(UInt16(truncatingIfNeeded: name.count)))),
                          method: storedMethod, unixTime: unixTime, crc: crc,
                          compressedSize: UInt32(truncatingIfNeeded: stored.count),
                          uncompressedSize: UInt32(truncatingIfNeeded: size), mode: mode,
                          offset: UInt32(truncatingIfNeeded: archive.body.count))
        archive.body += entry.localHeader()
        archive.body += stored
        archive.directory += entry.directoryRecord()
        archive.count += 1
    }

    /// zipfileFinal: the body, the directory and the end record; NULL for no entries.
    static func final(_ context: OpaquePointer) {
        guard let (archive, slot) = archive(context, create: false) else { return }
        defer {
            Unmanaged<Archive>.fromOpaque(slot.pointee!).release()
            slot.pointee = nil
        }
        guard archive.count > 0 else { return }
        let zip = archive.body + archive.directory
            + endRecord(entries: archive.count, directorySize: UInt32(truncatingIfNeeded: archive.directory.count),
                        directoryOffset: UInt32(truncatingIfNeeded: archive.body.count))
        sqlite3_result_blob(context, zip, Int32(zip.count), SQLITE_TRANSIENT)
    }
}
