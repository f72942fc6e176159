import CMigshSQLite
import FoundationEssentials
import Glibc
import MigshBase

/// A database's pages read as bytes, below SQLite's b-tree layer: what `.recover` and
/// `.dbinfo` read where SQLite itself stops at the first damaged page. sqlite3 3.40 reads
/// them through the `sqlite_dbpage` virtual table, which the system library lacks
/// (SQLITE_ENABLE_DBPAGE_VTAB); migsh reads the file itself, or for a database without a
/// file (`:memory:`) a copy from `sqlite3_serialize`.
public final class DatabasePages {
    /// The first 100 bytes of page 1.
    public let header: [UInt8]
    public let pageSize: Int
    /// What `PRAGMA page_count` says with `writable_schema` on: the header's count when it is
    /// valid and the file holds it, else the pages the file holds.
    public let pageCount: Int
    /// From the header's offset 56: 1 UTF-8, 2 UTF-16le, 3 UTF-16be.
    public var textEncoding: Int { Int(DatabasePages.uint32(header, 56)) }
    private let readPage: (Int) -> [UInt8]?

    /// The pages of `schema` of `connection`. Throws when there is nothing to read or the
    /// first 100 bytes are not an SQLite header.
    public init(of connection: Connection, schema: String = "main") throws {
        let db = connection.handle
        // In WAL mode the newest pages may still be in the -wal file: read through SQLite's
        // pager then (sqlite3_serialize), where the schema is readable; else the file itself.
        let walCopy = Self.walModeCopy(db, schema: schema)
        if walCopy == nil, let name = sqlite3_db_filename(db, schema), name.pointee != 0 {
            let path = FileSystem.string(fromPath: name)
            let fd = FileSystem.open(path, O_RDONLY | O_CLOEXEC)
            guard fd >= 0 else { throw MigshError(.io, "cannot read \(path): \(String(cString: strerror(errno)))") }
            let file = FileDescriptor(fd)
            var info = stat()
            fstat(fd, &info)
            let size = Int(info.st_size)
            var head = [UInt8](repeating: 0, count: 100)
            guard size >= 100, pread(fd, &head, 100, 0) == 100 else { throw MigshError(.notADatabase, "file is not a database") }
            let pageSize = try Self.pageSize(head)
            self.header = head
            self.pageSize = pageSize
            self.pageCount = Self.pageCount(head, filePages: size / pageSize)
            let count = self.pageCount
            readPage = { n in
                guard n >= 1 && n <= count else { return nil }
                var page = [UInt8](repeating: 0, count: pageSize)
                let got = pread(file.fd, &page, pageSize, off_t(n - 1) * off_t(pageSize))
                return got == pageSize ? page : nil
            }
        } else {
            // > sqlite3_serialize ... returns a pointer to memory that is a serialization of the
            // > S database on database connection D ... obtained from sqlite3_malloc64().
            var size: sqlite3_int64 = 0
            let bytes: [UInt8]
            if let walCopy {
                bytes = walCopy
            } else {
                guard let raw = sqlite3_serialize(db, schema, &size, 0), size >= 100 else {
                    throw MigshError(.notFound, "unable to read database header")
                }
                bytes = Array(UnsafeBufferPointer(start: raw, count: Int(size)))
                sqlite3_free(raw)
            }
            let head = Array(bytes[0..<100])
            let pageSize = try Self.pageSize(head)
            self.header = head
            self.pageSize = pageSize
            self.pageCount = bytes.count / pageSize
            let count = self.pageCount
            readPage = { n in
                guard n >= 1 && n <= count else { return nil }
                return Array(bytes[(n - 1) * pageSize ..< n * pageSize])
            }
        }
    }

