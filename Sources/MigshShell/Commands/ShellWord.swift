import ArgumentParser
import MigshBase
import MigshCore

/// One word of a dot-command line as the bytes the user gave: a file name, a pattern, a value.
/// sqlite3 hands these bytes on unchanged (to `fopen()`, into its SQL, to a child process), so
/// a Latin-1 or invalid UTF-8 byte in them must never be decoded. The parser reads the word
/// from the String that carries its bytes (`CarriedBytes`); this value holds the bytes again.
struct ShellWord: ExpressibleByArgument, Hashable, Sendable, CustomStringConvertible {
    var bytes: [UInt8]

    init(_ bytes: [UInt8]) { self.bytes = bytes }
    init(argument: String) { bytes = CarriedBytes.bytes(of: argument) }

    /// The word in a message or a text API: the String that carries its bytes, which the
    /// shell's writers (`OutputBuffer.write(_:)`) turn back into the bytes.
    var description: String { CarriedBytes.string(carrying: bytes) }

    var isEmpty: Bool { bytes.isEmpty }

    /// The bytes as a C string, for the file system and SQLite (a NUL ends it there, as in sqlite3).
    func withCString<R>(_ body: (UnsafePointer<CChar>) throws -> R) rethrows -> R {
        try CarriedBytes.withCString(bytes: bytes, body)
    }
}
