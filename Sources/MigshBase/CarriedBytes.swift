/// Bytes carried inside a Swift `String` without loss, for the places that only take text
/// (swift-argument-parser reads a dot-command's words as `[String]`; libedit edits characters).
/// Valid UTF-8 stays the text it is; any other byte B from 0x80 becomes the private-use
/// scalar U+10FD00+B (U+10FD80…U+10FDFF, never assigned). The bytes of a valid sequence for
/// one of those scalars are escaped one by one too, so every byte string has exactly one
/// carrying `String` and `bytes(of:)` gives back the bytes given to `string(carrying:)`.
public enum CarriedBytes {
    static let base: UInt32 = 0x10FD00

    /// The scalar that carries a byte from 0x80 that is not text.
    public static func scalar(for byte: UInt8) -> UInt32 { base + UInt32(byte) }

    /// `bytes` as a String, as `string(carrying:)` of any collection makes it: an array of
    /// ASCII bytes without the generic path (unspecialized across modules, its first use
    /// looks the collection's conformances up at run time: a scan of all of them, issue 25).
    public static func string(carrying bytes: [UInt8]) -> String {
        guard bytes.contains(where: { $0 >= 0x80 }) else { return String(decoding: bytes, as: UTF8.self) }
        return string(carrying: bytes[...])
    }

    /// `bytes` as a String: UTF-8 as its text, every other byte carried by its scalar.
    public static func string(carrying bytes: some Collection<UInt8>) -> String {
        guard bytes.contains(where: { $0 >= 0x80 }) else { return String(decoding: bytes, as: UTF8.self) }
        let bytes = Array(bytes)
        var scalars = String.UnicodeScalarView()
        var i = 0
        while i < bytes.count {
            let length = validSequenceLength(bytes, at: i)
            if length == 0 {
                scalars.append(Unicode.Scalar(scalar(for: bytes[i]))!)
                i += 1
            } else {
                let decoded = decode(bytes[i..<i + length])
                if decoded >= base + 0x80 && decoded <= base + 0xFF {
                    // A scalar that carries a byte, given as text: each of its bytes is carried.
                    for b in bytes[i..<i + length] { scalars.append(Unicode.Scalar(scalar(for: b))!) }
                } else {
                    scalars.append(Unicode.Scalar(decoded)!)
                }
                i += length
            }
        }
        return String(scalars)
    }

    /// The bytes a String stands for: its UTF-8 with every carried byte restored.
    public static func bytes(of string: String) -> [UInt8] { bytes(ofUTF8: Array(string.utf8)) }

    /// The bytes UTF-8 text stands for, every carried byte (`F4 8F B6/B7 xx`) restored.
    public static func bytes(ofUTF8 utf8: [UInt8]) -> [UInt8] {
        guard utf8.contains(0xF4) else { return utf8 }
        var bytes: [UInt8] = []
        bytes.reserveCapacity(utf8.count)
        var i = 0
        while i < utf8.count {
            if utf8[i] == 0xF4, i + 3 < utf8.count, utf8[i + 1] == 0x8F, utf8[i + 2] == 0xB6 || utf8[i + 2] == 0xB7,
               utf8[i + 3] & 0xC0 == 0x80 {
                bytes.append(utf8[i + 3] + (utf8[i + 2] == 0xB7 ? 0x40 : 0))
                i += 4
            } else {
                bytes.append(utf8[i])
                i += 1
            }
        }
        return bytes
    }

    /// The bytes `string` stands for as a C string: for `fopen()`, `open()`, `popen()`, which
    /// get a file name as the user gave it (a NUL inside ends it there, as in sqlite3).
    public static func withCString<R>(_ string: String, _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        // Most text carries nothing (no 0xF4 lead byte): its own C string, no copy.
        guard string.utf8.contains(0xF4) else { return try string.withCString(body) }
        return try withCString(bytes: bytes(of: string), body)
    }

    public static func withCString<R>(bytes: [UInt8], _ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try (bytes.map { CChar(bitPattern: $0) } + [0]).withUnsafeBufferPointer { try body($0.baseAddress!) }
    }

    /// Whether a String carries bytes that are not text.
    public static func carriesBytes(_ string: String) -> Bool {
        string.unicodeScalars.contains { $0.value >= base + 0x80 && $0.value <= base + 0xFF }
    }

    /// The length of the valid UTF-8 sequence at `i` (1 for ASCII), 0 when none starts there.
    static func validSequenceLength(_ bytes: [UInt8], at i: Int) -> Int {
        let lead = bytes[i]
        let length: Int
        switch lead {
        case 0x00...0x7F: return 1
        case 0xC2...0xDF: length = 2
        case 0xE0...0xEF: length = 3
        case 0xF0...0xF4: length = 4
        default: return 0
        }
        guard i + length <= bytes.count else { return 0 }
        for k in 1..<length {
            let byte = bytes[i + k]
            guard byte & 0xC0 == 0x80 else { return 0 }
            if k == 1 {
                switch lead {
                case 0xE0 where byte < 0xA0, 0xED where byte > 0x9F, 0xF0 where byte < 0x90, 0xF4 where byte > 0x8F:
                    return 0
                default: break
                }
            }
        }
        return length
    }

    static func decode(_ sequence: ArraySlice<UInt8>) -> UInt32 {
        let lead = sequence.first!
        guard sequence.count > 1 else { return UInt32(lead) }
        var value = UInt32(lead) & (0xFF >> (sequence.count + 1))
        for byte in sequence.dropFirst() { value = value << 6 | UInt32(byte & 0x3F) }
        return value
    }
}
