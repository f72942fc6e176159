import Foundation
import MigshTestSupport
import Testing

extension InteractiveShellTests {
    /// Issue 22: bytes typed in a dot-command's words (libedit hands them back through
    /// `TypedBytes`) reach the file system and the output as typed, as in sqlite3.
    @Test("typed bytes that are not UTF-8 in a dot-command's words: .once names its file with them, .print writes them",
          arguments: ["C", "C.UTF-8"])
    func typedBytesInDotCommandWords(locale: String) throws {
        try withShell(environment: ["LANG": locale, "LC_ALL": locale], prepare: Self.upToDateWithT) { shell in
            let lines: [[UInt8]] = [
                Array(".once o".utf8) + [0xE9, 0xFF] + Array(".txt".utf8),
                Array(".print caf".utf8) + [0xE9, 0x20, 0xC3, 0x20, 0xC3, 0xA9],
            ]
            for line in lines {
                let before = shell.prompts(try shell.terminal.screen())
                try shell.terminal.typeBytes(line)
                try shell.terminal.press("Enter")
                try shell.waitForPrompts(before + 1)
            }
            // The oracle: python3 lists the folder as bytes.
            let program = """
                import os, sys
                for n in sorted(os.listdir(sys.argv[1].encode())):
                    if n.startswith(b'o'): print(n.hex(), open(os.path.join(sys.argv[1].encode(), n), 'rb').read().hex())
                """
            let listing = try runProcess("/usr/bin/env", ["python3", "-c", program, shell.dir])
            // o\xe9\xff.txt holding "caf\xe9 \xc3 é\n".
            let screen = try shell.terminal.screen()
            #expect(listing.stdout == "6fe9ff2e747874 636166e920c320c3a90a\n", "\(listing)\n\(screen)")
        }
    }
}
