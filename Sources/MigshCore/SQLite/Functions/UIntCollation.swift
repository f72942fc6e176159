import CMigshSQLite

/// The `uint` collation of sqlite3 3.40's shell (ext/misc/uint.c): text compared byte by byte,
/// except that runs of digits compare as unsigned integers of any length ('a9' < 'a10';
/// leading zeros do not count, so 'x01' and 'x1' are equal).
enum UIntCollation {
    static func register(on db: OpaquePointer) {
        sqlite3_create_collation_v2(db, "uint", SQLITE_UTF8, nil, { _, count1, key1, count2, key2 in
            let a = UnsafeBufferPointer(start: key1?.assumingMemoryBound(to: UInt8.self), count: Int(count1))
            let b = UnsafeBufferPointer(start: key2?.assumingMemoryBound(to: UInt8.self), count: Int(count2))
            return Int32(UIntCollation.compare(a, b))
        }, nil)
    }

    static func isDigit(_ c: UInt8) -> Bool { c >= 48 && c <= 57 }

    static func compare(_ a: UnsafeBufferPointer<UInt8>, _ b: UnsafeBufferPointer<UInt8>) -> Int {
        var i = 0, j = 0
        while i < a.count && j < b.count {
            let difference = Int(a[i]) - Int(b[j])
            if isDigit(a[i]) {
                if !isDigit(b[j]) { return difference }
                while i < a.count && a[i] == 48 { i += 1 }
                while j < b.count && b[j] == 48 { j += 1 }
                var k = 0
                while i + k < a.count && isDigit(a[i + k]) && j + k < b.count && isDigit(b[j + k]) { k += 1 }
                if i + k < a.count && isDigit(a[i + k]) { return 1 }
                if j + k < b.count && isDigit(b[j + k]) { return -1 }
                for n in 0..<k where a[i + n] != b[j + n] { return Int(a[i + n]) - Int(b[j + n]) }
                i += k
                j += k
            } else if difference != 0 {
                return difference
            } else {
                i += 1
                j += 1
            }
        }
        return (a.count - i) - (b.count - j)
    }
}
