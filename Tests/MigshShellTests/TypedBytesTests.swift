import Testing
@testable import MigshShell

/// How the line reader carries bytes that are not text through libedit (`TypedBytes`): the
/// characters it hands libedit, and the bytes it gets back from libedit's UTF-8 line.
@Suite("Typed bytes through a wide-character line editor")
struct TypedBytesTests {
    func characters(_ bytes: [UInt8], utf8: Bool) -> [UInt32] {
        var decoder = TypedBytes.Decoder(utf8: utf8)
        var index = 0
        var result: [UInt32] = []
        while let c = decoder.next(read: {
            guard index < bytes.count else { return nil }
            defer { index += 1 }
            return bytes[index]
        }) { result.append(c) }
        return result
    }

    func escaped(_ byte: UInt8) -> UInt32 { 0x10FD00 + UInt32(byte) }

    @Test("UTF-8 locale: valid sequences are their characters; every other byte its own escape, the bytes after it kept")
    func utf8Locale() {
        #expect(characters(Array("aé€😀".utf8), utf8: true) == [0x61, 0xE9, 0x20AC, 0x1F600])
        // Latin-1 é then Enter: the escape, then the newline (not swallowed as a continuation).
        #expect(characters([0x61, 0xE9, 0x0A], utf8: true) == [0x61, escaped(0xE9), 0x0A])
        // A cut sequence, a lone continuation byte, 0xFF, an overlong form, a surrogate, past U+10FFFF.
        #expect(characters([0xE2, 0x82, 0x41], utf8: true) == [escaped(0xE2), escaped(0x82), 0x41])
        #expect(characters([0x80, 0xFF, 0xFE], utf8: true) == [escaped(0x80), escaped(0xFF), escaped(0xFE)])
        #expect(characters([0xC0, 0xAF], utf8: true) == [escaped(0xC0), escaped(0xAF)])
        #expect(characters([0xED, 0xA0, 0x80], utf8: true) == [escaped(0xED), escaped(0xA0), escaped(0x80)])
        #expect(characters([0xF4, 0x90, 0x80, 0x80], utf8: true) == [escaped(0xF4), escaped(0x90), escaped(0x80), escaped(0x80)])
        // End of input in the middle of a sequence: its bytes are still given out.
        #expect(characters([0xC3], utf8: true) == [escaped(0xC3)])
    }

    @Test("C locale: every byte from 0x80 is escaped, valid UTF-8 included")
    func cLocale() {
        #expect(characters([0x61, 0xC3, 0xA9, 0xE9, 0x7F], utf8: false) == [0x61, escaped(0xC3), escaped(0xA9), escaped(0xE9), 0x7F])
    }

    @Test("the editor's UTF-8 line gives back every byte typed, in either locale")
    func roundTrip() {
        let lines: [[UInt8]] = [Array("select 'é', \"tÿ\"".utf8), [0x27, 0xE9, 0xFF, 0x27], Array(0x00...0xFF), [0xF4, 0x8F, 0xB6], [0xED, 0xA0, 0x80]]
        for line in lines {
            for utf8 in [true, false] {
                let editorLine = TypedBytes.escapeLine(line, utf8: utf8)
                #expect(TypedBytes.unescape(editorLine) == line, "\(line) utf8: \(utf8)")
                // What the editor holds is valid UTF-8 (it encodes every character it keeps).
                #expect(String(validating: editorLine, as: UTF8.self) != nil)
            }
        }
        #expect(TypedBytes.escapeLine(Array("é".utf8), utf8: true) == Array("é".utf8))
    }
}
