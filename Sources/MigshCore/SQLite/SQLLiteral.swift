import CMigshSQLite
import MigshBase

/// Values and names written as SQL text, exactly as the sqlite3 3.40 shell writes them in
/// `.dump` and `.mode insert` (its `output_quoted_escaped_string`, `quoteChar`, and the
/// float rule of MODE_Insert), and as C strings (`output_c_string`, for `.mode tcl` and `.show`).
public enum SQLLiteral {
    /// SQL's `%Q` of the C string at `z`: `'…'` with `'` doubled, nothing else escaped.
    public static func quoted(_ z: UnsafePointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = [0x27]
        var k = 0
        while z[k] != 0 {
            out.append(z[k])
            if z[k] == 0x27 { out.append(0x27) }
            k += 1
        }
        out.append(0x27)
        return out
    }

    /// `X'00ff'` (or with another prefix, `x'00ff'`): the bytes as lower-case hex.
    public static func hexBlob(_ blob: UnsafeRawPointer?, count: Int, prefix: String = "X'") -> [UInt8] {
        var out = Array(prefix.utf8)
        if let blob {
            let bytes = blob.assumingMemoryBound(to: UInt8.self)
            let digits = Array("0123456789abcdef".utf8)
            for k in 0..<count {
                out.append(digits[Int(bytes[k] >> 4)])
                out.append(digits[Int(bytes[k] & 0x0f)])
            }
        }
        out.append(0x27)
        return out
    }

    /// `name`, or `"name"` (with `"` doubled) when it is not a plain identifier or is a keyword.
    public static func identifierIfNeeded(_ name: String) -> String {
        needsQuotes(name) ? "\"" + name.replacingOccurrencesOfQuote() + "\"" : name
    }

    /// `identifierIfNeeded` on the name's bytes (a name need not be UTF-8).
    public static func identifierIfNeeded(_ name: [UInt8]) -> [UInt8] {
        guard needsQuotes(name) else { return name }
        var quoted: [UInt8] = [UInt8(ascii: "\"")]
        for b in name {
            quoted.append(b)
            if b == UInt8(ascii: "\"") { quoted.append(b) }
        }
        quoted.append(UInt8(ascii: "\""))
        return quoted
    }

    /// sqlite3's `quoteChar`: true unless the name is `[A-Za-z_][A-Za-z0-9_]*` and no keyword.
    public static func needsQuotes(_ name: String) -> Bool { needsQuotes(Array(name.utf8)) }

    public static func needsQuotes(_ bytes: [UInt8]) -> Bool {
        guard let first = bytes.first, isAlpha(first) || first == UInt8(ascii: "_") else { return true }
        for b in bytes where !(isAlpha(b) || isDigit(b) || b == UInt8(ascii: "_")) { return true }
        return bytes.withUnsafeBufferPointer { p in
            sqlite3_keyword_check(UnsafeRawPointer(p.baseAddress!).assumingMemoryBound(to: CChar.self), Int32(bytes.count)) != 0
        }
    }

    /// A REAL as MODE_Insert writes it: `1e999` / `-1e999` for infinities, `N.0` for an
    /// integral value that fits a 64-bit integer, else SQLite's `%!.20g`.
    public static func real(_ r: Double) -> String {
        if r == .infinity { return "1e999" }
        if r == -.infinity { return "-1e999" }
        if r.isFinite, r >= -9.223372036854775808e18, r < 9.223372036854775808e18, r == r.rounded(.towardZero) {
            return "\(Int64(r)).0"
        }
        return withDoubleText(r) { String(decoding: $0, as: UTF8.self) }
    }

    /// SQLite's `%!.20g` of `value` (its digits differ from the C library's `%.20g`), handed
    /// to `body` without a copy (sqlite3's json and quote modes write floats so).
    public static func withDoubleText<R>(_ value: Double, _ body: (UnsafeRawBufferPointer) throws -> R) rethrows -> R {
        try withUnsafeTemporaryAllocation(of: CChar.self, capacity: 64) { buffer in
            let p = buffer.baseAddress!
            migsh_format_double(p, Int32(buffer.count), value, 20)
            return try body(UnsafeRawBufferPointer(start: p, count: strlen(p)))
        }
    }

