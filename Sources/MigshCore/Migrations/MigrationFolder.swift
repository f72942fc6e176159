import FoundationEssentials
import Glibc
import MigshBase

/// The migrations folder: numbered SQL files, the application-version map and the checksum
/// file. Loading never throws for a bad file: problems are collected so that `.check` can
/// list them all; `plan` refuses to run while any is an error.
public struct MigrationFolder: Sendable {
    public static let appVersionsFileName = "app_versions.json"
    public static let checksumFileName = "migsh.sum"

    public var path: String
    /// Valid migrations by version.
    public var migrations: [Int: Migration]
    public var appVersions: AppVersionMap
    public var checksums: ChecksumFile?
    public var problems: [Problem]

    public struct Problem: Sendable, Equatable, CustomStringConvertible {
        public enum Severity: String, Sendable, Codable { case error, warning }
        public var severity: Severity
        public var file: String?
        public var message: String
        /// What fixes it, as a value (the shell words it).
        public var remedy: Remedy?
        public var description: String { (file.map { "\($0): " } ?? "") + message }

        public init(severity: Severity, file: String?, message: String, remedy: Remedy? = nil) {
            self.severity = severity
            self.file = file
            self.message = message
            self.remedy = remedy
        }
    }

    public enum Remedy: String, Sendable, Codable {
        /// Record the migrations' checksums in migsh.sum.
        case recordChecksums
    }

    public var errors: [Problem] { problems.filter { $0.severity == .error } }
    public var warnings: [Problem] { problems.filter { $0.severity == .warning } }

    public var sorted: [Migration] { migrations.keys.sorted().compactMap { migrations[$0] } }
    public var highestVersion: Int { migrations.keys.max() ?? 0 }

    /// A name that looks like a migration but breaks the naming rule (spec §3.1).
    /// Returns (version, description) for a name that follows the rule, else nil.
    /// `NNN_words_in_lower_case.sql` → (NNN, "words_in_lower_case"); nil for any other name.
    /// (By hand: a compiled Regex cost a millisecond of every start-up.)
    static func parseName(_ name: String) -> (Int, String)? {
        let b = Array(name.utf8)
        func digit(_ c: UInt8) -> Bool { c >= 0x30 && c <= 0x39 }
        func word(_ c: UInt8) -> Bool { digit(c) || (c >= 0x61 && c <= 0x7a) }
        guard b.count > 8, digit(b[0]), digit(b[1]), digit(b[2]), b[3] == UInt8(ascii: "_"),
              b.suffix(4) == Array(".sql".utf8) else { return nil }
        let description = b[4..<(b.count - 4)]
        // Words of [a-z0-9], one underscore between them.
        guard let first = description.first, let last = description.last, word(first), word(last) else { return nil }
        var previousUnderscore = false
        for c in description {
            if c == UInt8(ascii: "_") {
                if previousUnderscore { return nil }
                previousUnderscore = true
            } else if word(c) {
                previousUnderscore = false
            } else {
                return nil
            }
        }
        let version = Int(b[0] - 0x30) * 100 + Int(b[1] - 0x30) * 10 + Int(b[2] - 0x30)
        return (version, String(decoding: description, as: UTF8.self))
    }

