import Foundation
import Testing
import MigshBase

let paths: [String] = [
    "", "/", "//", "///", "a", "a/", "/a", "/a/", "a/b", "/a/b", "/a/b/", "a//b", "/a//b///", "./a", "../a", "/a/./b", "/a/../b",
    "a/../b", "/..", "/../a", "..", ".", "~", "~/x", "~root/x", "~nosuchuser-xyz/x", "/tmp/x.sqlite", "x.tar.gz", ".hidden",
    "/a/.hidden", "a/..", "a/.", "db.sqlite-journal", "/a/b.c/d", "/a/b.", "a.", ".a.b", "/é/e\u{301}.txt", "/x/ /y",
]

@Suite("MigshBase path helpers, against NSString")
struct PathTests {
    @Test func componentsMatchNSString() {
        for p in paths {
            let ns = p as NSString
            #expect(p.pathLastComponent == ns.lastPathComponent, "\(p)")
            // NSString traps on a one-character relative path ("a", "a/", "."); its folder is "".
            var fixed = p
            while fixed.count > 1 && fixed.hasSuffix("/") { fixed.removeLast() }
            if fixed.utf16.count == 1 && fixed != "/" {
                #expect(p.pathDeletingLastComponent == "", "\(p)")
            } else {
                #expect(p.pathDeletingLastComponent == ns.deletingLastPathComponent, "\(p)")
            }
            #expect(p.pathDeletingExtension == ns.deletingPathExtension, "\(p)")
            for q in ["", "b", "/b", "b/", "snapshots", "x.sqlite", "a/b"] {
                #expect(p.pathAppending(q) == ns.appendingPathComponent(q), "\(p) + \(q)")
            }
        }
    }

    @Test func standardizingMatchesNSString() throws {
        for p in paths + ["/tmp", "/tmp/", "/tmp/../tmp/./x", "/private/tmp", "/privatetmp", "/var/automount/tmp", "/usr/lib/../bin"] {
            #expect(p.pathStandardized == (p as NSString).standardizingPath, "\(p)")
        }
    }

    @Test func standardizingResolvesSymbolicLinksAsNSStringDoes() throws {
        let dir = NSTemporaryDirectory() + "migshbase-paths-\(getpid())"
        try? FileManager.default.removeItem(atPath: dir)
        try FileManager.default.createDirectory(atPath: dir + "/real/sub", withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(atPath: dir) }
        try FileManager.default.createSymbolicLink(atPath: dir + "/abs", withDestinationPath: dir + "/real")
        try FileManager.default.createSymbolicLink(atPath: dir + "/rel", withDestinationPath: "real/sub")
        try FileManager.default.createSymbolicLink(atPath: dir + "/up", withDestinationPath: "../" + (dir as NSString).lastPathComponent + "/real")
        try FileManager.default.createSymbolicLink(atPath: dir + "/dangling", withDestinationPath: "nowhere")
        try FileManager.default.createSymbolicLink(atPath: dir + "/adangling", withDestinationPath: dir + "/nowhere")
        try FileManager.default.createSymbolicLink(atPath: dir + "/chain", withDestinationPath: dir + "/abs")
        try FileManager.default.createSymbolicLink(atPath: dir + "/file", withDestinationPath: dir + "/real/sub/../sub")
        for p in ["/abs", "/abs/sub", "/abs/sub/../x", "/rel", "/rel/", "/rel/../y", "/up/sub", "/dangling", "/dangling/z", "/real/./sub//",
                  "/adangling", "/chain", "/chain/sub", "/file", "/file/.."] {
            #expect((dir + p).pathStandardized == ((dir + p) as NSString).standardizingPath, "\(p)")
        }
        let cwd = FileManager.default.currentDirectoryPath
        FileManager.default.changeCurrentDirectoryPath(dir)
        defer { FileManager.default.changeCurrentDirectoryPath(cwd) }
        for p in ["abs", "abs/sub", "rel/x", "real/../abs", "./rel"] {
            #expect(p.pathStandardized == (p as NSString).standardizingPath, "\(p)")
        }
    }

    @Test func userFoldersMatchFoundation() {
        #expect(temporaryDirectoryPath() == NSTemporaryDirectory())
        #expect(loginName() == NSUserName())
        #expect(homeDirectory() == NSHomeDirectory())
    }
}
