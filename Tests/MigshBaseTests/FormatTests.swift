import Foundation
import Testing
import MigshBase

@Suite("MigshBase number, date and JSON helpers, against Foundation")
struct FormatTests {
    @Test func numbersMatchStringFormat() {
        // Foundation's %d takes 32 bits (Int.max gave "-01"); versions are far below that.
        for n in [0, 1, 7, 42, 99, 100, 999, 1000, 123456, -1, -42, -1000, Int(Int32.max), Int(Int32.min)] {
            #expect(zeroPadded(n) == String(format: "%03d", n), "\(n)")
            #expect(cFormat("%03d_", n) == String(format: "%03d_", n))
        }
        for x in [0.0, 0.05, 0.15, 0.25, 1.0, 1.45, 1.55, 2.5, 9.95, 9.96, 10.0, 999.5, 1234.5678, 1e-7, 123456789.123, -0.5, -2.675] {
            for f in ["%.1f", "%.0f", "%.3f", "%f", "%.1f s"] {
                #expect(cFormat(f, x) == String(format: f, x), "\(f) \(x)")
            }
            #expect(cFormat("Run Time: real %.3f user %f sys %f\n", x, x / 3, x * 7) == String(format: "Run Time: real %.3f user %f sys %f\n", x, x / 3, x * 7))
        }
        let long = String(repeating: "x", count: 300)
        #expect(cFormat(long + "%d", 5) == String(format: long + "%d", 5))
    }

    @Test func datesMatchTheFormatters() throws {
        let iso = ISO8601DateFormatter()
        iso.formatOptions = [.withInternetDateTime, .withFractionalSeconds]
        let local = DateFormatter()
        local.locale = Locale(identifier: "en_US_POSIX")
        var times: [Double] = [0, 1, 0.999, 0.0005, 1_700_000_000.1234, 1_765_000_000.9999, 86399.5, 951_782_400, 4_102_444_800.001, 1e9 + 0.123]
        var g = SystemRandomNumberGenerator()
        for _ in 0..<300 { times.append(Double(g.next() % 4_000_000_000) + Double(g.next() % 1_000_000) / 1_000_000) }
        for t in times {
            let date = Date(timeIntervalSince1970: t)
            #expect(iso8601UTCMilliseconds(secondsSince1970: t) == iso.string(from: date), "\(t)")
            for pattern in ["yyyyMMdd_HHmmss", "yyyy-MM-dd HH:mm:ss", "yyyy-MM-dd"] {
                local.dateFormat = pattern
                #expect(localDateText(secondsSince1970: t, pattern: pattern) == local.string(from: date), "\(pattern) \(t)")
            }
            let text = iso.string(from: date)
            #expect(parseISO8601(text).map { ($0 * 1000).rounded() } == iso.date(from: text).map { ($0.timeIntervalSince1970 * 1000).rounded() })
        }
        let plain = ISO8601DateFormatter()
        for text in ["2026-12-01T15:03:47Z", "2026-12-01T15:03:47.5Z", "2026-12-01T15:03:47+01:00", "2026-12-01T15:03:47.123-05:30",
                     "2026-12-01 15:03:47", "garbage", "", "2026-13-01T00:00:00Z", "2026-12-01T15:03:47"] {
            let theirs = iso.date(from: text) ?? plain.date(from: text)
            #expect(parseISO8601(text).map { ($0 * 1000).rounded() } == theirs.map { ($0.timeIntervalSince1970 * 1000).rounded() }, "\(text)")
        }
    }

    /// The JSON value as text, the same for Foundation's NSNumber/NSNull and MigshBase's Swift values.
    func render(_ value: Any?) -> String {
        switch value {
        case nil: return "nil"
        case let d as [String: Any]: return "{" + d.keys.sorted().map { "\($0):" + render(d[$0]!) }.joined(separator: ",") + "}"
        case let a as [Any]: return "[" + a.map { render($0) }.joined(separator: ",") + "]"
        case let s as String: return "s" + s
        case is NSNull, is JSONNull: return "null"
        // JSONSerialization's NSNumbers do not tell true from 1: both sides' numbers and
        // booleans are numbers here, and jsonTypes checks MigshBase's own types.
        case let b as Bool: return b ? "i1" : "i0"
        case let i as Int: return "i\(i)"
        case let n as NSNumber: return n.doubleValue == n.doubleValue.rounded() && abs(n.doubleValue) < 9e18 ? "i\(Int(n.doubleValue))" : "d\(n.doubleValue)"
        case let d as Double: return "d\(d)"
        default: return "?\(value!)"
        }
    }

