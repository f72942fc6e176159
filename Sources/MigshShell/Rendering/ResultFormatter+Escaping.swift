import Glibc
import MigshCore

// How values are written inside the modes: sqlite3 3.40's quoting and escaping for csv, SQL
// strings, hex blobs, json, html, C strings and floating-point numbers.
extension ResultFormatter {
    /// sqlite3's `output_csv`: quote when the value is empty, holds a byte of
    /// `needsCSVQuote`, or contains the column separator; quotes inside are doubled.
    func writeCSVField(_ zOrNil: UnsafeRawPointer?) {
        guard let z = zOrNil else {
            writeASCII("\"\"")  // a missing name prints as an empty value: ""
            return
        }
        let bytes = z.assumingMemoryBound(to: UInt8.self)
        let length = strlen(z.assumingMemoryBound(to: CChar.self))
        var quote = length == 0
        if !quote {
            for k in 0..<length where ResultFormatter.needsCSVQuote(bytes[k]) {
                quote = true
                break
            }
        }
        if !quote { quote = contains(bytes, length, separator) }
        guard quote else {
            out.write(UnsafeRawBufferPointer(start: z, count: length))
            return
        }
        writeDoubledQuotes(bytes, length, quote: UInt8(ascii: "\""))
    }

    /// sqlite3's `needCsvQuote` table: control characters, space, `"`, `'`, DEL and every
    /// byte of a non-ASCII character.
    private static func needsCSVQuote(_ byte: UInt8) -> Bool {
        byte <= 0x20 || byte == 0x22 || byte == 0x27 || byte >= 0x7f
    }

    /// `"…"` or `'…'` with the quote character doubled inside.
    private func writeDoubledQuotes(_ bytes: UnsafePointer<UInt8>, _ length: Int, quote: UInt8) {
        out.write(byte: quote)
        var runStart = 0
        for k in 0..<length where bytes[k] == quote {
            out.write(UnsafeRawBufferPointer(start: bytes + runStart, count: k + 1 - runStart))
            out.write(byte: quote)
            runStart = k + 1
        }
        out.write(UnsafeRawBufferPointer(start: bytes + runStart, count: length - runStart))
        out.write(byte: quote)
    }

    /// sqlite3's `output_quoted_string`: `'…'` with `'` doubled, nothing else escaped.
    func writeSQLString(_ z: UnsafeRawPointer?) {
        guard let z else { return }
        let length = strlen(z.assumingMemoryBound(to: CChar.self))
        writeDoubledQuotes(z.assumingMemoryBound(to: UInt8.self), length, quote: UInt8(ascii: "'"))
    }

    /// sqlite3's `output_hex_blob`: `X'00ff41'` (`x'…'` for a quoted columnar value).
    func writeHexBlob(_ blob: UnsafeRawPointer?, count: Int, prefix: StaticString = "X'") {
        writeASCII(prefix)
        if let blob {
            let digits: StaticString = "0123456789abcdef"
            let bytes = blob.assumingMemoryBound(to: UInt8.self)
            for k in 0..<count {
                out.write(byte: digits.utf8Start[Int(bytes[k] >> 4)])
                out.write(byte: digits.utf8Start[Int(bytes[k] & 0x0f)])
            }
        }
        out.write(byte: UInt8(ascii: "'"))
    }

    /// sqlite3's `output_json_string`: escapes `"`, `\` and control characters below 0x20;
    /// everything else, DEL and non-ASCII included, is copied as is.
    func writeJSONString(_ z: UnsafeRawPointer?, count: Int) {
        out.write(byte: UInt8(ascii: "\""))
        if let z {
            let bytes = z.assumingMemoryBound(to: UInt8.self)
            var runStart = 0
            for k in 0..<count {
                let c = bytes[k]
                guard c <= 0x1f || c == UInt8(ascii: "\"") || c == UInt8(ascii: "\\") else { continue }
                out.write(UnsafeRawBufferPointer(start: bytes + runStart, count: k - runStart))
                runStart = k + 1
                out.write(byte: UInt8(ascii: "\\"))
                switch c {
                case UInt8(ascii: "\""), UInt8(ascii: "\\"): out.write(byte: c)
                case 0x08: out.write(byte: UInt8(ascii: "b"))
                case 0x0c: out.write(byte: UInt8(ascii: "f"))
                case 0x0a: out.write(byte: UInt8(ascii: "n"))
                case 0x0d: out.write(byte: UInt8(ascii: "r"))
                case 0x09: out.write(byte: UInt8(ascii: "t"))
                default:
                    let digits: StaticString = "0123456789abcdef"
                    writeASCII("u00")
                    out.write(byte: digits.utf8Start[Int(c >> 4)])
                    out.write(byte: digits.utf8Start[Int(c & 0x0f)])
                }
            }
            out.write(UnsafeRawBufferPointer(start: bytes + runStart, count: count - runStart))
        }
        out.write(byte: UInt8(ascii: "\""))
    }

    /// `%!.20g`, SQLite's own formatting (the digits differ from the C library's).
    func writeDouble(_ value: Double) {
        SQLLiteral.withDoubleText(value) { out.write($0) }
    }

    /// sqlite3's `output_html_string`: `< & > " '` as entities, every other byte as is.
    func writeHTML(_ zOrNil: UnsafeRawPointer?) {
        guard let z = zOrNil else { return }
        let bytes = z.assumingMemoryBound(to: UInt8.self)
        var k = 0
        var runStart = 0
        while bytes[k] != 0 {
            let entity: StaticString?
            switch bytes[k] {
            case UInt8(ascii: "<"): entity = "&lt;"
            case UInt8(ascii: "&"): entity = "&amp;"
            case UInt8(ascii: ">"): entity = "&gt;"
            case UInt8(ascii: "\""): entity = "&quot;"
            case UInt8(ascii: "'"): entity = "&#39;"
            default: entity = nil
            }
            if let entity {
                out.write(UnsafeRawBufferPointer(start: bytes + runStart, count: k - runStart))
                writeASCII(entity)
                runStart = k + 1
            }
            k += 1
        }
        out.write(UnsafeRawBufferPointer(start: bytes + runStart, count: k - runStart))
    }

    /// sqlite3 3.40's `output_c_string`: `"…"` with `\\ \" \t \n \r` and every byte that is
    /// not printable ASCII (control bytes, DEL, every byte of a non-ASCII character) as `\ooo`.
    func writeCQuoted(_ zOrNil: UnsafeRawPointer?) {
        out.write(byte: UInt8(ascii: "\""))
        if let z = zOrNil {
            out.write(SQLLiteral.cEscaped(z.assumingMemoryBound(to: UInt8.self)))
        }
        out.write(byte: UInt8(ascii: "\""))
    }

    /// `strstr(z, needle) != 0`; an empty needle is found everywhere, as in C.
    private func contains(_ z: UnsafePointer<UInt8>, _ length: Int, _ needle: [UInt8]) -> Bool {
        guard let head = needle.first else { return true }
        guard needle.count <= length else { return false }
        return needle.withUnsafeBufferPointer { n in
            var k = 0
            while k + n.count <= length {
                if z[k] == head && memcmp(z + k, n.baseAddress!, n.count) == 0 { return true }
                k += 1
            }
            return false
        }
    }
}
