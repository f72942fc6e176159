/// Reads one JSON text (RFC 8259) into the values `JSONSerialization.jsonObject(with:)` gave,
/// as Swift types: `[String: Any]`, `[Any]`, `String`, `Bool`, `Int` (a number with an exact
/// whole value that fits, as NSNumber answered `as? Int`), `Double` (any other number), and
/// `JSONNull` for `null`. Nil for anything that is not exactly one JSON text (bad UTF-8,
/// control characters in strings, trailing text, nesting over 512 levels). Like
/// JSONSerialization, a comma may end an object or an array (`{"a":1,}`).
package enum JSONReader {
    package static func read<Bytes: Collection>(_ bytes: Bytes) -> Any? where Bytes.Element == UInt8 {
        var parser = Parser(bytes: Array(bytes))
        guard let value = parser.value(depth: 0) else { return nil }
        parser.skipSpace()
        return parser.i == parser.bytes.count ? value : nil
    }

    /// A JSON object (`jsonObject(with:) as? [String: Any]`).
    package static func object<Bytes: Collection>(_ bytes: Bytes) -> [String: Any]? where Bytes.Element == UInt8 {
        read(bytes) as? [String: Any]
    }

    private struct Parser {
        let bytes: [UInt8]
        var i = 0

        init(bytes: [UInt8]) {
            // A UTF-8 byte order mark is skipped, as JSONSerialization skipped it.
            self.bytes = bytes
            if bytes.starts(with: [0xEF, 0xBB, 0xBF]) { i = 3 }
        }

        mutating func skipSpace() {
            while i < bytes.count, bytes[i] == 0x20 || bytes[i] == 0x09 || bytes[i] == 0x0A || bytes[i] == 0x0D { i += 1 }
        }

        mutating func literal(_ word: String) -> Bool {
            let w = Array(word.utf8)
            guard i + w.count <= bytes.count, Array(bytes[i..<(i + w.count)]) == w else { return false }
            i += w.count
            return true
        }

        mutating func value(depth: Int) -> Any? {
            guard depth < 512 else { return nil }
            skipSpace()
            guard i < bytes.count else { return nil }
            switch bytes[i] {
            case UInt8(ascii: "{"):
                i += 1
                var object: [String: Any] = [:]
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return object }
                while true {
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: "\""), let key = string() else { return nil }
                    skipSpace()
                    guard i < bytes.count, bytes[i] == UInt8(ascii: ":") else { return nil }
                    i += 1
                    guard let v = value(depth: depth + 1) else { return nil }
                    object[key] = v
                    skipSpace()
                    guard i < bytes.count else { return nil }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                        skipSpace()
                        if i < bytes.count, bytes[i] == UInt8(ascii: "}") { i += 1; return object }
                        continue
                    }
                    if bytes[i] == UInt8(ascii: "}") { i += 1; return object }
                    return nil
                }
            case UInt8(ascii: "["):
                i += 1
                var array: [Any] = []
                skipSpace()
                if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return array }
                while true {
                    guard let v = value(depth: depth + 1) else { return nil }
                    array.append(v)
                    skipSpace()
                    guard i < bytes.count else { return nil }
                    if bytes[i] == UInt8(ascii: ",") {
                        i += 1
                        skipSpace()
                        if i < bytes.count, bytes[i] == UInt8(ascii: "]") { i += 1; return array }
                        continue
                    }
                    if bytes[i] == UInt8(ascii: "]") { i += 1; return array }
                    return nil
                }
            case UInt8(ascii: "\""):
                return string()
            case UInt8(ascii: "t"):
                return literal("true") ? true : nil
            case UInt8(ascii: "f"):
                return literal("false") ? false : nil
            case UInt8(ascii: "n"):
                return literal("null") ? JSONNull() : nil
            default:
                return number()
            }
        }

        mutating func string() -> String? {
            i += 1 // the opening quote
            var out: [UInt8] = []
            while i < bytes.count {
                let b = bytes[i]
                if b == UInt8(ascii: "\"") {
                    i += 1
                    // Invalid UTF-8 is refused, not repaired.
                    return String(validating: out, as: UTF8.self)
                }
                if b < 0x20 { return nil }
                if b != UInt8(ascii: "\\") { out.append(b); i += 1; continue }
                i += 1
                guard i < bytes.count else { return nil }
                let e = bytes[i]
                i += 1
                switch e {
                case UInt8(ascii: "\""): out.append(0x22)
                case UInt8(ascii: "\\"): out.append(0x5C)
                case UInt8(ascii: "/"): out.append(0x2F)
                case UInt8(ascii: "b"): out.append(0x08)
                case UInt8(ascii: "f"): out.append(0x0C)
                case UInt8(ascii: "n"): out.append(0x0A)
                case UInt8(ascii: "r"): out.append(0x0D)
                case UInt8(ascii: "t"): out.append(0x09)
                case UInt8(ascii: "u"):
                    guard var unit = hex4() else { return nil }
                    var scalar: Unicode.Scalar?
                    if unit >= 0xD800 && unit < 0xDC00 {
                        guard literal("\\u"), let low = hex4(), low >= 0xDC00, low < 0xE000 else { return nil }
                        unit = 0x10000 + ((unit - 0xD800) << 10) + (low - 0xDC00)
                        scalar = Unicode.Scalar(unit)
                    } else {
                        scalar = Unicode.Scalar(unit)
                    }
                    guard let scalar else { return nil }
                    out.append(contentsOf: Array(String(Character(scalar)).utf8))
                default:
                    return nil
                }
            }
            return nil
        }

        mutating func hex4() -> UInt32? {
            guard i + 4 <= bytes.count else { return nil }
            var v: UInt32 = 0
            for b in bytes[i..<(i + 4)] {
                let d: UInt8
                switch b {
                case 0x30...0x39: d = b - 0x30
                case 0x41...0x46: d = b - 0x41 + 10
                case 0x61...0x66: d = b - 0x61 + 10
                default: return nil
                }
                v = v * 16 + UInt32(d)
            }
            i += 4
            return v
        }

        mutating func number() -> Any? {
            let start = i
            if i < bytes.count, bytes[i] == UInt8(ascii: "-") { i += 1 }
            func digits() -> Int {
                let s = i
                while i < bytes.count, bytes[i] >= 0x30, bytes[i] <= 0x39 { i += 1 }
                return i - s
            }
            let intStart = i
            let intDigits = digits()
            guard intDigits > 0, !(intDigits > 1 && bytes[intStart] == 0x30) else { return nil }
            var integral = true
            if i < bytes.count, bytes[i] == UInt8(ascii: ".") {
                i += 1
                guard digits() > 0 else { return nil }
                integral = false
            }
            if i < bytes.count, bytes[i] == UInt8(ascii: "e") || bytes[i] == UInt8(ascii: "E") {
                i += 1
                if i < bytes.count, bytes[i] == UInt8(ascii: "+") || bytes[i] == UInt8(ascii: "-") { i += 1 }
                guard digits() > 0 else { return nil }
                integral = false
            }
            let text = String(decoding: bytes[start..<i], as: UTF8.self)
            if integral, let n = Int(text) { return n }
            guard let d = Double(text), d.isFinite else { return nil }
            if d == d.rounded(), d >= -9.2e18, d <= 9.2e18 { return Int(d) }
            return d
        }
    }
}

/// JSON's `null` (JSONSerialization's NSNull).
package struct JSONNull: Sendable, Equatable, CustomStringConvertible {
    package init() {}
    package var description: String { "<null>" }
}
