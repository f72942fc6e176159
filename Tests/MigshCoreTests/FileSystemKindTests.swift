import Foundation
import Testing
@testable import MigshCore

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

    @Test("the temporary folder of this machine is local")
    func temporaryFolderIsLocal() {
        #expect(FileSystemKind.detect(NSTemporaryDirectory()) == .local)
    }

    @Test("a file that does not exist yet is judged by its folder")
    func missingFileUsesItsFolder() {
        let path = NSTemporaryDirectory() + "migsh-no-such-file-" + UUID().uuidString + ".sqlite"
        #expect(FileSystemKind.detect(path) == FileSystemKind.detect(NSTemporaryDirectory()))
        #expect(FileSystemKind.detect(path) == .local)
    }
}
