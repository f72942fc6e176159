import Glibc
import MigshBase
import MigshTestSupport
import Testing

/// Names whose bytes are not (all) UTF-8 text, as a database may be called: Latin-1 `é`, a
/// lone 0xFF, and the UTF-8 of U+10FD80 given as text (the scalar that carries byte 0x80, so
/// a carrying String escapes each of its bytes), next to a plain UTF-8 name.
private let oddNames: [[UInt8]] = [
    Array("n".utf8) + [0xE9] + Array(".db".utf8),
    [0xFF, UInt8(ascii: "x")],
    Array("t".utf8) + [0xF4, 0x8F, 0xB6, 0x80] + Array(".db".utf8),
    Array("é-ok.db".utf8),
]

// The oracle: POSIX calls on the raw bytes (MigshTestSupport's RawFiles), never through a
// Swift String.

/// A private folder made with mkdtemp(3) on bytes, removed with everything in it.
private final class Folder {
    let bytes = RawFiles.makeTemporaryDirectory()
    deinit { RawFiles.removeTree(bytes) }
    /// The raw bytes of `folder/name…`.
    func raw(_ names: [UInt8]...) -> [UInt8] { names.reduce(bytes) { $0 + [0x2F] + $1 } }
    /// The same path as migsh holds it: a String in carried form.
    func path(_ names: [UInt8]...) -> String { CarriedBytes.string(carrying: names.reduce(bytes) { $0 + [0x2F] + $1 }) }
    /// The name the kernel would get if the String's UTF-8 were passed as it is (the bug):
    /// a decoy, so a call that used it would be seen acting on the wrong file.
    func wrong(_ name: [UInt8]) -> [UInt8] { bytes + [0x2F] + Array(CarriedBytes.string(carrying: name).utf8) }
}

/// Issue 22: every `FileSystem` call that makes, renames, lists or removes a file reaches the
/// file whose name has exactly the bytes the path carries. The oracle is POSIX on raw bytes.
@Suite("FileSystem hands the kernel a name's exact bytes")
struct FileSystemTests {
    @Test("the names are carried: their String's UTF-8 is not their bytes (else the suite proves nothing)")
    func namesAreCarried() {
        for name in oddNames.dropLast() {
            #expect(Array(CarriedBytes.string(carrying: name).utf8) != name)
        }
        #expect(Array(CarriedBytes.string(carrying: oddNames[3]).utf8) == oddNames[3])
    }

    @Test("open(O_CREAT), fopen(\"w\") and replaceContents create the file of those bytes")
    func creating() throws {
        for name in oddNames {
            let folder = Folder()
            let fd = FileSystem.open(folder.path(name), O_WRONLY | O_CREAT | O_EXCL, 0o600)
            #expect(fd >= 0)
            close(fd)
            #expect(RawFiles.names(in: folder.bytes) == [name])
            #expect(RawFiles.status(folder.raw(name)).map { $0.st_mode & 0o777 } == 0o600)
            #expect(FileSystem.unlink(folder.path(name)) == 0)
            #expect(RawFiles.names(in: folder.bytes).isEmpty)

            let file = try #require(FileSystem.fopen(folder.path(name), "w"))
            fputs("fopen", file)
            fclose(file)
            #expect(RawFiles.names(in: folder.bytes) == [name])
            #expect(RawFiles.contents(folder.raw(name)) == Array("fopen".utf8))

            // Replaced in place under the same bytes; the temporary file beside it is gone.
            try FileSystem.replaceContents(folder.path(name), with: [1, 2, 3], mode: 0o640)
            #expect(RawFiles.names(in: folder.bytes) == [name])
            #expect(RawFiles.contents(folder.raw(name)) == [1, 2, 3])
            #expect(FileSystem.contents(folder.path(name)) == [1, 2, 3])
        }
    }

    @Test("contents, status, exists, access, changeMode and truncate reach that file, not its decoy")
    func asking() throws {
        for name in oddNames.dropLast() {
            let folder = Folder()
            RawFiles.create(folder.raw(name), Array("right".utf8))
            RawFiles.create(folder.wrong(name), Array("decoy file".utf8))
            let path = folder.path(name)
            #expect(FileSystem.contents(path) == Array("right".utf8))
            #expect(FileSystem.status(path)?.st_size == 5)
            #expect(FileSystem.linkStatus(path)?.st_ino == RawFiles.status(folder.raw(name))?.st_ino)
            #expect(FileSystem.exists(path))
            #expect(FileSystem.isDirectory(path) == false)
            #expect(FileSystem.access(path, R_OK) == 0)
            #expect(FileSystem.changeMode(path, 0o604) == 0)
            #expect(RawFiles.status(folder.raw(name)).map { $0.st_mode & 0o777 } == 0o604)
            #expect(FileSystem.truncate(path, 2) == 0)
            #expect(RawFiles.contents(folder.raw(name)) == Array("ri".utf8))
            #expect(RawFiles.contents(folder.wrong(name)) == Array("decoy file".utf8))
            // Gone, it is gone: the decoy is not taken for it.
            #expect(FileSystem.unlink(path) == 0)
            #expect(!FileSystem.exists(path))
            #expect(RawFiles.names(in: folder.bytes) == [Array(folder.wrong(name).dropFirst(folder.bytes.count + 1))])
        }
    }