    /// The bytes of a migration file. Only a regular file (or a symlink to one) is read: a
    /// FIFO would block the read forever, a folder or device is no migration.
    public static func readRegularFile(_ path: String) throws -> Data {
        // open(2) first, then fstat the descriptor: the file checked is the file read. Plain
        // read(2) calls: FileManager's contents(atPath:) cost 60 µs a file (8% of a first
        // .diff over 500 files, perf).
        let fd = FileSystem.open(path, O_RDONLY | O_NONBLOCK | O_CLOEXEC)
        guard fd >= 0 else {
            if errno == EACCES { throw MigshError(.io, "cannot read the file (permissions?)") }
            throw MigshError(.io, "cannot read the file: \(String(cString: strerror(errno)))")
        }
        defer { close(fd) }
        var st = stat()
        guard fstat(fd, &st) == 0 else {
            throw MigshError(.io, "cannot read the file: \(String(cString: strerror(errno)))")
        }
        let kind = st.st_mode & S_IFMT
        guard kind == S_IFREG else {
            let what = kind == S_IFDIR ? "a folder" : kind == S_IFIFO ? "a FIFO (named pipe)" : kind == S_IFSOCK ? "a socket" : "a device"
            throw MigshError(.migrationFolder, "not a regular file: it is \(what)")
        }
        var bytes = [UInt8](repeating: 0, count: max(Int(st.st_size), 0) + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: [UInt8](repeating: 0, count: bytes.count)) }
            let n = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
            if n < 0 {
                if errno == EINTR { continue }
                throw MigshError(.io, "cannot read the file: \(String(cString: strerror(errno)))")
            }
            if n == 0 { break }
            count += n
        }
        return Data(bytes[..<count])
    }

    /// `folder/name`, as NSString's appendingPathComponent spells it, without its cold-start cost.
    static func join(_ folder: String, _ name: String) -> String {
        folder.isEmpty ? name : folder.hasSuffix("/") ? folder + name : folder + "/" + name
    }

    public static func load(_ path: String) throws -> MigrationFolder {
        guard let isDir = FileSystem.isDirectory(path) else {
            var error = MigshError(.notFound, "migrations folder not found: \(path)")
            error.hints = [.chooseMigrationsFolder]
            throw error
        }
        guard isDir else {
            var error = MigshError(.migrationFolder, "not a folder: \(path) (the migrations are a folder of NNN_description.sql files)")
            error.hints = [.chooseMigrationsFolder]
            throw error
        }
        let names: [String]
        guard let entries = FileSystem.entries(of: path) else {
            throw MigshError(.io, "cannot read migrations folder \(path): \(errorDescription(FileSystemError(path: path, errno: errno), reading: true))")
        }
        names = entries.sorted()
        var folder = MigrationFolder(path: path, migrations: [:], appVersions: AppVersionMap(entries: []),
                                     checksums: nil, problems: [])
        var byVersion: [Int: [String]] = [:]
        for name in names where name.lowercased().hasSuffix(".sql") {
            let full = MigrationFolder.join(path, name)
            guard let (version, stem) = parseName(name) else {
                folder.problems.append(Problem(severity: .error, file: name, message:
                    "misnamed migration file: expected NNN_description.sql (3-digit version, lower-case words joined by _), e.g. 004_add_supplier_diversity.sql"))
                continue
            }
            if version == 0 {
                folder.problems.append(Problem(severity: .error, file: name, message: "version 000 is not allowed: versions start at 001"))
                continue
            }
            byVersion[version, default: []].append(name)
            let data: Data
            do { data = try readRegularFile(full) } catch let error as MigshError {
                folder.problems.append(Problem(severity: .error, file: name, message: error.message))
                continue
            }
            // The text without a byte-order mark; the checksum stays of the bytes (sha256sum's).
            guard let sql = TextFile.decode(data) else {
                folder.problems.append(Problem(severity: .error, file: name, message: "not valid UTF-8 text"))
                continue
            }
            let migration = Migration(version: version, name: String(stem.map { $0 == "_" ? " " : $0 }),
                                      fileName: name, path: full, sql: sql, sha256: sha256Hex(data))
            if byVersion[version]!.count == 1 { folder.migrations[version] = migration }
        }
        for (version, files) in byVersion where files.count > 1 {
            folder.migrations[version] = nil
            folder.problems.append(Problem(severity: .error, file: nil, message:
                "two files with version \(zeroPadded(version)): \(files.joined(separator: ", "))"))
        }
        if let highest = byVersion.keys.max() {
            let missing = (1...highest).filter { byVersion[$0] == nil }
            if !missing.isEmpty {
                folder.problems.append(Problem(severity: .error, file: nil, message:
                    "missing migration file for version " + missing.map { zeroPadded($0) }.joined(separator: ", ")
                    + " (versions must run 001, 002, … without gaps)"))
            }
        }
        // The application-version map (spec §6.1).
        let mapPath = MigrationFolder.join(path, appVersionsFileName)
        if FileSystem.exists(mapPath) {
            do { folder.appVersions = try AppVersionMap.load(mapPath) } catch let error as MigshError {
                folder.problems.append(Problem(severity: .error, file: appVersionsFileName, message: error.message))
            }
        }
        // The checksum file guards files that are not applied yet against edits.
        let sumPath = MigrationFolder.join(path, checksumFileName)
        if FileSystem.exists(sumPath) {
            do {
                let sums = try ChecksumFile.load(sumPath)
                folder.checksums = sums
                folder.problems += sums.compare(with: folder.sorted, filesPresent: Set(names))
            } catch let error as MigshError {
                folder.problems.append(Problem(severity: .error, file: checksumFileName, message: error.message))
            }
        } else if !folder.migrations.isEmpty {
            folder.problems.append(Problem(severity: .warning, file: nil, message:
                "no \(checksumFileName): edits to migration files cannot be detected", remedy: .recordChecksums))
        }
        return folder
    }
}