    /// The database through the pager when it is a file in WAL mode with a -wal file that
    /// holds frames; nil otherwise, or when SQLite cannot read it (a damaged schema).
    static func walModeCopy(_ db: OpaquePointer, schema: String) -> [UInt8]? {
        guard let name = sqlite3_db_filename(db, schema), name.pointee != 0 else { return nil }
        let path = FileSystem.string(fromPath: name)
        guard let info = FileSystem.status(path + "-wal"), info.st_size > 32 else { return nil }
        var size: sqlite3_int64 = 0
        guard let raw = sqlite3_serialize(db, schema, &size, 0) else { return nil }
        defer { sqlite3_free(raw) }
        guard size >= 100 else { return nil }
        return Array(UnsafeBufferPointer(start: raw, count: Int(size)))
    }

    /// Page `number` (from 1), or nil where it cannot be read.
    public func page(_ number: Int) -> [UInt8]? { readPage(number) }

    static func pageSize(_ header: [UInt8]) throws -> Int {
        guard header.starts(with: Array("SQLite format 3\0".utf8)) else { throw MigshError(.notADatabase, "file is not a database") }
        let raw = Int(header[16]) << 8 | Int(header[17])
        let size = raw == 1 ? 65536 : raw
        guard size >= 512 && size <= 65536 && size & (size - 1) == 0 else { throw MigshError(.notADatabase, "file is not a database") }
        return size
    }

    /// The btree layer's rule: the header's count (offset 28) when it is not zero and the
    /// change counter (24) equals the version-valid-for number (92), else the file's pages;
    /// never more than the file holds (with `writable_schema` on, as `.recover` runs).
    static func pageCount(_ header: [UInt8], filePages: Int) -> Int {
        let inHeader = Int(uint32(header, 28))
        let valid = inHeader != 0 && uint32(header, 24) == uint32(header, 92)
        return valid ? min(inHeader, filePages) : filePages
    }

    static func uint32(_ bytes: [UInt8], _ at: Int) -> UInt32 {
        guard at + 4 <= bytes.count else { return 0 }
        return UInt32(bytes[at]) << 24 | UInt32(bytes[at + 1]) << 16 | UInt32(bytes[at + 2]) << 8 | UInt32(bytes[at + 3])
    }
}

/// Closes a file descriptor when the last reader of the pages goes.
private final class FileDescriptor: @unchecked Sendable {
    // @unchecked Sendable: `fd` is immutable and only read with pread, which needs no lock.
    let fd: Int32
    init(_ fd: Int32) { self.fd = fd }
    deinit { close(fd) }
}

/// One value of a record, as the record format stores it.
public enum RecordValue: Equatable, Sendable {
    case null
    case integer(Int64)
    case real(Double)
    /// The text's bytes in the database's encoding.
    case text([UInt8])
    case blob([UInt8])
}

/// A b-tree page read as sqlite3 3.40's `sqlite_dbdata` and `sqlite_dbptr` read it
/// (ext/recover/dbdata.c): lenient, stopping at the first cell that does not fit the page.
struct BTreePage {
    struct Cell {
        /// The rowid of a table leaf's cell.
        var rowid: Int64?
        var fields: [RecordValue]
    }
    /// Child pages in `sqlite_dbptr`'s order: the right-most pointer first, then each cell's.
    var children: [Int] = []
    /// The records of leaf cells and of index interior cells (table interior cells hold none).
    var cells: [Cell] = []

