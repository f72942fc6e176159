import FoundationEssentials
import Glibc
import MigshBase

/// `.new DESCRIPTION`: the next-numbered migration file, written from the spec's template
/// (§3.2): the header (description, version, date, author), BEGIN TRANSACTION, the body, the
/// Schema_Version row, COMMIT. A draft until `.seal` records its checksum in migsh.sum.
public struct MigrationDraft: Sendable {
    public var version: Int
    public var description: String
    public var author: String
    public var date: String
    public var body: String

    public init(version: Int, description: String, author: String, date: String, body: String) {
        self.version = version
        self.description = description
        self.author = author
        self.date = date
        self.body = body
    }

    /// `009_add_supplier_rating.sql`: the description lower-cased, every run of other
    /// characters an underscore (spec §3.1).
    public var fileName: String {
        cFormat("%03d_", version) + MigrationDraft.slug(description) + ".sql"
    }

    public static func slug(_ description: String) -> String {
        var slug = ""
        var pendingUnderscore = false
        for c in description.lowercased() {
            if c.isASCII && (c.isLetter || c.isNumber) {
                if pendingUnderscore && !slug.isEmpty { slug.append("_") }
                slug.append(c)
                pendingUnderscore = false
            } else {
                pendingUnderscore = true
            }
        }
        return slug.isEmpty ? "migration" : slug
    }

    /// The placeholder body of a migration written from nothing.
    public static let placeholder = """
        -- TODO: the statements of this migration, for example:
        -- ALTER TABLE Projects ADD COLUMN review_date DATE;
        -- CREATE INDEX IF NOT EXISTS idx_projects_review_date ON Projects(review_date);
        -- UPDATE Projects SET review_date = created_date WHERE review_date IS NULL;
        """

    public var text: String {
        let rule = "-- ============================================================================"
        let quotedDescription = description.replacingAll("'", with: "''")
        return """
            -- migrations/\(fileName)
            -- Description: \(description)
            -- Version: \(version)
            -- Date: \(date)
            -- Author: \(author)
            -- Rollback: restore the pre-migration backup with `.restore --version \(version - 1)`

            -- IMPORTANT: This migration runs within a transaction
            -- If any statement fails, entire migration is rolled back

            BEGIN TRANSACTION;

            \(rule)
            -- MIGRATION STATEMENTS
            \(rule)

            \(body.trimming(.whitespacesAndNewlines))

            \(rule)
            -- UPDATE SCHEMA VERSION
            \(rule)

            INSERT INTO Schema_Version (version, applied_date, applied_by, description)
            VALUES (\(version), datetime('now'), 'system', '\(quotedDescription)');

            \(rule)
            -- COMMIT TRANSACTION
            \(rule)

            COMMIT;

            """
    }

    /// Writes the file into `folder`; an existing file is never replaced.
    public func write(into folder: String) throws -> String {
        let path = folder.pathAppending(fileName)
        let fd = FileSystem.open(path, O_WRONLY | O_CREAT | O_EXCL | O_NOFOLLOW | O_CLOEXEC, 0o644)
        guard fd >= 0 else {
            throw MigshError(.refused, errno == EEXIST ? "\(path) exists; migsh does not overwrite a migration" : "cannot create \(path): \(String(cString: strerror(errno)))")
        }
        let data = Array(text.utf8)
        let written = data.withUnsafeBytes { Glibc.write(fd, $0.baseAddress, $0.count) }
        close(fd)
        guard written == data.count else {
            FileSystem.unlink(path)
            throw MigshError(.io, "cannot write \(path)")
        }
        return path
    }

    /// Who writes it: `$MIGSH_AUTHOR`, else git's `user.name`, else the login name.
    public static func defaultAuthor() -> String {
        let env = ProcessInfo.processInfo.environment
        if let author = env["MIGSH_AUTHOR"], !author.isEmpty { return author }
        if let name = gitUserName(), !name.isEmpty { return name }
        return env["USER"] ?? loginName()
    }

