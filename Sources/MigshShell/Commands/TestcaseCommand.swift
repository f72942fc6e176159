import ArgumentParser
import Glibc
import MigshBase
import MigshCore

/// `.testcase NAME`: sqlite3 3.40's test-case recorder. The output goes to the file
/// `testcase-out.txt` in the current folder until `.check GLOB` (`CheckCommand`) compares
/// what it holds with GLOB (sqlite3's testcase glob: `*`, `?`, `[…]`, `#` for a number, any
/// white space for any white space) and says `testcase-NAME ok` or FAILED.
struct TestcaseCommand: DotCommand {
    static let configuration = CommandConfiguration(commandName: ".testcase", abstract: "Begin redirecting output to the file testcase-out.txt.",
        discussion: "Example: .testcase t1   (then SQL, then .check GLOB)")
    @Argument(parsing: .captureForPassthrough, help: ArgumentHelp("The test case's name.", valueName: "name"), completion: .nothing) var words: [String] = []

    /// sqlite3 keeps 29 bytes of the name (its zTestcase[30]).
    static let nameBytes = 29
    static let file = "testcase-out.txt"

    func run(in shell: Shell) throws {
        let session = shell.session
        shell.out.flush()
        _ = session.resetOutput()
        do {
            try session.redirectOutput(to: Self.file)
        } catch {
            shell.err.write("Error: cannot open '\(Self.file)'\n")
        }
        // The first 29 bytes as given (a Latin-1 name stays its bytes), carried in the String.
        let name = (words.first.map { ShellWord(argument: $0).bytes } ?? Array("?".utf8)).prefix(Self.nameBytes)
        session.testcaseName = CarriedBytes.string(carrying: name)
    }
}

extension CheckCommand {
    /// sqlite3's `.check GLOB`: output back to standard output, then `testcase-out.txt`
    /// against GLOB. A wrong number of words or no file ends the run, as in sqlite3 (its rc 2).
    static func checkTestcase(_ words: [String], in shell: Shell) throws {
        let session = shell.session
        shell.out.flush()
        _ = session.resetOutput()
        func end(_ message: String) throws -> Never {
            shell.err.write(message + "\n")
            shell.err.flush()
            throw ShellExit(exitStatus: shell.failureCode)
        }
        guard words.count == 1 else { try end("Usage: .check GLOB-PATTERN") }
        guard var result = FileSystem.contents(TestcaseCommand.file) else { try end("Error: cannot read '\(TestcaseCommand.file)'") }
        // sqlite3 reads it as a C string.
        if let nul = result.firstIndex(of: 0) { result.removeSubrange(nul...) }
        let name = CarriedBytes.bytes(of: session.testcaseName)
        let pattern = ShellWord(argument: words[0]).bytes
        if TestcaseGlob.matches(pattern, result) {
            session.standardOutput.write(Array("testcase-".utf8) + name + Array(" ok\n".utf8))
            session.standardOutput.flush()
        } else {
            shell.err.write(Array("testcase-".utf8) + name + Array(" FAILED\n Expected: [".utf8) + pattern
                            + Array("]\n      Got: [".utf8) + result + Array("]\n".utf8))
            shell.err.flush()
            throw MigshError(.saidAlready, "testcase-\(session.testcaseName) FAILED")
        }
    }
}

/// sqlite3 3.40's testcase_glob, byte for byte (C's signed chars included).
enum TestcaseGlob {
    static func matches(_ glob: [UInt8], _ text: [UInt8]) -> Bool {
        let g = glob.map { Int(Int8(bitPattern: $0)) } + [0, 0]
        let z = text.map { Int(Int8(bitPattern: $0)) } + [0, 0]
        return match(g, 0, z, 0)
    }

    private static func isSpace(_ c: Int) -> Bool { c == 32 || (9...13).contains(c) }
    private static func isDigit(_ c: Int) -> Bool { (48...57).contains(c) }

    private static func match(_ g: [Int], _ gStart: Int, _ z: [Int], _ zStart: Int) -> Bool {
        var gi = gStart, zi = zStart
        func nextG() -> Int { defer { gi += 1 }; return g[gi] }
        func nextZ() -> Int { defer { zi += 1 }; return z[zi] }
        while true {
            var c = nextG()
            if c == 0 { break }
            if isSpace(c) {
                if !isSpace(z[zi]) { return false }
                while isSpace(g[gi]) { gi += 1 }
                while isSpace(z[zi]) { zi += 1 }
            } else if c == 42 /* * */ {
                c = nextG()
                while c == 42 || c == 63 /* ? */ {
                    if c == 63 && nextZ() == 0 { return false }
                    c = nextG()
                }
                if c == 0 { return true }
                if c == 91 /* [ */ {
                    while z[zi] != 0 && !match(g, gi - 1, z, zi) { zi += 1 }
                    return z[zi] != 0
                }
                while true {
                    var c2 = nextZ()
                    if c2 == 0 { break }
                    while c2 != c {
                        c2 = nextZ()
                        if c2 == 0 { return false }
                    }
                    if match(g, gi, z, zi) { return true }
                }
                return false
            } else if c == 63 /* ? */ {
                if nextZ() == 0 { return false }
            } else if c == 91 /* [ */ {
                var priorC = 0
                var seen = false
                var invert = false
                c = nextZ()
                if c == 0 { return false }
                var c2 = nextG()
                if c2 == 94 /* ^ */ {
                    invert = true
                    c2 = nextG()
                }
                if c2 == 93 /* ] */ {
                    if c == 93 { seen = true }
                    c2 = nextG()
                }
                while c2 != 0 && c2 != 93 {
                    if c2 == 45 /* - */ && g[gi] != 93 && g[gi] != 0 && priorC > 0 {
                        c2 = nextG()
                        if c >= priorC && c <= c2 { seen = true }
                        priorC = 0
                    } else {
                        if c == c2 { seen = true }
                        priorC = c2
                    }
                    c2 = nextG()
                }
                if c2 == 0 || seen == invert { return false }
            } else if c == 35 /* # */ {
                if (z[zi] == 45 || z[zi] == 43) && isDigit(z[zi + 1]) { zi += 1 }
                if !isDigit(z[zi]) { return false }
                zi += 1
                while isDigit(z[zi]) { zi += 1 }
            } else {
                if c != nextZ() { return false }
            }
        }
        while isSpace(z[zi]) { zi += 1 }
        return z[zi] == 0
    }
}