    init(number: Int, in pages: DatabasePages) {
        guard let data = pages.page(number) else { return }
        let base = number == 1 ? 100 : 0
        let n = data.count
        let type = data[base]
        let cellCount = Int(data[base + 3]) << 8 | Int(data[base + 4])
        if type == 0x02 || type == 0x05 {
            children.append(Int(DatabasePages.uint32(data, base + 8)))
            for i in 0..<cellCount {
                let slot = base + 12 + i * 2
                guard slot + 2 <= n else { break }
                let offset = Int(data[slot]) << 8 | Int(data[slot + 1])
                guard offset + 4 <= n else { continue }
                children.append(Int(DatabasePages.uint32(data, offset)))
            }
        }
        let pointer: Int
        switch type {
        case 0x02: pointer = 4
        case 0x0a, 0x0d: pointer = 0
        default: return
        }
        let hasRowid = type == 0x0d
        for i in 0..<cellCount {
            var at = base + 8 + pointer + i * 2
            guard at + 2 <= n else { return }
            at = Int(data[at]) << 8 | Int(data[at + 1])
            at += pointer
            guard at <= n else { return }
            let (payloadSize, l1) = Self.varint(data, at)
            at += l1
            var rowid: Int64?
            if hasRowid && at < n {
                let (r, l2) = Self.varint(data, at)
                rowid = Int64(bitPattern: r)
                at += l2
            }
            let payload = Int(min(payloadSize, 0xffff_ffff))
            // A size no database of this many pages can hold: damage, not a record to read.
            guard payload <= pages.pageCount * n + n else { return }
            let u = n
            let x = hasRowid ? u - 35 : ((u - 12) * 64 / 255) - 23
            var local = payload
            if payload > x {
                let m = ((u - 12) * 32 / 255) - 23
                let k = m + ((payload - m) % (u - 4))
                local = k <= x ? k : m
            }
            guard local + at <= n else { return }
            var record = [UInt8](repeating: 0, count: payload)
            record.replaceSubrange(0..<local, with: data[at..<at + local])
            at += local
            if payload > local {
                var remaining = payload - local
                var overflow = Int(DatabasePages.uint32(data, at))
                var seen = Set<Int>()
                while remaining > 0, overflow > 0, seen.insert(overflow).inserted, let page = pages.page(overflow) {
                    let copy = min(u - 4, remaining)
                    record.replaceSubrange(payload - remaining ..< payload - remaining + copy, with: page[4..<4 + copy])
                    remaining -= copy
                    overflow = Int(DatabasePages.uint32(page, 0))
                }
            }
            cells.append(Cell(rowid: rowid, fields: Self.fields(of: record, encoding: pages.textEncoding)))
        }
    }

    /// The fields of a record, as many as its header names (a field whose bytes run past
    /// the record is NULL, as `sqlite_dbdata` gives it).
    static func fields(of record: [UInt8], encoding: Int) -> [RecordValue] {
        guard !record.isEmpty else { return [] }
        var (headerSize, at) = varint(record, 0)
        if headerSize > UInt64(record.count) { headerSize = 0 }
        var body = Int(headerSize)
        var values: [RecordValue] = []
        while at < Int(headerSize) {
            let (rawType, l) = varint(record, at)
            at += l
            let type = Int(min(rawType, 0x7fff_ffff))
            let size: Int
            switch type {
            case 0, 8, 9, 10, 11: size = 0
            case 1, 2, 3, 4: size = type
            case 5: size = 6
            case 6, 7: size = 8
            default: size = (type - 12) / 2
            }
            defer { body += size }
            guard body <= record.count, size <= record.count - body else { values.append(.null); continue }
            let bytes = record[body..<body + size]
            switch type {
            case 0, 10, 11: values.append(.null)
            case 8: values.append(.integer(0))
            case 9: values.append(.integer(1))
            case 1...7:
                var v = UInt64(bitPattern: Int64(Int8(bitPattern: bytes.first!)))
                for b in bytes.dropFirst() { v = v << 8 | UInt64(b) }
                values.append(type == 7 ? .real(Double(bitPattern: v)) : .integer(Int64(bitPattern: v)))
            default:
                values.append(type % 2 == 1 ? .text(Array(bytes)) : .blob(Array(bytes)))
            }
        }
        return values
    }

    /// SQLite's varint at `at`: the value and its length (1–9 bytes); bytes past the end read as 0.
    static func varint(_ bytes: [UInt8], _ at: Int) -> (UInt64, Int) {
        var value: UInt64 = 0
        for i in 0..<9 {
            let b = at + i < bytes.count ? bytes[at + i] : 0
            if i == 8 { return (value << 8 | UInt64(b), 9) }
            value = value << 7 | UInt64(b & 0x7f)
            if b & 0x80 == 0 { return (value, i + 1) }
        }
        return (value, 9)
    }
}
