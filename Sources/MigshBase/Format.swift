import Glibc

/// `String(format:)` for the C formats migsh uses (`%03d`, `%.1f`, `%f`, …), through C's
/// vsnprintf. migsh sets only LC_CTYPE, so numbers keep the C locale's `.` as Foundation's do.
package func cFormat(_ format: String, _ arguments: any CVarArg...) -> String {
    withVaList(arguments) { list in
        var buffer = [CChar](repeating: 0, count: 128)
        let n = Int(vsnprintf(&buffer, buffer.count, format, list))
        if n < buffer.count { return String(decoding: buffer[..<max(n, 0)].map { UInt8(bitPattern: $0) }, as: UTF8.self) }
        buffer = [CChar](repeating: 0, count: n + 1)
        return withVaList(arguments) { again in
            _ = vsnprintf(&buffer, buffer.count, format, again)
            return String(decoding: buffer[..<n].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        }
    }
}

/// `n` in decimal, zero-filled to `width` digits (`String(format: "%03d", n)`).
package func zeroPadded(_ n: Int, width: Int = 3) -> String {
    let digits = String(n.magnitude)
    let sign = n < 0 ? "-" : ""
    let fill = max(0, width - sign.count - digits.count)
    return sign + String(repeating: "0", count: fill) + digits
}
