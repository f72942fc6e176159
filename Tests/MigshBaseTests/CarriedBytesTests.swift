import Foundation
import MigshBase
import Testing

/// Bytes carried through a String (`CarriedBytes`): every byte string comes back as it was,
/// and text stays the text it is. The oracle is the bytes themselves.
@Suite("MigshBase bytes carried in a String")
struct CarriedBytesTests {
    /// Latin-1, lone bytes, cut and overlong sequences, surrogates, valid UTF-8, and the valid
    /// UTF-8 of the very scalars that carry bytes (U+10FD80, U+10FDFF), which must stay those bytes.
    static let samples: [[UInt8]] = [
        [], Array("plain ascii".utf8), [0x63, 0x61, 0x66, 0xE9], [0xFF], [0xC3], [0xC3, 0xA9, 0xE9, 0xC3],
        [0x80, 0xED, 0xA0, 0x80, 0xF4, 0x90], [0xC0, 0xAF], [0xE0, 0x80, 0xAF], Array("日本 ☃".utf8),
        [0xF4, 0x8F, 0xB6, 0x80], [0xF4, 0x8F, 0xB7, 0xBF], [0xF4, 0x8F, 0xB6], Array(0x00...0xFF),
    ]

    @Test("bytes → String → bytes gives the bytes back", arguments: samples)
    func roundTrip(_ bytes: [UInt8]) {
        let carried = CarriedBytes.string(carrying: bytes)
        #expect(CarriedBytes.bytes(of: carried) == bytes)
        // The array's own path and the generic one (a slice, another collection) agree.
        #expect(carried.unicodeScalars.elementsEqual(CarriedBytes.string(carrying: bytes[...]).unicodeScalars))
        #expect(carried.unicodeScalars.elementsEqual(CarriedBytes.string(carrying: ContiguousArray(bytes)).unicodeScalars))
        #expect(CarriedBytes.carriesBytes(carried) == (String(validating: bytes, as: UTF8.self) == nil || bytes.starts(with: [0xF4, 0x8F, 0xB6]) || bytes.starts(with: [0xF4, 0x8F, 0xB7])))
    }

    @Test("random byte strings come back unchanged")
    func randomRoundTrips() {
        var generator = SystemRandomNumberGenerator()
        var failures: [[UInt8]] = []
        for _ in 0..<2000 {
            let bytes = (0..<Int.random(in: 0...12, using: &generator)).map { _ in
                // Weighted to the bytes that matter here.
                [UInt8.random(in: 0...0xFF, using: &generator), 0xF4, 0x8F, 0xB6, 0xB7, 0xE9, 0xC3, 0x80][Int.random(in: 0...7, using: &generator)]
            }
            if CarriedBytes.bytes(of: CarriedBytes.string(carrying: bytes)) != bytes { failures.append(bytes) }
        }
        #expect(failures.isEmpty, "\(failures.count) byte strings changed, e.g. \(failures.prefix(3))")
    }

    @Test("valid UTF-8 is its own text; a byte that is not is one private-use character")
    func textStaysText() {
        #expect(CarriedBytes.string(carrying: Array("café 日本".utf8)) == "café 日本")
        let carried = CarriedBytes.string(carrying: [0x61, 0xE9, 0x62])
        #expect(carried.unicodeScalars.map(\.value) == [0x61, 0x10FDE9, 0x62])
    }
}
