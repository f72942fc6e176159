import Foundation
import MigshShell

// migsh-manual [DATE]: migsh(1) in man(7) roff on standard output, made from the command
// line's declarations (ManualPage). DATE defaults to $SOURCE_DATE_EPOCH's day, else today's.
let seconds = ProcessInfo.processInfo.environment["SOURCE_DATE_EPOCH"].flatMap { TimeInterval($0) }
let formatter = DateFormatter()
formatter.locale = Locale(identifier: "en_US_POSIX")
formatter.timeZone = TimeZone(identifier: "UTC")
formatter.dateFormat = "yyyy-MM-dd"
let date = CommandLine.arguments.dropFirst().first ?? formatter.string(from: seconds.map { Date(timeIntervalSince1970: $0) } ?? Date())
FileHandle.standardOutput.write(Data(ManualPage.roff(date: date).utf8))
