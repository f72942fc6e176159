import CMigshSQLite
import CMigshZlib
import Glibc

/// `zipfile(FILE)` and `zipfile(BLOB)` for reading, as sqlite3 3.40's shell has them
/// (ext/misc/zipfile.c of that release): the table `(name, mode, mtime, sz, rawdata, data,
/// method, z HIDDEN)`, one row per entry of the ZIP archive's central directory, in its order.
/// `mode` is the entry's external attributes' upper half, `mtime` its extended timestamp or
/// else its MS-DOS time read as zipfile.c reads it, `data` the content inflated (raw deflate,
/// zlib) for methods 0 and 8. `CREATE VIRTUAL TABLE t USING zipfile(FILE)` makes a table on
/// FILE that INSERT, UPDATE and DELETE write (`ZipfileTable`); the `zipfile()` aggregate is
/// `ZipfileWriter`. Direct-only, as `fsdir`: it reads and writes files.
enum ZipfileFunction {
    static func register(on db: OpaquePointer, access: ShellSQLFunctions.FileAccess) {
        let module = TableFunctionModule(
            schema: "CREATE TABLE y(name PRIMARY KEY,mode,mtime,sz,rawdata,data,method,z HIDDEN) WITHOUT ROWID;",
            risk: SQLITE_VTAB_DIRECTONLY, bestIndex: bestIndex,
            // Numbered by its table when it is given one (`ZipfileTable.opened`).
            makeCursor: { ZipfileCursor(access: access, id: 0) })
        module.makeTable = { db, name, arguments in
            try ZipfileTable(db: db, name: name, arguments: arguments, access: access)
        }
        // zipfile_cds(z): the central-directory record of the row whose cursor `z` names
        // (NULL when no open cursor of the table has that number), as zipfile.c's text.
        module.overload = ("zipfile_cds", { table, context, arguments in
            guard let table = table as? ZipfileTable, let first = arguments.first ?? nil,
                  let text = table.cursor(numbered: sqlite3_value_int64(first))?.centralDirectoryText() else { return }
            sqlite3_result_text(context, text.map { CChar(bitPattern: $0) }, Int32(text.count), SQLITE_TRANSIENT)
        })
        TableFunctions.register("zipfile", module, on: db)
        // > … a placeholder function that … throws an exception if it is ever invoked
        // > outside a virtual table (sqlite3: "unable to use function zipfile_cds in the
        // > requested context").
        sqlite3_overload_function(db, "zipfile_cds", -1)
    }

