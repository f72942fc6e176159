import Glibc

// The few date formats migsh writes and reads, by hand (DateFormatter and ISO8601DateFormatter
// are Foundation's, with ICU behind them). Gregorian calendar, ASCII digits.

/// The broken-down time of `seconds` since 1970, in UTC or in the local time zone (TZ).
private func brokenDown(_ seconds: Int, utc: Bool) -> tm {
    var t = time_t(seconds)
    var parts = tm()
    if utc { gmtime_r(&t, &parts) } else { localtime_r(&t, &parts) }
    return parts
}

private func two(_ n: Int32) -> String { n < 10 ? "0\(n)" : "\(n)" }
private func four(_ n: Int32) -> String { zeroPadded(Int(n), width: 4) }

/// Whole seconds since 1970 and the milliseconds: the time rounded to the nearest millisecond
/// as Foundation's formatters rounded it (through seconds since 2001, its reference date).
private func split(_ secondsSince1970: Double) -> (seconds: Int, milliseconds: Int) {
    let sinceReference = secondsSince1970 - 978_307_200.0
    let ms = Int(((sinceReference + 978_307_200.0) * 1000 + 0.5).rounded(.down))
    let s = ms >= 0 ? ms / 1000 : -((-ms + 999) / 1000)
    return (s, ms - s * 1000)
}

/// `2026-12-01T15:03:47.123Z` (ISO8601DateFormatter with `.withInternetDateTime` and
/// `.withFractionalSeconds`).
package func iso8601UTCMilliseconds(secondsSince1970 t: Double) -> String {
    let (s, ms) = split(t)
    let p = brokenDown(s, utc: true)
    return "\(four(p.tm_year + 1900))-\(two(p.tm_mon + 1))-\(two(p.tm_mday))T\(two(p.tm_hour)):\(two(p.tm_min)):\(two(p.tm_sec))."
        + zeroPadded(ms, width: 3) + "Z"
}

/// Local time in a pattern of `yyyy`, `MM`, `dd`, `HH`, `mm`, `ss` and literal characters
/// (`DateFormatter` with that `dateFormat`, the current time zone).
package func localDateText(secondsSince1970 t: Double, pattern: String) -> String {
    let p = brokenDown(split(t).seconds, utc: false)
    var out = ""
    var rest = Substring(pattern)
    let fields: [(String, String)] = [("yyyy", four(p.tm_year + 1900)), ("MM", two(p.tm_mon + 1)), ("dd", two(p.tm_mday)),
                                      ("HH", two(p.tm_hour)), ("mm", two(p.tm_min)), ("ss", two(p.tm_sec))]
    outer: while !rest.isEmpty {
        for (field, value) in fields where rest.hasPrefix(field) {
            out += value
            rest = rest.dropFirst(field.count)
            continue outer
        }
        out.append(rest.removeFirst())
    }
    return out
}

/// Seconds since 1970 of an ISO 8601 internet date-time, `YYYY-MM-DDTHH:MM:SS`, optional
/// fraction, then `Z` or `±HH:MM` (what ISO8601DateFormatter read), or nil.
package func parseISO8601(_ text: String) -> Double? {
    let b = Array(text.utf8)
    var i = 0
    func number(_ count: Int) -> Int? {
        guard i + count <= b.count else { return nil }
        var v = 0
        for c in b[i..<(i + count)] {
            guard c >= 0x30, c <= 0x39 else { return nil }
            v = v * 10 + Int(c - 0x30)
        }
        i += count
        return v
    }
    func expect(_ c: Character) -> Bool {
        guard i < b.count, b[i] == c.asciiValue! else { return false }
        i += 1
        return true
    }
    guard let year = number(4), expect("-"), let month = number(2), expect("-"), let day = number(2),
          expect("T"), let hour = number(2), expect(":"), let minute = number(2), expect(":"), let second = number(2),
          (1...12).contains(month), (1...31).contains(day), hour < 24, minute < 60, second < 61 else { return nil }
    var fraction = 0.0
    if i < b.count, b[i] == UInt8(ascii: ".") {
        i += 1
        var scale = 0.1
        let start = i
        while i < b.count, b[i] >= 0x30, b[i] <= 0x39 { fraction += Double(b[i] - 0x30) * scale; scale /= 10; i += 1 }
        guard i > start else { return nil }
    }
    var offset = 0
    if expect("Z") {
    } else if i < b.count, b[i] == UInt8(ascii: "+") || b[i] == UInt8(ascii: "-") {
        let sign = b[i] == UInt8(ascii: "-") ? -1 : 1
        i += 1
        guard let h = number(2) else { return nil }
        _ = expect(":")
        guard let m = number(2) else { return nil }
        offset = sign * (h * 3600 + m * 60)
    } else {
        return nil
    }
    guard i == b.count else { return nil }
    var parts = tm()
    parts.tm_year = Int32(year - 1900)
    parts.tm_mon = Int32(month - 1)
    parts.tm_mday = Int32(day)
    parts.tm_hour = Int32(hour)
    parts.tm_min = Int32(minute)
    parts.tm_sec = Int32(second)
    return Double(timegm(&parts) - offset) + fraction
}
