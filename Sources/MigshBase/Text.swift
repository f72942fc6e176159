// What migsh used from Foundation's string API, with names of its own (so code that imports
// Foundation beside it sees no ambiguity), and the same answers (Tests/MigshBaseTests checks
// each against Foundation). See docs/foundation.md.

/// A set of Unicode scalars, as `CharacterSet` was used: the predefined white space sets and
/// sets of listed characters.
package struct ScalarSet: Sendable {
    private let test: @Sendable (Unicode.Scalar) -> Bool

    package init(_ test: @escaping @Sendable (Unicode.Scalar) -> Bool) { self.test = test }

    /// The scalars of `characters` (`CharacterSet(charactersIn:)`).
    package init(charactersIn characters: String) {
        let set = Set(characters.unicodeScalars)
        test = { set.contains($0) }
    }

    package func contains(_ scalar: Unicode.Scalar) -> Bool { test(scalar) }

    package func union(_ other: ScalarSet) -> ScalarSet {
        let a = test, b = other.test
        return ScalarSet { a($0) || b($0) }
    }

    /// `CharacterSet.whitespaces`: tab, and the space separators (Zs) and U+200B.
    package static let whitespaces = ScalarSet { isWhitespace($0.value) }
    /// `CharacterSet.newlines`: U+000A–U+000D, U+0085, U+2028, U+2029.
    package static let newlines = ScalarSet { isNewline($0.value) }
    /// `CharacterSet.whitespacesAndNewlines`.
    package static let whitespacesAndNewlines = ScalarSet { isWhitespace($0.value) || isNewline($0.value) }

    private static func isWhitespace(_ v: UInt32) -> Bool {
        v == 0x20 || v == 0x09 || (v >= 0xA0 && (v == 0xA0 || v == 0x1680 || (v >= 0x2000 && v <= 0x200B)
            || v == 0x202F || v == 0x205F || v == 0x3000))
    }
    private static func isNewline(_ v: UInt32) -> Bool {
        (v >= 0x0A && v <= 0x0D) || v == 0x85 || v == 0x2028 || v == 0x2029
    }
}

extension StringProtocol {
    /// The string without the scalars of `set` at either end (`trimmingCharacters(in:)`).
    package func trimming(_ set: ScalarSet) -> String {
        let text = String(self)
        let scalars = text.unicodeScalars
        guard let first = scalars.firstIndex(where: { !set.contains($0) }) else { return "" }
        let last = scalars.lastIndex(where: { !set.contains($0) })!
        return String(Substring(scalars[first...last]))
    }

    /// Every occurrence of `target` replaced by `replacement`, left to right, compared byte for
    /// byte (`replacingOccurrences(of:with:)`; Foundation also skips a match followed by a
    /// combining mark, which this does not: a quote before one is doubled too).
    package func replacingAll(_ target: String, with replacement: String) -> String {
        let text = String(self)
        let pattern = Array(target.utf8)
        guard !pattern.isEmpty, text.utf8.count >= pattern.count else { return text }
        return text.utf8.withContiguousStorageIfAvailable { bytes -> String in
            var out: [UInt8] = []
            var i = 0
            var copied = 0
            let n = bytes.count, m = pattern.count
            var found = false
            while i + m <= n {
                if bytes[i] == pattern[0] && (m == 1 || Array(bytes[i..<(i + m)]) == pattern) {
                    if !found { out.reserveCapacity(n); found = true }
                    out.append(contentsOf: bytes[copied..<i])
                    out.append(contentsOf: replacement.utf8)
                    i += m
                    copied = i
                } else {
                    i += 1
                }
            }
            guard found else { return text }
            out.append(contentsOf: bytes[copied..<n])
            return String(decoding: out, as: UTF8.self)
        } ?? String(String(text).replacingAll(target, with: replacement))
    }

    /// The string made `length` UTF-16 code units long: cut, or filled with spaces
    /// (`padding(toLength:withPad: " ", startingAt: 0)`).
    package func padded(toLength length: Int) -> String {
        let units = utf16.count
        if units == length { return String(self) }
        if units < length { return String(self) + String(repeating: " ", count: length - units) }
        return String(decoding: Array(utf16.prefix(length)), as: UTF16.self)
    }

    /// Whether the string equals `other` ignoring case, as both lowercase (`caseInsensitiveCompare`
    /// `== .orderedSame`, for the ASCII words migsh compares with).
    package func equalsIgnoringCase(_ other: String) -> Bool {
        lowercased() == other.lowercased()
    }
}

extension String {
    /// The string with `range` replaced (`replacingCharacters(in:with:)`).
    package func replacingSubrange(_ range: Range<String.Index>, with replacement: String) -> String {
        var copy = self
        copy.replaceSubrange(range, with: replacement)
        return copy
    }

    /// The range of the last occurrence of `target`, compared byte for byte
    /// (`range(of:options: .backwards)`).
    package func lastRange(of target: String) -> Range<String.Index>? {
        let text = self
        let pattern = Array(target.utf8)
        let bytes = Array(text.utf8)
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return nil }
        var i = bytes.count - pattern.count
        while i >= 0 {
            if Array(bytes[i..<(i + pattern.count)]) == pattern {
                let start = text.utf8.index(text.startIndex, offsetBy: i)
                let end = text.utf8.index(start, offsetBy: pattern.count)
                return start..<end
            }
            i -= 1
        }
        return nil
    }

    /// The range of the first occurrence of the ASCII `target` ignoring ASCII case
    /// (`range(of:options: .caseInsensitive)` for an ASCII target).
    package func firstRangeIgnoringASCIICase(of target: String) -> Range<String.Index>? {
        let text = self
        func lower(_ c: UInt8) -> UInt8 { c >= 65 && c <= 90 ? c + 32 : c }
        let pattern = target.utf8.map(lower)
        let bytes = Array(text.utf8)
        guard !pattern.isEmpty, bytes.count >= pattern.count else { return nil }
        for i in 0...(bytes.count - pattern.count) where (0..<pattern.count).allSatisfy({ lower(bytes[i + $0]) == pattern[$0] }) {
            let start = text.utf8.index(text.startIndex, offsetBy: i)
            return start..<text.utf8.index(start, offsetBy: pattern.count)
        }
        return nil
    }
}

extension StringProtocol {
    /// The string without the white space at its end, as the regular expression `\s+$` found it
    /// (`replacingOccurrences(of: "\\s+$", with: "", options: .regularExpression)`): ICU's `\s`
    /// is Unicode's White_Space, every line terminator included.
    package func trimmingTrailingRegexWhitespace() -> String {
        let scalars = Array(unicodeScalars)
        var end = scalars.count
        while end > 0, scalars[end - 1].properties.isWhitespace { end -= 1 }
        if end == scalars.count { return String(self) }
        var out = String.UnicodeScalarView()
        out.append(contentsOf: scalars[..<end])
        return String(out)
    }
}
