import Glibc
import MigshBase

/// The database named on the command line (or by `MIGSH_DATABASE`) as the bytes given.
/// Swift's `CommandLine.arguments` and `String(cString:)` repair bytes that are not UTF-8
/// (each becomes U+FFFD), so the decoded name could open — or with `--create` make — a
/// different file. migsh names the database's audit log, its head, the lock and the backups
/// folder after the database's path as text; a name that is not UTF-8 could not be kept
/// there, so it is refused before anything touches the disk.
enum DatabaseArgument {
    /// The error to print (carrying the name's bytes, written as given) when the database's
    /// name is not UTF-8 text; nil when it is.
    static func refusal(database: String?, commands: [String], variable: String) -> String? {
        let bytes: [UInt8]
        let source: String
        if let database {
            // Matched together with the COMMAND arguments that follow it, so that a later
            // argument decoding to the same text is not taken for it.
            bytes = MigshMain.rawArguments(matching: [database] + commands)[0]
            source = "the database argument"
        } else if let value = getenv(variable) {
            bytes = Array(UnsafeRawBufferPointer(start: value, count: strlen(value)))
            source = variable
        } else {
            return nil
        }
        return refusal(source, bytes, because: "it names the database's audit log, lock and backups folder after it, as text")
    }

    /// The error for the first of the session's other paths (`-m DIR`, `--backups DIR`,
    /// `--audit FILE`) that was given with bytes that are not UTF-8 (in any of the option's
    /// spellings, `--audit=FILE` included): their files are made and found as text too.
    static func refusal(options: [(name: String, value: String?)]) -> String? {
        for case let (name, value?) in options where value.unicodeScalars.contains("\u{FFFD}") {
            // The repaired value is a part of an argument that is not UTF-8: its bytes.
            let argv = MigshMain.rawArguments()
            if let bytes = argv.first(where: { String(validating: $0, as: UTF8.self) == nil && String(decoding: $0, as: UTF8.self) == value })
                ?? argv.first(where: { String(validating: $0, as: UTF8.self) == nil && String(decoding: $0, as: UTF8.self).hasSuffix("=" + value) }) {
                let given = String(decoding: bytes, as: UTF8.self) == value ? bytes : Array(bytes.drop(while: { $0 != UInt8(ascii: "=") }).dropFirst())
                return refusal(name, given, because: "it makes and finds the session's files there by name, as text")
            }
        }
        return nil
    }

    private static func refusal(_ source: String, _ bytes: [UInt8], because reason: String) -> String? {
        guard String(validating: bytes, as: UTF8.self) == nil else { return nil }
        return "Error: \(source) \"\(CarriedBytes.string(carrying: bytes))\" is not UTF-8 text, which migsh needs: \(reason) "
            + "(rename the file, or give a symbolic link with a UTF-8 name); nothing was opened or created"
    }
}