    /// zipfileFunctionCds's text for the 46 fixed bytes of a central-directory record.
    static func centralDirectoryText(_ r: ArraySlice<UInt8>) -> [UInt8] {
        let b = Array(r)
        let fields: [(String, UInt32)] = [
            ("version-made-by", UInt32(u16(b, 4))), ("version-to-extract", UInt32(u16(b, 6))),
            ("flags", UInt32(u16(b, 8))), ("compression", UInt32(u16(b, 10))),
            ("time", UInt32(u16(b, 12))), ("date", UInt32(u16(b, 14))),
            ("crc32", u32(b, 16)), ("compressed-size", u32(b, 20)), ("uncompressed-size", u32(b, 24)),
            ("file-name-length", UInt32(u16(b, 28))), ("extra-field-length", UInt32(u16(b, 30))),
            ("file-comment-length", UInt32(u16(b, 32))), ("disk-number-start", UInt32(u16(b, 34))),
            ("internal-attr", UInt32(u16(b, 36))), ("external-attr", u32(b, 38)), ("offset", u32(b, 42)),
        ]
        return Array(("{" + fields.map { "\"\($0.0)\" : \($0.1)" }.joined(separator: ", ") + " }").utf8)
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
    /// Its number, the hidden column `z`: zipfile.c's iId, counted per table.
    var id: Int64
    /// The archive's bytes (the file read whole, or the blob).
    var archive: [UInt8] = []
    var entries: [ZipfileFunction.Entry] = []
    /// Where each entry's central-directory record starts in `archive`.
    var directoryOffsets: [Int] = []
    /// In a write transaction: each entry's central-directory record, as the table holds it.
    var pendingRecords: [[UInt8]] = []
    var index = 0

    /// The table numbers its cursors and keeps the open ones, for `zipfile_cds(z)`.
    override var table: TableFunctionTable? {
        didSet { (table as? ZipfileTable)?.opened(self) }
    }

    /// zipfile_cds: the current entry's central-directory record as zipfile.c's text.
    func centralDirectoryText() -> [UInt8]? {
        guard index < entries.count else { return nil }
        if index < pendingRecords.count, pendingRecords[index].count >= 46 {
            return ZipfileFunction.centralDirectoryText(pendingRecords[index].prefix(46))
        }
        guard index < directoryOffsets.count, directoryOffsets[index] + 46 <= archive.count else { return nil }
        return ZipfileFunction.centralDirectoryText(archive[directoryOffsets[index]..<(directoryOffsets[index] + 46)])
    }

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
        directoryOffsets = []
        pendingRecords = []
        index = 0
        let table = self.table as? ZipfileTable
        if let table, table.isWriting {
            // In a write transaction: the table's entries, their data in the file as written so far.
            archive = table.contents()
            entries = table.items.map(\.entry)
            pendingRecords = table.items.map(\.record)
            return
        }
        guard table?.file != nil || indexNumber != 0 else { throw TableFunctionError("zipfile() function requires an argument") }
        let inMemory = table?.file == nil && sqlite3_value_type(arguments[0]) == SQLITE_BLOB
        if inMemory {
            let count = Int(sqlite3_value_bytes(arguments[0]))
            if let blob = sqlite3_value_blob(arguments[0]) {
                archive = Array(UnsafeRawBufferPointer(start: blob, count: count))
            }
        } else {
            if case .refused(let reason) = access { throw TableFunctionError("zipfile() refused: \(reason)") }
            let name: [CChar] = table?.file.map { $0.map { CChar(bitPattern: $0) } + [0] }
                ?? sqlite3_value_text(arguments[0]).map { FsdirCursor.cString($0) } ?? [0]
            guard let file = fopen(name, "rb") else { // path: C bytes from sqlite3_value_text or the table's argument
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
        try loadDirectory(inMemory: inMemory)
    }

    /// zipfileReadEOCD, then every entry of the directory (`archive` holds the archive's bytes).
    func loadDirectory(inMemory: Bool) throws {
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
                directoryOffsets.append(offset)
                entries.append(e)
                offset += 46 + e.extraLength + e.nameLength + e.commentLength
            }
        } else {
            // As zipfile.c reads a file: entries until the directory's end (not its count).
            guard entryCount > 0 else { return }
            let end = Int(ZipfileFunction.u32(archive, eocd + 12)) + size
            while offset < end {
                let e = try entry(at: offset)
                directoryOffsets.append(offset)
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

/// A table made by `CREATE VIRTUAL TABLE t USING zipfile(FILE)` (and the eponymous `zipfile`),
/// written as zipfile.c writes it: the first write of a transaction opens FILE for appending
/// (creating it) and loads its central directory; each new entry's local header and data are
/// appended at once; at commit (and, as in zipfile.c, at rollback) the whole directory and an
/// end record are appended. An archive that was rewritten keeps its old directory as unused
/// bytes, as sqlite3's does.
final class ZipfileTable: TableFunctionTable {
    let db: OpaquePointer
    let access: ShellSQLFunctions.FileAccess
    /// The archive's file name (dequoted), nil for the eponymous table.
    let file: [UInt8]?

    /// One entry of the directory being written: what the cursor reads, and its record.
    struct Item {
        var entry: ZipfileFunction.Entry
        var record: [UInt8]
        var serial: Int
    }
    var items: [Item] = []
    var serial = 0
    /// The table's open cursors (zipfile.c's pCsrList), for `zipfile_cds(z)`.
    private var cursors: [WeakCursor] = []
    private struct WeakCursor { weak var cursor: ZipfileCursor? }
    /// The last number given to a cursor (zipfile.c's iNextCsrid): each table counts its own,
    /// so `SELECT z FROM t2` starts at 1 whatever `t1` opened before.
    private var lastCursorID: Int64 = 0
    var output: UnsafeMutablePointer<FILE>?
    /// The archive's size so far (zipfile.c's szCurrent).
    var size = 0
    var isWriting: Bool { output != nil }

    /// zipfileConnect: a table not named "zipfile" needs the file's name, and one argument at most.
    init(db: OpaquePointer, name: [UInt8], arguments: [[UInt8]], access: ShellSQLFunctions.FileAccess) throws {
        let lowered = name.map { $0 >= 0x41 && $0 <= 0x5a ? $0 + 0x20 : $0 }
        if (lowered != Array("zipfile".utf8) && arguments.isEmpty) || arguments.count > 1 {
            throw TableFunctionError("zipfile constructor requires one argument")
        }
        self.db = db
        self.access = access
        file = arguments.first.map(Self.dequote)
    }

    deinit {
        if let output { fclose(output) }
    }

    func opened(_ cursor: ZipfileCursor) {
        lastCursorID += 1
        cursor.id = lastCursorID
        cursors.removeAll { $0.cursor == nil }
        cursors.append(WeakCursor(cursor: cursor))
    }

    /// zipfileFindCursor: the open cursor whose `z` is `number`.
    func cursor(numbered number: Int64) -> ZipfileCursor? {
        cursors.lazy.compactMap(\.cursor).first { $0.id == number }
    }

    /// zipfileDequote: '…', "…", `…` and […] lose their quotes (a doubled quote is one).
    static func dequote(_ word: [UInt8]) -> [UInt8] {
        guard var quote = word.first, [0x22, 0x27, 0x60, 0x5b].contains(quote) else { return word }
        if quote == 0x5b { quote = 0x5d }
        var out: [UInt8] = []
        var i = 1
        while i < word.count {
            let c = word[i]
            i += 1
            if c == quote {
                if i < word.count && word[i] == quote {
                    i += 1
                } else {
                    break
                }
            }
            out.append(c)
        }
        return out
    }

    /// zipfileComparePath: equal, one trailing '/' on either side aside.
    static func samePath(_ a: [UInt8], _ b: [UInt8]) -> Bool {
        (a.last == 0x2f ? a.dropLast() : a[...]) == (b.last == 0x2f ? b.dropLast() : b[...])
    }

    static func text(_ value: OpaquePointer?) -> [UInt8]? {
        guard let text = sqlite3_value_text(value) else { return nil }
        return Array(UnsafeBufferPointer(start: text, count: strlen(UnsafeRawPointer(text).assumingMemoryBound(to: CChar.self))))
    }

    /// The archive file's bytes as written so far.
    func contents() -> [UInt8] {
        guard let output else { return [] }
        fflush(output)
        fseek(output, 0, SEEK_SET)
        var bytes: [UInt8] = []
        var buffer = [UInt8](repeating: 0, count: 65536)
        while true {
            let n = fread(&buffer, 1, buffer.count, output)
            if n <= 0 { break }
            bytes.append(contentsOf: buffer[0..<n])
        }
        return bytes
    }

    /// zipfileAppendData.
    func append(_ bytes: [UInt8]) throws {
        guard !bytes.isEmpty, let output else { return }
        fseek(output, size, SEEK_SET)
        guard fwrite(bytes, 1, bytes.count, output) == bytes.count else { throw TableFunctionError("error in fwrite()") }
        size += bytes.count
    }

    func cleanup() {
        if let output { fclose(output) }
        output = nil
        items = []
        size = 0
    }

    /// zipfileBegin: the file opened for appending, its directory loaded.
    override func begin() throws {
        guard let file, !file.isEmpty else { throw TableFunctionError("zipfile: missing filename") }
        if case .refused(let reason) = access { throw TableFunctionError("zipfile() refused: \(reason)") }
        guard let opened = fopen(file.map { CChar(bitPattern: $0) } + [0], "ab+") else { // path: C bytes (the table's argument as SQLite gave it)
            throw TableFunctionError(bytes: Array("zipfile: failed to open file ".utf8) + file + Array(" for writing".utf8))
        }
        output = opened
        fseek(opened, 0, SEEK_END)
        size = ftell(opened)
        do {
            let reader = ZipfileCursor(access: access, id: 0)
            reader.archive = contents()
            if !reader.archive.isEmpty { try reader.loadDirectory(inMemory: true) }
            items = []
            for (e, offset) in zip(reader.entries, reader.directoryOffsets) {
                let length = 46 + e.nameLength + e.extraLength + e.commentLength
                serial += 1
                items.append(Item(entry: e, record: Array(reader.archive[offset..<(offset + length)]), serial: serial))
            }
        } catch {
            cleanup()
            throw error
        }
    }

    override func commit() throws {
        guard output != nil else { return }
        let offset = size
        // As zipfile.c: a failed write stops the directory; the end record is still tried.
        for item in items {
            do { try append(item.record) } catch { break }
        }
        let end = ZipfileWriter.endRecord(entries: items.count, directorySize: UInt32(truncatingIfNeeded: size - offset),
                                          directoryOffset: UInt32(truncatingIfNeeded: offset))
        defer { cleanup() }
        try append(end)
    }

    /// As zipfile.c: a rollback writes the directory as a commit does.
    override func rollback() throws { try commit() }

    /// zipfileUpdate.
    override func update(_ values: [OpaquePointer?]) throws {
        if output == nil { try begin() }
        var old: Int?
        var renames = false
        if sqlite3_value_type(values[0]) != SQLITE_NULL {
            let deleted = Self.text(values[0]) ?? []
            if values.count > 1, let updated = Self.text(values[1]), !Self.samePath(updated, deleted) { renames = true }
            old = items.firstIndex { Self.samePath($0.entry.name, deleted) }
        }
        var removed: [Int] = []
        if values.count > 1 {
            var failure: TableFunctionError?
            if sqlite3_value_type(values[5]) != SQLITE_NULL { failure = TableFunctionError("sz must be NULL", code: SQLITE_CONSTRAINT) }
            if sqlite3_value_type(values[6]) != SQLITE_NULL { failure = TableFunctionError("rawdata must be NULL", code: SQLITE_CONSTRAINT) }
            if let failure { throw failure }
            let isDirectory = sqlite3_value_type(values[7]) == SQLITE_NULL
            var stored: [UInt8] = []
            var method: UInt16 = 0
            var crc: UInt32 = 0
            var uncompressed = 0
            if !isDirectory {
                let data = ZipfileWriter.bytes(values[7])
                uncompressed = data.count
                let automatic = sqlite3_value_type(values[8]) == SQLITE_NULL
                let asked = sqlite3_value_int(values[8])
                guard asked == 0 || asked == 8 else {
                    throw TableFunctionError("unknown compression method: \(asked)", code: SQLITE_CONSTRAINT)
                }
                guard let content = ZipfileWriter.content(data, method: automatic ? nil : asked) else {
                    throw TableFunctionError("zipfile: deflate() error")
                }
                (stored, method, crc) = content
            }
            let mode: UInt32
            do {
                mode = try ZipfileWriter.mode(values[3], isDirectory: isDirectory)
            } catch {
                throw TableFunctionError(bytes: error.message, code: error.code)
            }
            var path = Self.text(values[2]) ?? []
            let unixTime = ZipfileWriter.time(values[4])
            if isDirectory && path.last != 0x2f { path.append(0x2f) }
            if old == nil || renames, let same = items.firstIndex(where: { Self.samePath($0.entry.name, path) }) {
                switch sqlite3_vtab_on_conflict(db) {
                case SQLITE_IGNORE: return
                case SQLITE_REPLACE: removed.append(items[same].serial)
                default:
                    throw TableFunctionError(bytes: Array("duplicate name: \"".utf8) + path + [0x22], code: SQLITE_CONSTRAINT)
                }
            }
            let new = ZipfileWriter.Entry(name: Array(path.prefix(Int(UInt16(truncatingIfNeeded: path.count)))),
                                          method: method, unixTime: unixTime, crc: crc,
                                          compressedSize: UInt32(truncatingIfNeeded: stored.count),
                                          uncompressedSize: UInt32(truncatingIfNeeded: uncompressed), mode: mode,
                                          offset: UInt32(truncatingIfNeeded: size))
            let header = new.localHeader()
            var entry = ZipfileFunction.Entry()
            entry.compression = method
            entry.compressedSize = new.compressedSize
            entry.uncompressedSize = new.uncompressedSize
            entry.nameLength = new.name.count
            entry.extraLength = 9
            entry.externalAttributes = mode << 16
            entry.offset = new.offset
            entry.name = path
            entry.unixTime = unixTime
            entry.dataOffset = size + header.count
            serial += 1
            let item = Item(entry: entry, record: new.directoryRecord(), serial: serial)
            if let old { items.insert(item, at: old) } else { items.append(item) }
            try append(header)
            try append(stored)
            if let old { removed.append(items[old + 1].serial) }
        } else if let old {
            removed.append(items[old].serial)
        }
        items.removeAll { removed.contains($0.serial) }
    }
}
