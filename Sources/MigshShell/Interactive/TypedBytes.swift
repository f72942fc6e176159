import MigshBase

/// Typed bytes that are not text in the terminal's character set, carried through a line
/// editor that only knows characters. Debian's libedit is a wide-character build: it decodes
/// each typed byte with the locale, drops what does not decode (a Latin-1 `é`, 0xE9, in a
/// UTF-8 locale; every byte from 0x80 in the C locale — measured under tmux), and encodes the
/// line again on the way out. So the line reader decodes the bytes itself: valid UTF-8 (in a
/// UTF-8 locale) becomes its character, and any other byte B from 0x80 becomes the private-use
/// character U+10FD00+B, which the editor keeps, shows as one cell, and hands back as UTF-8
/// (`F4 8F B6/B7 xx`), turned back here into the one byte typed. What reaches SQLite is then
/// what was typed. (Typing U+10FD80…U+10FDFF itself gives the byte instead: those characters
/// are private-use, never assigned.)
public enum TypedBytes {
    /// The character the editor gets for a byte that is not text (`CarriedBytes`, the same
    /// scalars that carry a dot-command's words through the argument parser).
    public static func escape(_ byte: UInt8) -> UInt32 { CarriedBytes.scalar(for: byte) }

    /// The bytes a line editor hands back, with every escaped byte restored.
    public static func unescape(_ line: [UInt8]) -> [UInt8] { CarriedBytes.bytes(ofUTF8: line) }

    /// A line of bytes as the editor holds it (for its history): each byte that is not part
    /// of valid UTF-8 (with `utf8` false: each byte from 0x80) as its escape, in UTF-8.
    public static func escapeLine(_ line: [UInt8], utf8: Bool) -> [UInt8] {
        var decoder = Decoder(utf8: utf8)
        var index = 0
        var result: [UInt8] = []
        while let character = decoder.next(read: {
            guard index < line.count else { return nil }
            defer { index += 1 }
            return line[index]
        }) {
            guard let scalar = Unicode.Scalar(character) else { continue }
            result += Array(String(Character(scalar)).utf8)
        }
        return result
    }

    /// Turns bytes, read one at a time, into the characters a wide-character editor takes.
    public struct Decoder {
        /// Whether the terminal's character set is UTF-8 (else every byte from 0x80 is escaped).
        public var utf8: Bool
        /// Bytes read but not yet given out (after an invalid sequence was cut short).
        var queue: [UInt8] = []

        public init(utf8: Bool) { self.utf8 = utf8 }

        /// The next character; nil when `read` has no more bytes and none are queued.
        public mutating func next(read: () -> UInt8?) -> UInt32? {
            if queue.isEmpty {
                guard let byte = read() else { return nil }
                queue.append(byte)
            }
            let lead = queue[0]
            guard lead >= 0x80 else { return UInt32(queue.removeFirst()) }
            let length = utf8 ? Self.sequenceLength(lead) : 0
            guard length > 1 else { return TypedBytes.escape(queue.removeFirst()) }
            // Read the continuation bytes only while they fit, so that a byte which ends the
            // sequence early (a Latin-1 `é` then Enter) is given out after the escape.
            while queue.count < length, Self.fits(queue) {
                guard let byte = read() else { break }
                queue.append(byte)
            }
            guard queue.count >= length, Self.fits(Array(queue.prefix(length))) else {
                return TypedBytes.escape(queue.removeFirst())
            }
            var scalar = UInt32(lead) & (0xFF >> (length + 1))
            for byte in queue.prefix(length).dropFirst() { scalar = scalar << 6 | UInt32(byte & 0x3F) }
            queue.removeFirst(length)
            return scalar
        }

        /// The length of a UTF-8 sequence starting with `lead`; 0 for a byte no sequence starts with.
        static func sequenceLength(_ lead: UInt8) -> Int {
            switch lead {
            case 0xC2...0xDF: return 2
            case 0xE0...0xEF: return 3
            case 0xF0...0xF4: return 4
            default: return 0
            }
        }

        /// Whether `bytes` (a lead and the continuation bytes so far) can begin a valid
        /// sequence: no overlong form, no surrogate, nothing past U+10FFFF.
        static func fits(_ bytes: [UInt8]) -> Bool {
            for (i, byte) in bytes.enumerated().dropFirst() {
                guard byte & 0xC0 == 0x80 else { return false }
                if i == 1 {
                    switch bytes[0] {
                    case 0xE0 where byte < 0xA0, 0xED where byte > 0x9F, 0xF0 where byte < 0x90, 0xF4 where byte > 0x8F:
                        return false
                    default:
                        break
                    }
                }
            }
            return true
        }
    }
}