    /// sqlite3's `output_quoted_escaped_string` for the C string at `z` (cut at a NUL): `'…'`
    /// with `'` doubled; a newline or carriage return is written as an escape inside
    /// `replace(…, '\n', char(10))` (CR's replace() inside LF's).
    public static func escapedText(_ zOrNil: UnsafeRawPointer?) -> [UInt8] {
        guard let zOrNil else { return Array("''".utf8) }
        let z = zOrNil.assumingMemoryBound(to: UInt8.self)
        var length = 0
        while z[length] != 0 { length += 1 }
        let bytes = Array(UnsafeBufferPointer(start: z, count: length))
        return escapedText(bytes)
    }

    public static func escapedText(_ bytes: [UInt8]) -> [UInt8] {
        let quote = UInt8(ascii: "'")
        let newlines = bytes.filter { $0 == 0x0a }.count
        let returns = bytes.filter { $0 == 0x0d }.count
        var out: [UInt8] = []
        out.reserveCapacity(bytes.count + 8)
        if newlines == 0 && returns == 0 {
            out.append(quote)
            for b in bytes {
                out.append(b)
                if b == quote { out.append(quote) }
            }
            out.append(quote)
            return out
        }
        var nl: [UInt8] = []
        var cr: [UInt8] = []
        if newlines > 0 {
            out += Array("replace(".utf8)
            nl = unusedString(bytes, Array("\\n".utf8), Array("\\012".utf8))
        }
        if returns > 0 {
            out += Array("replace(".utf8)
            cr = unusedString(bytes, Array("\\r".utf8), Array("\\015".utf8))
        }
        out.append(quote)
        for b in bytes {
            switch b {
            case 0x0a: out += nl
            case 0x0d: out += cr
            case quote: out += [quote, quote]
            default: out.append(b)
            }
        }
        out.append(quote)
        if returns > 0 { out += Array(",'".utf8) + cr + Array("',char(13))".utf8) }
        if newlines > 0 { out += Array(",'".utf8) + nl + Array("',char(10))".utf8) }
        return out
    }

    /// sqlite3's `unused_string`: `a` if it does not occur in `z`, else `b`, else `(a0)`, `(a1)`, …
    static func unusedString(_ z: [UInt8], _ a: [UInt8], _ b: [UInt8]) -> [UInt8] {
        if !contains(z, a) { return a }
        if !contains(z, b) { return b }
        var i = 0
        while true {
            let candidate = Array("(".utf8) + a + Array("\(i))".utf8)
            if !contains(z, candidate) { return candidate }
            i += 1
        }
    }

    static func contains(_ haystack: [UInt8], _ needle: [UInt8]) -> Bool {
        guard !needle.isEmpty, needle.count <= haystack.count else { return needle.isEmpty }
        for start in 0...(haystack.count - needle.count) where haystack[start] == needle[0] {
            if Array(haystack[start..<start + needle.count]) == needle { return true }
        }
        return false
    }

    /// The body of sqlite3 3.40's `output_c_string` for the C string at `z`: `\\\\ \\" \\t \\n \\r`,
    /// and `\\ooo` for every byte that is not printable ASCII.
    public static func cEscaped(_ z: UnsafePointer<UInt8>) -> [UInt8] {
        var out: [UInt8] = []
        var k = 0
        while z[k] != 0 {
            let c = z[k]
            switch c {
            case UInt8(ascii: "\\"): out += [0x5c, 0x5c]
            case UInt8(ascii: "\""): out += [0x5c, 0x22]
            case 0x09: out += [0x5c, UInt8(ascii: "t")]
            case 0x0a: out += [0x5c, UInt8(ascii: "n")]
            case 0x0d: out += [0x5c, UInt8(ascii: "r")]
            case 0x20...0x7e: out.append(c)
            default:
                out += [0x5c, 0x30 + (c >> 6), 0x30 + ((c >> 3) & 7), 0x30 + (c & 7)]
            }
            k += 1
        }
        return out
    }

    public static func cEscaped(_ text: String) -> String {
        var bytes = CarriedBytes.bytes(of: text)  // a `.separator \xe9` is the byte 0xE9: `\351`
        bytes.append(0)
        return bytes.withUnsafeBufferPointer { String(decoding: cEscaped($0.baseAddress!), as: UTF8.self) }
    }

    static func isAlpha(_ b: UInt8) -> Bool { (b >= 0x41 && b <= 0x5a) || (b >= 0x61 && b <= 0x7a) }
    static func isDigit(_ b: UInt8) -> Bool { b >= 0x30 && b <= 0x39 }
}

extension String {
    /// `"` doubled (for a double-quoted identifier).
    func replacingOccurrencesOfQuote() -> String {
        var out = ""
        for c in self {
            out.append(c)
            if c == "\"" { out.append("\"") }
        }
        return out
    }
}
