/// SHA3-224/256/384/512 (FIPS 202), for `.sha3sum`: sqlite3's shell hashes database content
/// with SHA3-224 by default, which swift-crypto does not offer.
public struct SHA3 {
    private var state = [UInt64](repeating: 0, count: 25)
    private var buffer: [UInt8] = []
    private let rate: Int
    public let bits: Int

    public init(bits: Int) {
        precondition([224, 256, 384, 512].contains(bits), "SHA3 size should be one of: 224 256 384 512")
        self.bits = bits
        rate = 200 - 2 * (bits / 8)
        buffer.reserveCapacity(rate)
    }

    public mutating func update<S: Sequence>(_ bytes: S) where S.Element == UInt8 {
        for b in bytes {
            buffer.append(b)
            if buffer.count == rate { absorbBuffer() }
        }
    }

    public mutating func update(_ text: String) { update(text.utf8) }

    public mutating func finalize() -> [UInt8] {
        // Padding: 0x06 … 0x80 (the SHA-3 domain bits, then pad10*1).
        var block = buffer
        block.append(0x06)
        while block.count < rate { block.append(0) }
        block[rate - 1] |= 0x80
        buffer = block
        absorbBuffer()
        var out: [UInt8] = []
        for lane in state where out.count < bits / 8 {
            for k in 0..<8 where out.count < bits / 8 { out.append(UInt8(truncatingIfNeeded: lane >> (8 * UInt64(k)))) }
        }
        return out
    }

    private mutating func absorbBuffer() {
        for i in 0..<(rate / 8) {
            var lane: UInt64 = 0
            for k in 0..<8 { lane |= UInt64(buffer[i * 8 + k]) << (8 * UInt64(k)) }
            state[i] ^= lane
        }
        buffer.removeAll(keepingCapacity: true)
        SHA3.keccakF(&state)
    }

    private static let roundConstants: [UInt64] = [
        0x0000000000000001, 0x0000000000008082, 0x800000000000808A, 0x8000000080008000, 0x000000000000808B,
        0x0000000080000001, 0x8000000080008081, 0x8000000000008009, 0x000000000000008A, 0x0000000000000088,
        0x0000000080008009, 0x000000008000000A, 0x000000008000808B, 0x800000000000008B, 0x8000000000008089,
        0x8000000000008003, 0x8000000000008002, 0x8000000000000080, 0x000000000000800A, 0x800000008000000A,
        0x8000000080008081, 0x8000000000008080, 0x0000000080000001, 0x8000000080008008,
    ]
    private static let rotations: [UInt64] = [
        0, 1, 62, 28, 27, 36, 44, 6, 55, 20, 3, 10, 43, 25, 39, 41, 45, 15, 21, 8, 18, 2, 61, 56, 14,
    ]

    private static func keccakF(_ a: inout [UInt64]) {
        var b = [UInt64](repeating: 0, count: 25)
        var c = [UInt64](repeating: 0, count: 5)
        for round in 0..<24 {
            for x in 0..<5 { c[x] = a[x] ^ a[x + 5] ^ a[x + 10] ^ a[x + 15] ^ a[x + 20] }
            for x in 0..<5 {
                let d = c[(x + 4) % 5] ^ rotl(c[(x + 1) % 5], 1)
                for y in stride(from: 0, to: 25, by: 5) { a[y + x] ^= d }
            }
            for x in 0..<5 {
                for y in 0..<5 {
                    b[y + 5 * ((2 * x + 3 * y) % 5)] = rotl(a[x + 5 * y], rotations[x + 5 * y])
                }
            }
            for y in stride(from: 0, to: 25, by: 5) {
                for x in 0..<5 { a[y + x] = b[y + x] ^ (~b[y + (x + 1) % 5] & b[y + (x + 2) % 5]) }
            }
            a[0] ^= roundConstants[round]
        }
    }

    private static func rotl(_ v: UInt64, _ n: UInt64) -> UInt64 { n == 0 ? v : (v << n) | (v >> (64 - n)) }
}
