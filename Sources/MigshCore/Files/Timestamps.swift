import FoundationEssentials
import MigshBase

public func iso8601(_ date: Date) -> String {
    iso8601UTCMilliseconds(secondsSince1970: date.timeIntervalSince1970)
}

public func iso8601Now() -> String { iso8601(Date()) }

extension JSONEncoder {
    static var sorted: JSONEncoder {
        let e = JSONEncoder()
        e.outputFormatting = [.sortedKeys, .withoutEscapingSlashes]
        return e
    }
}
