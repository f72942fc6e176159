import Foundation
import Testing
@testable import MigshCore
import MigshTestSupport

/// SQLite's locking is unreliable on network filesystems (useovernet.html): migsh tells them
/// apart by the `statfs` magic number of the folder holding the database.
@Suite("FileSystemKind: which filesystem holds a database")
struct FileSystemKindTests {
    @Test("network filesystems' statfs magic numbers are recognised",
          arguments: [(Int64(0x6969), "nfs"), (Int64(0xFF53_4D42), "cifs")])
    func networkMagic(magic: Int64, name: String) {
        #expect(FileSystemKind.kind(forMagic: magic) == .network(name))
    }

    @Test("local filesystems' magic numbers are local",
          arguments: [Int64(0xEF53) /* ext2/3/4 */, Int64(0x0102_1994) /* tmpfs */, Int64(0x5846_5342) /* xfs */,
                      Int64(0x9123_683E) /* btrfs */, Int64(0x794C_7630) /* overlayfs */, 0])
    func localMagic(magic: Int64) {
        #expect(FileSystemKind.kind(forMagic: magic) == .local)
    }

    @Test("statfs reads the temporary folder's filesystem type, the one GNU stat reports, and it is local")
    func temporaryFolderIsLocal() throws {
        let magic = try #require(FileSystemKind.magic(NSTemporaryDirectory()), "statfs failed on the temporary folder")
        let stat = try ChildProcess.output(of: "/usr/bin/stat", ["-f", "-c", "%t", NSTemporaryDirectory()])
        #expect(stat.status == 0)
        #expect(Int64(stat.stdout.trimmingCharacters(in: .whitespacesAndNewlines), radix: 16) == magic, "stat says \(stat.stdout)")
        #expect(FileSystemKind.detect(NSTemporaryDirectory()) == .local)
    }

    @Test("a file that does not exist yet is judged by its folder; a path statfs cannot examine has no type")
    func missingFileUsesItsFolder() throws {
        let path = NSTemporaryDirectory() + "migsh-no-such-file-" + UUID().uuidString + ".sqlite"
        let folder = try #require(FileSystemKind.magic(NSTemporaryDirectory()))
        #expect(FileSystemKind.magic(path) == folder)
        #expect(FileSystemKind.magic("/no-such-folder-\(UUID().uuidString)/x/db.sqlite") == nil)
    }
}