    @Test func jsonMatchesJSONSerialization() {
        let documents = [
            #"{"seq":1,"prev":"abc","event":"sql","sql":"SELECT 1;\nSELECT 'x'","ok":true,"rows_changed":0}"#,
            #"{"a":[1,2.5,-3,1e3,-0.25,true,false,null,{"b":"\u00e9\ud83d\ude00\n\t\"\\\/"}],"c":{}}"#,
            #"  {"1.0.0": 1, "1.2.0": 3}  "#, "\u{FEFF}{\"x\":1}", #"{"x":12345678901234567890}"#, #"{"x":-0}"#,
            #"[]"#, #"{}"#, #"{"dup":1,"dup":2}"#, #"[1,2,]"#, #"{"a":1,}"#, #"{"a":[1,],}"#, #"{"a":1E+2}"#,
            // Not JSON: each nil on both sides.
            #"{"seq":1,"prev":"ab"#, #"{"a":1,}"#, #"{"a":01}"#, #"{"a":.5}"#, #"{"a":1.}"#, #"{"a":"x"}x"#, "{\"a\":\"\u{01}\"}",
            #"{'a':1}"#, #"{"a":tru}"#, #"[,]"#, #"{,}"#, #"{"a":1,,"b":2}"#, "// c\n{\"a\":1}", #"{"a":NaN}"#, #"{"a":1e400}"#, #"{"a":+1}"#, #"{"a":"\x"}"#, #"{"a":"\ud800"}"#, "", "   ", #"{"a" 1}"#, #"[1 2]"#,
        ]
        for doc in documents {
            let theirs = try? JSONSerialization.jsonObject(with: Data(doc.utf8))
            #expect(render(JSONReader.read(Array(doc.utf8))) == render(theirs), "\(doc)")
            #expect((JSONReader.object(Array(doc.utf8)) == nil) == ((theirs as? [String: Any]) == nil))
        }
        let bad: [UInt8] = Array(#"{"a":""#.utf8) + [0xFF, 0x22, 0x7D]
        #expect(JSONReader.read(bad) == nil)
        #expect((try? JSONSerialization.jsonObject(with: Data(bad))) == nil)
    }

    @Test func jsonTypes() throws {
        let object = try #require(JSONReader.object(Array(#"{"t":true,"f":false,"i":1,"d":2.5,"w":3.0,"s":"x","n":null,"a":[1]}"#.utf8)))
        #expect(object["t"] as? Bool == true)
        #expect(object["f"] as? Bool == false)
        #expect(object["i"] as? Int == 1)
        #expect(object["i"] as? Bool == nil)
        #expect(object["d"] as? Double == 2.5)
        #expect(object["w"] as? Int == 3)
        #expect(object["s"] as? String == "x")
        #expect(object["n"] is JSONNull)
        #expect((object["a"] as? [Any])?.first as? Int == 1)
    }

    @Test func fileErrorsDescribedAsFoundationDid() throws {
        let file = NSTemporaryDirectory() + "migshbase-errors-\(getpid())"
        FileManager.default.createFile(atPath: file, contents: Data("x".utf8))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let cases: [() throws -> Void] = [
            { _ = try FileManager.default.contentsOfDirectory(atPath: file) },
            { _ = try FileManager.default.contentsOfDirectory(atPath: file + "-missing") },
            { try FileManager.default.createDirectory(atPath: file + "/sub", withIntermediateDirectories: true) },
            { try FileManager.default.createDirectory(atPath: "/proc/no/such", withIntermediateDirectories: true) },
        ]
        for c in cases {
            do { try c(); Issue.record("no error") } catch {
                #expect(errorDescription(error) == error.localizedDescription)
            }
        }
    }

    @Test func fileSizesReadAsFoundationRead() throws {
        let file = NSTemporaryDirectory() + "migshbase-size-\(getpid())"
        FileManager.default.createFile(atPath: file, contents: Data(repeating: 7, count: 12345))
        defer { try? FileManager.default.removeItem(atPath: file) }
        let attributes = try FileManager.default.attributesOfItem(atPath: file)
        #expect(fileSizeAttribute(attributes[.size]) == attributes[.size] as? Int)
        #expect(fileSizeAttribute(UInt(12345) as Any) == 12345)
        #expect(fileSizeAttribute(nil) == nil)
        #expect(fileSizeAttribute("12" as Any) == nil)
    }
}
