import CMigshSQLite

/// `ieee754(X)`, `ieee754(M,E)`, `ieee754_mantissa(X)`, `ieee754_exponent(X)`,
/// `ieee754_from_blob(B)` and `ieee754_to_blob(X)`, as sqlite3 3.40's shell has them
/// (ext/misc/ieee754.c of that release). `ieee754(X)` reads X as a double (an 8-byte blob as
/// its big-endian bits) and says it as `ieee754(M,E)`, X = M×2^E with M odd; its arithmetic
/// is the C's, quirks included: 0.0 is `ieee754(0,-1075)`, -0.0 `ieee754(1,-3071)`, NaN and
/// Inf show their raw bits. `ieee754(M,E)` builds the double back (E clamped to ±10000; a
/// too-small result is 0.0, a too-large one Inf); `M` = -2^63 gives NULL where sqlite3 3.40
/// never returns.
enum IEEE754Functions {
    /// Which part `ieee754` of one argument returns (decimal.c's user data 0, 1, 2).
    enum Part: Int { case text = 0, mantissa, exponent }

    static func register(on db: OpaquePointer) {
        let flags = SQLITE_UTF8 | SQLITE_INNOCUOUS
        for (name, part) in [("ieee754", Part.text), ("ieee754_mantissa", .mantissa), ("ieee754_exponent", .exponent)] {
            sqlite3_create_function_v2(db, name, 1, flags, UnsafeMutableRawPointer(bitPattern: part.rawValue + 1), { context, _, values in
                guard let context, let values else { return }
                let part = Part(rawValue: Int(bitPattern: sqlite3_user_data(context)) - 1) ?? .text
                IEEE754Functions.decompose(context, values[0], part)
            }, nil, nil, nil)
        }
        sqlite3_create_function_v2(db, "ieee754", 2, flags, nil, { context, _, values in
            guard let context, let values else { return }
            guard let value = IEEE754Functions.compose(mantissa: sqlite3_value_int64(values[0]), exponent: sqlite3_value_int64(values[1])) else { return }
            sqlite3_result_double(context, value)
        }, nil, nil, nil)
        sqlite3_create_function_v2(db, "ieee754_from_blob", 1, flags, nil, { context, _, values in
            guard let context, let values, let value = IEEE754Functions.blobDouble(values[0]) else { return }
            sqlite3_result_double(context, value)
        }, nil, nil, nil)
        sqlite3_create_function_v2(db, "ieee754_to_blob", 1, flags, nil, { context, _, values in
            guard let context, let values else { return }
            let type = sqlite3_value_type(values[0])
            guard type == SQLITE_FLOAT || type == SQLITE_INTEGER else { return }
            let bits = sqlite3_value_double(values[0]).bitPattern
            let bytes = (0..<8).map { UInt8(truncatingIfNeeded: bits >> (56 - 8 * UInt64($0))) }
            sqlite3_result_blob(context, bytes, 8, SQLITE_TRANSIENT)
        }, nil, nil, nil)
    }

    /// An 8-byte blob's big-endian bits as a double; nil for anything else.
    static func blobDouble(_ value: OpaquePointer?) -> Double? {
        guard sqlite3_value_type(value) == SQLITE_BLOB, sqlite3_value_bytes(value) == 8,
              let blob = sqlite3_value_blob(value) else { return nil }
        let bytes = blob.assumingMemoryBound(to: UInt8.self)
        var bits: UInt64 = 0
        for i in 0..<8 { bits = bits << 8 | UInt64(bytes[i]) }
        return Double(bitPattern: bits)
    }

    static func decompose(_ context: OpaquePointer, _ value: OpaquePointer?, _ part: Part) {
        let (m, e) = parts(of: blobDouble(value) ?? sqlite3_value_double(value))
        switch part {
        case .text:
            let text = "ieee754(\(m),\(e))"
            sqlite3_result_text(context, text, Int32(text.utf8.count), SQLITE_TRANSIENT)
        case .mantissa: sqlite3_result_int64(context, m)
        case .exponent: sqlite3_result_int(context, Int32(truncatingIfNeeded: e))
        }
    }

    /// ieee754.c's decomposition, on the bits as a signed 64-bit integer (so -0.0, whose
    /// bits are negative, takes the path it takes there).
    static func parts(of value: Double) -> (mantissa: Int64, exponent: Int64) {
        var r = value
        var negative = false
        if r < 0 {
            negative = true
            r = -r
        }
        let a = Int64(bitPattern: r.bitPattern)
        guard a != 0 else { return (0, -1075) }
        // The C stores a>>52 in an int: the arithmetic shift keeps the sign.
        var e = Int64(Int32(truncatingIfNeeded: a >> 52))
        var m = a & ((1 << 52) - 1)
        if e == 0 { m <<= 1 } else { m |= 1 << 52 }
        while e < 1075 && m > 0 && m & 1 == 0 {
            m >>= 1
            e += 1
        }
        if negative { m = 0 &- m }
        return (m, e - 1075)
    }

    /// M×2^E as a double, built from its bits as ieee754.c builds it; nil for M = -2^63.
    static func compose(mantissa: Int64, exponent: Int64) -> Double? {
        var m = mantissa
        var e = min(max(exponent, -10000), 10000)
        var negative = false
        if m < 0 {
            negative = true
            m = 0 &- m
            if m < 0 { return nil }
        } else if m == 0 && e > -1000 && e < 1000 {
            return 0.0
        }
        while (m >> 32) & 0xffe00000 != 0 {
            m >>= 1
            e += 1
        }
        while m != 0 && (m >> 32) & 0xfff00000 == 0 {
            m <<= 1
            e -= 1
        }
        e += 1075
        if e <= 0 {
            // Subnormal.
            m = 1 - e >= 64 ? 0 : m >> (1 - e)
            e = 0
        } else if e > 0x7ff {
            e = 0x7ff
        }
        var a = UInt64(bitPattern: m) & ((1 << 52) - 1)
        a |= UInt64(bitPattern: e) << 52
        if negative { a |= 1 << 63 }
        return Double(bitPattern: a)
    }
}
