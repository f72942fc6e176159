import Foundation

/// A small JSON encoder for audit lines: sorted keys, no slashes escaped, one line. Faster
/// than JSONSerialization for the one-line-per-statement hot path, and its output is the
/// same for the same input (the hash chain depends on exact bytes).
enum JSONLine {
    static func encode(_ value: Any, into out: inout [UInt8]) {
        switch value {
        case let s as String: encodeString(s, into: &out)
        case let b as Bool: out += Array((b ? "true" : "false").utf8)
        case let i as Int: out += Array(String(i).utf8)
        case let i as Int64: out += Array(String(i).utf8)
        case let i as Int32: out += Array(String(i).utf8)
        case let d as Double: out += Array((d.isFinite ? String(d) : "null").utf8)
        case is NSNull: out += Array("null".utf8)
        case let a as [Any]:
            out.append(UInt8(ascii: "["))
            for (i, v) in a.enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                encode(v, into: &out)
            }
            out.append(UInt8(ascii: "]"))
        case let d as [String: Any]:
            out.append(UInt8(ascii: "{"))
            for (i, key) in d.keys.sorted().enumerated() {
                if i > 0 { out.append(UInt8(ascii: ",")) }
                encodeString(key, into: &out)
                out.append(UInt8(ascii: ":"))
                encode(d[key]!, into: &out)
            }
            out.append(UInt8(ascii: "}"))
        default:
            encodeString("\(value)", into: &out)
        }
    }

    static func encodeString(_ s: String, into out: inout [UInt8]) {
        out.append(UInt8(ascii: "\""))
        // Most text needs no escaping: scan the contiguous bytes, copy them in one go.
        let copied: Bool? = s.utf8.withContiguousStorageIfAvailable { bytes in
            for b in bytes where b < 32 || b == 34 || b == 92 { return false }
            out.append(contentsOf: bytes)
            return true
        }
        if copied == true {
            out.append(UInt8(ascii: "\""))
            return
        }
        for byte in s.utf8 {
            switch byte {
            case UInt8(ascii: "\""): out += [92, 34]
            case UInt8(ascii: "\\"): out += [92, 92]
            case 10: out += [92, UInt8(ascii: "n")]
            case 13: out += [92, UInt8(ascii: "r")]
            case 9: out += [92, UInt8(ascii: "t")]
            case 0..<32:
                let hex = Array("0123456789abcdef".utf8)
                out += [92, UInt8(ascii: "u"), 48, 48, hex[Int(byte >> 4)], hex[Int(byte & 15)]]
            default: out.append(byte)
            }
        }
        out.append(UInt8(ascii: "\""))
    }
}