    @Test("rename, link and symbolicLink make and move those bytes; linkTarget gives them back")
    func renamingAndLinking() throws {
        let folder = Folder()
        let (a, b, c, d) = (oddNames[0], oddNames[1], oddNames[2], oddNames[3])
        RawFiles.create(folder.raw(a), [42])
        #expect(FileSystem.rename(folder.path(a), folder.path(b)) == 0)
        #expect(RawFiles.names(in: folder.bytes) == [b])
        #expect(FileSystem.link(folder.path(b), folder.path(c)) == 0)
        #expect(RawFiles.names(in: folder.bytes) == [b, c])
        #expect(RawFiles.status(folder.raw(b))?.st_ino == RawFiles.status(folder.raw(c))?.st_ino)
        // A link holding a relative target of odd bytes, and one holding an absolute one.
        #expect(FileSystem.symbolicLink(folder.path(d), to: CarriedBytes.string(carrying: c)) == 0)
        #expect(FileSystem.symbolicLink(folder.path(a), to: folder.path(b)) == 0)
        #expect(RawFiles.names(in: folder.bytes) == [a, b, c, d])
        var target = [CChar](repeating: 0, count: 4096)
        let n = RawFiles.withPath(folder.raw(d)) { readlink($0, &target, target.count) }
        #expect(Array(target[..<max(n, 0)].map { UInt8(bitPattern: $0) }) == c)
        #expect(FileSystem.linkTarget(folder.path(d)).map(CarriedBytes.bytes(of:)) == c)
        #expect(FileSystem.linkTarget(folder.path(a)).map(CarriedBytes.bytes(of:)) == folder.raw(b))
        #expect(FileSystem.isSymbolicLink(folder.path(a)))
        #expect(FileSystem.contents(folder.path(a)) == [42])
    }

    @Test("entries(of:) lists each name with its bytes, realPath gives a path's bytes back")
    func listing() throws {
        let folder = Folder()
        for name in oddNames { RawFiles.create(folder.raw(name)) }
        let listed = try #require(FileSystem.entries(of: folder.path()))
        #expect(listed.count == oddNames.count)
        #expect(Set(listed.map(CarriedBytes.bytes(of:))) == Set(oddNames))
        // Each name listed opens the file it names.
        for name in listed { #expect(FileSystem.exists(folder.path() + "/" + name)) }
        let resolved = RawFiles.withPath(folder.raw(oddNames[0])) { realpath($0, nil) }.map { p in defer { free(p) }; return RawFiles.bytes(p) }
        #expect(FileSystem.realPath(folder.path(oddNames[0])).map(CarriedBytes.bytes(of:)) == resolved)
        #expect(resolved != nil)
    }

    @Test("makeDirectory, makeDirectories, removeDirectory and removeTree make and remove those bytes")
    func folders() throws {
        let folder = Folder()
        let (a, b, c) = (oddNames[0], oddNames[1], oddNames[2])
        #expect(FileSystem.makeDirectory(folder.path(a), 0o700) == 0)
        #expect(RawFiles.names(in: folder.bytes) == [a])
        #expect(RawFiles.status(folder.raw(a)).map { $0.st_mode & S_IFMT } == S_IFDIR)
        #expect(FileSystem.removeDirectory(folder.path(a)) == 0)
        #expect(RawFiles.names(in: folder.bytes).isEmpty)

        try FileSystem.makeDirectories(folder.path(a, b, c), 0o755)
        #expect(RawFiles.names(in: folder.bytes) == [a])
        #expect(RawFiles.names(in: folder.raw(a)) == [b])
        #expect(RawFiles.names(in: folder.raw(a, b)) == [c])
        #expect(FileSystem.isDirectory(folder.path(a, b, c)) == true)
        // Made again: nothing to do, no error.
        try FileSystem.makeDirectories(folder.path(a, b, c), 0o755)

        try #require(RawFiles.create(folder.raw(a, b, c, a), [1]))
        RawFiles.withPath(folder.raw(a, b, [0x6C])) { l in RawFiles.withPath(c) { _ = symlink($0, l) } }
        RawFiles.create(folder.wrong(a))
        try FileSystem.removeTree(folder.path(a))
        #expect(RawFiles.names(in: folder.bytes) == [Array(folder.wrong(a).dropFirst(folder.bytes.count + 1))])
        #expect(throws: FileSystemError.self) { try FileSystem.removeTree(folder.path(a)) }
    }

    @Test("makeTemporaryDirectory makes its template's bytes and names the folder it made")
    func temporaryFolder() throws {
        let folder = Folder()
        let prefix = oddNames[0] + oddNames[2] + Array("-".utf8)
        let made = try #require(FileSystem.makeTemporaryDirectory(folder.path(prefix + Array("XXXXXX".utf8))))
        let onDisk = RawFiles.names(in: folder.bytes)
        #expect(onDisk.count == 1)
        let name = try #require(onDisk.first)
        #expect(name.starts(with: prefix) && name.count == prefix.count + 6)
        #expect(CarriedBytes.bytes(of: made) == folder.raw(name))
        #expect(FileSystem.isDirectory(made) == true)
    }
}