    static func gitUserName() -> String? {
        guard let pipe = popen("git config user.name 2>/dev/null", "r") else { return nil }
        defer { pclose(pipe) }
        var buffer = [CChar](repeating: 0, count: 256)
        guard fgets(&buffer, 256, pipe) != nil else { return nil }
        return buffer.withUnsafeBufferPointer { String(cString: $0.baseAddress!) }.trimming(.whitespacesAndNewlines)
    }

    /// Adds `app → version` to the application-version map (keys kept in version order).
    public static func addAppVersion(_ app: String, version: Int, folder: String) throws {
        guard AppVersionMap.parse(app) != nil else { throw MigshError(.usage, "an application version is X.Y.Z, got \"\(app)\"") }
        let path = folder.pathAppending(MigrationFolder.appVersionsFileName)
        var entries = FileSystem.exists(path) ? try AppVersionMap.load(path).entries : []
        if entries.contains(where: { $0.app == app }) {
            throw MigshError(.refused, "\(app) is already in \(MigrationFolder.appVersionsFileName)")
        }
        entries.append((app, version))
        entries.sort { AppVersionMap.parse($0.app)!.lexicographicallyPrecedes(AppVersionMap.parse($1.app)!) }
        let text = "{\n" + entries.map { "  \"\($0.app)\": \($0.schema)" }.joined(separator: ",\n") + "\n}\n"
        try writeAtomically(text, to: path)
    }
}

extension ChecksumFile {
    /// `.seal`: records the checksum of every migration not yet in migsh.sum (the drafts);
    /// refuses while a recorded migration no longer matches its line. Returns the files added.
    public static func seal(folder: MigrationFolder) throws -> [String] {
        let path = folder.path.pathAppending(MigrationFolder.checksumFileName)
        let existing = FileSystem.exists(path) ? try ChecksumFile.load(path) : ChecksumFile(sums: [:])
        let edited = folder.sorted.filter { m in existing.sums[m.fileName].map { recorded in recorded != m.sha256 } ?? false }
        if !edited.isEmpty {
            throw MigshError(.refused, "\(edited.map(\.fileName).joined(separator: ", ")) changed after \(MigrationFolder.checksumFileName) recorded it; a deployed migration must not change (spec §5.1): write a new one")
        }
        let drafts = folder.sorted.filter { existing.sums[$0.fileName] == nil }
        guard !drafts.isEmpty else { return [] }
        // A draft that drops data it does not say it means to drop is not ready to ship.
        let expected = try? ExpectedSchemas.build(folder)
        var drops: [String] = []
        for m in drafts {
            for f in try MigrationLinter.lint(path: m.path, expected: expected) where f.rule == "data-drop" && f.severity == .error {
                drops.append("\(m.fileName):\(f.line.map { "\($0):" } ?? "") \(f.message) [\(f.rule)]")
            }
        }
        if !drops.isEmpty {
            throw MigshError(.refused, "not sealed: a draft drops data without saying so (nothing was recorded)",
                             details: drops + ["Keep the values (a rename is ALTER TABLE … RENAME COLUMN), or mark the drop as meant; .lint shows it."])
        }
        // As String(contentsOfFile:encoding: .utf8) read it: a leading byte-order mark is dropped.
        var text = FileSystem.contents(path).flatMap { TextFile.decode(Data($0)) } ?? ""
        if !text.isEmpty && !text.hasSuffix("\n") { text += "\n" }
        for m in drafts { text += "\(m.sha256)  \(m.fileName)\n" }
        try writeAtomically(text, to: path)
        return drafts.map(\.fileName)
    }
}

/// `text` as the whole of the file at `path`, replaced at once (`write(toFile:atomically:)`:
/// a new file, mode 0666 less the umask, renamed over the old one).
func writeAtomically(_ text: String, to path: String) throws {
    do { try FileSystem.replaceContents(path, with: Array(text.utf8), mode: 0o666) } catch {
        throw MigshError(.io, "cannot write \(path): \(error.reason)")
    }
}
