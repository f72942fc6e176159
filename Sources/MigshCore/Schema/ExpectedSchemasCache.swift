import CMigshSQLite
import Crypto
import FoundationEssentials
import Glibc
import MigshBase

/// The expected schemas on disk, so that a second `.diff`, `.lint`, `.baseline` or start-up
/// check on the same migrations does not replay them again.
///
/// - **Key.** SHA-256 of the format, SQLite's source id, this executable's identity (inode,
///   size and modification time of `/proc/self/exe`: any rebuild of migsh is a new key), how
///   far the replay goes, and every replayed file's version, name and SHA-256. A file that
///   changes, appears or disappears is a new key; nothing is ever invalidated in place.
/// - **Where.** `$XDG_CACHE_HOME/migsh`, else `~/.cache/migsh`, created 0700. A folder that
///   is a symlink, belongs to someone else or is open to group or others is not used.
/// - **Writes.** A new file (0600, O_EXCL, never through a symlink) renamed over the name:
///   a reader sees a whole file or none. The newest 64 entries are kept.
/// - **Reads.** The file's first line carries the SHA-256 of the rest. A file that does not
///   match, does not decode, or was written for another key is ignored (and the replay runs).
///
/// The versions' schemas are stored as the changes from one to the next (the replay's order;
/// the schemas of statement prefixes are not stored: they are built when a verdict asks for
/// them), so the file grows with what the history changed, not with the history times its
/// schema, and the changes are written from what the replay read, without comparing schemas
/// whole; in a
/// compact binary form (JSON took a quarter of a cached `.diff` to decode on a 500-migration
/// history).
/// Setting `MIGSH_NO_CACHE=1` turns the cache off.
public enum ExpectedSchemasCache {
    static let format = 3
    static let magic = "migsh-expected-schemas"
    static let keep = 64

    /// The cache folder, created if missing; nil when it cannot be used safely.
    public static func directory(environment env: [String: String] = processEnvironment()) -> String? {
        if let off = env["MIGSH_NO_CACHE"], !off.isEmpty, off != "0" { return nil }
        let base: String
        if let xdg = env["XDG_CACHE_HOME"], xdg.hasPrefix("/") {
            base = xdg
        } else if let home = env["HOME"], home.hasPrefix("/") {
            base = home + "/.cache"
        } else {
            return nil
        }
        let dir = base + "/migsh"
        FileSystem.makeDirectory(base, 0o700)          // the XDG base may not exist yet; an existing one is left as it is
        FileSystem.makeDirectory(dir, 0o700)
        guard let st = FileSystem.linkStatus(dir), (st.st_mode & S_IFMT) == S_IFDIR, st.st_uid == getuid(),
              st.st_mode & 0o077 == 0 else { return nil }
        return dir
    }

    /// The variables `directory` reads, the paths in carried form (a byte of `$HOME` that is
    /// not UTF-8 stays that byte).
    public static func processEnvironment() -> [String: String] {
        var env: [String: String] = [:]
        for name in ["MIGSH_NO_CACHE", "XDG_CACHE_HOME", "HOME"] { env[name] = Environment.process.path(name) }
        return env
    }

    /// The key for replaying `folder` through version `through`.
    static func key(_ folder: MigrationFolder, through: Int?) -> String {
        var text = "\(magic) \(format)\n"
        text += SQLiteLibrary.sourceID + "\n"
        var st = stat()
        if stat("/proc/self/exe", &st) == 0 {
            text += "exe \(st.st_dev) \(st.st_ino) \(st.st_size) \(st.st_mtim.tv_sec).\(st.st_mtim.tv_nsec)\n"
        } else {
            text += "exe \(CommandLine.arguments.first ?? "?")\n"
        }
        text += "through \(through.map(String.init) ?? "all")\n"
        for migration in folder.sorted where migration.version <= (through ?? Int.max) {
            text += "\(migration.version) \(migration.fileName) \(migration.sha256)\n"
        }
        return sha256Hex(Data(text.utf8))
    }

    static func path(_ dir: String, key: String) -> String { dir + "/expected-" + key }

    /// The cached schemas, or nil (no cache, no entry, a damaged entry, another key's entry).
    static func load(_ folder: MigrationFolder, through: Int?, directory dir: String) -> ExpectedSchemas? {
        let key = key(folder, through: through)
        let fd = FileSystem.open(path(dir, key: key), O_RDONLY | O_NOFOLLOW | O_CLOEXEC)
        guard fd >= 0 else { return nil }
        defer { close(fd) }
        guard let data = readToEnd(fd).map({ Data($0) }), let newline = data.firstIndex(of: 0x0a) else { return nil }
        let header = String(decoding: data[data.startIndex..<newline], as: UTF8.self).split(separator: " ")
        let body = data[(newline + 1)...]
        guard header.count == 3, header[0] == magic, header[1] == "\(format)", header[2] == sha256Hex(body),
              let stored = try? Stored(decoding: body), stored.key == key else { return nil }
        return stored.expectedSchemas(folder)
    }

    /// Stores `schemas` under the folder's key. Failures (a full disk, a read-only home) only
    /// mean the next run replays again.
    static func store(_ schemas: ExpectedSchemas, _ folder: MigrationFolder, through: Int?, directory dir: String) {
        let key = key(folder, through: through)
        let body = Stored(schemas, key: key).encoded()
        var data = Data("\(magic) \(format) \(sha256Hex(body))\n".utf8)
        data.append(body)
        let target = path(dir, key: key)
        let temporary = target + ".\(getpid()).\(UInt32.random(in: 0...UInt32.max)).partial"
        let fd = PrivateFile.open(temporary, O_WRONLY | O_EXCL)
        guard fd >= 0 else { return }
        let written = data.withUnsafeBytes { buf -> Bool in
            var offset = 0
            while offset < buf.count {
                let n = write(fd, buf.baseAddress! + offset, buf.count - offset)
                if n <= 0 { return false }
                offset += n
            }
            return true
        }
        close(fd)
        guard written, FileSystem.rename(temporary, target) == 0 else { FileSystem.unlink(temporary); return }
        prune(dir)
    }

    /// Keeps the newest `keep` entries (and removes `.partial` files a killed writer left).
    static func prune(_ dir: String) {
        guard let names = FileSystem.entries(of: dir) else { return }
        var entries: [(String, Int)] = []
        let hour = Int(Date().timeIntervalSince1970) - 3600
        for name in names where name.hasPrefix("expected-") {
            guard let st = FileSystem.linkStatus(dir + "/" + name) else { continue }
            if name.hasSuffix(".partial") {
                if st.st_mtim.tv_sec < hour { FileSystem.unlink(dir + "/" + name) }
            } else {
                entries.append((name, st.st_mtim.tv_sec))
            }
        }
        guard entries.count > keep else { return }
        for (name, _) in entries.sorted(by: { $0.1 > $1.1 }).dropFirst(keep) { FileSystem.unlink(dir + "/" + name) }
    }

    // MARK: The stored form

    /// One snapshot as the change from the one before it (the first: from an empty schema).
    struct Delta {
        var tables: [SchemaSnapshot.Table]?
        var indexes: [SchemaSnapshot.Index]?
        var views: [SchemaSnapshot.Definition]?
        var triggers: [SchemaSnapshot.Definition]?
        /// Keys removed, prefixed by kind: `t:`, `i:`, `v:`, `g:`.
        var removed: [String]?

        init(tables: [SchemaSnapshot.Table]?, indexes: [SchemaSnapshot.Index]?, views: [SchemaSnapshot.Definition]?,
             triggers: [SchemaSnapshot.Definition]?, removed: [String]?) {
            self.tables = tables; self.indexes = indexes; self.views = views; self.triggers = triggers; self.removed = removed
        }

        /// `keys`: the only keys (`t:name`, `i:`, `v:`, `g:`) that can differ, when known.
        init(from old: SchemaSnapshot, to new: SchemaSnapshot, keys: Set<String>? = nil) {
            var removed: [String] = []
            func changes<T>(_ a: [String: T], _ b: [String: T], _ kind: String, _ same: (T, T) -> Bool) -> [T]? {
                if let keys {
                    var changed: [String: T] = [:]
                    for key in keys where key.hasPrefix(kind) {
                        let name = String(key.dropFirst(2))
                        if let value = b[name] {
                            if a[name].map({ !same($0, value) }) ?? true { changed[name] = value }
                        } else if a[name] != nil {
                            removed.append(key)
                        }
                    }
                    return changed.isEmpty ? nil : changed.keys.sorted().map { changed[$0]! }
                }
                for key in a.keys where b[key] == nil { removed.append(kind + key) }
                let changed = b.filter { key, value in a[key].map { !same($0, value) } ?? true }
                return changed.isEmpty ? nil : changed.keys.sorted().map { changed[$0]! }
            }
            tables = changes(old.tables, new.tables, "t:", Self.same)
            indexes = changes(old.indexes, new.indexes, "i:", Self.same)
            views = changes(old.views, new.views, "v:", Self.same)
            triggers = changes(old.triggers, new.triggers, "g:", Self.same)
            self.removed = removed.isEmpty ? nil : removed.sorted()
        }

        func applied(to old: SchemaSnapshot) -> SchemaSnapshot {
            var s = old
            for key in removed ?? [] {
                let name = String(key.dropFirst(2))
                switch key.prefix(2) {
                case "t:": s.tables[name] = nil
                case "i:": s.indexes[name] = nil
                case "v:": s.views[name] = nil
                default: s.triggers[name] = nil
                }
            }
            for t in tables ?? [] { s.tables[t.name.lowercased()] = t }
            for i in indexes ?? [] { s.indexes[i.name.lowercased()] = i }
            for v in views ?? [] { s.views[v.name.lowercased()] = v }
            for g in triggers ?? [] { s.triggers[g.name.lowercased()] = g }
            return s
        }

        // Every stored field, exactly (`==` compares meaning: names without case, no SQL text).
        static func same(_ a: SchemaSnapshot.Table, _ b: SchemaSnapshot.Table) -> Bool {
            a == b && a.name == b.name && a.sql == b.sql && a.columns.map(\.name) == b.columns.map(\.name)
        }
        static func same(_ a: SchemaSnapshot.Index, _ b: SchemaSnapshot.Index) -> Bool {
            a == b && a.name == b.name && a.sql == b.sql
        }
        static func same(_ a: SchemaSnapshot.Definition, _ b: SchemaSnapshot.Definition) -> Bool {
            a == b && a.name == b.name && a.table == b.table && a.sql == b.sql && a.position == b.position
        }
    }

    struct Stored {
        var key: String
        /// Version 0's schema, then each version's change from the one before.
        var snapshots: [Delta]
        var replays: [StoredReplay]
        var replayError: String?

        struct StoredReplay {
            var version: Int
            var steps: [ExpectedSchemas.Step]
        }

        init(_ e: ExpectedSchemas, key: String) {
            self.key = key
            var snapshots = [Delta(from: SchemaSnapshot(), to: e.versions[0])]
            for v in e.versions.indices.dropFirst() {
                snapshots.append(Delta(from: e.versions[v - 1], to: e.versions[v], keys: v < e.versionKeys.count ? e.versionKeys[v] : nil))
            }
            var replays: [StoredReplay] = []
            for version in e.replays.keys.sorted() {
                replays.append(StoredReplay(version: version, steps: e.replays[version]!.steps))
            }
            self.snapshots = snapshots
            self.replays = replays
            self.replayError = e.replayError
        }

        /// Rebuilds the schemas in the replay's order; nil when the entry does not fit the folder.
        func expectedSchemas(_ folder: MigrationFolder) -> ExpectedSchemas? {
            var deltas = snapshots.makeIterator()
            guard let first = deltas.next() else { return nil }
            var last = first.applied(to: SchemaSnapshot())
            var versions = [last]
            var result: [Int: ExpectedSchemas.MigrationReplay] = [:]
            for stored in replays {
                guard stored.version == versions.count, let migration = folder.migrations[stored.version],
                      let delta = deltas.next() else { return nil }
                last = delta.applied(to: last)
                result[stored.version] = ExpectedSchemas.MigrationReplay(migration: migration, steps: stored.steps)
                versions.append(last)
            }
            guard deltas.next() == nil else { return nil }
            return ExpectedSchemas(versions: versions, replays: result, replayError: replayError, folder: folder,
                                   stepLimit: StepLimit.fromEnvironment())
        }
    }
}

// MARK: The binary form: little-endian integers, length-prefixed UTF-8 strings

struct CacheWriter {
    var bytes: [UInt8] = []
    mutating func int(_ v: Int) {
        var u = UInt64(bitPattern: Int64(v))
        repeat {                                  // LEB128 over the two's complement bits
            let low = UInt8(u & 0x7f)
            u >>= 7
            bytes.append(u == 0 ? low : low | 0x80)
        } while u != 0
    }
    mutating func bool(_ v: Bool) { bytes.append(v ? 1 : 0) }
    mutating func string(_ v: String) {
        var v = v
        v.withUTF8 { buf in int(buf.count); bytes.append(contentsOf: buf) }
    }
    mutating func optionalString(_ v: String?) {
        bool(v != nil)
        if let v { string(v) }
    }
    mutating func strings(_ v: [String]) { int(v.count); for x in v { string(x) } }
}

struct CacheReader {
    struct Malformed: Error {}
    let bytes: [UInt8]
    var offset = 0
    init(_ data: Data) { bytes = [UInt8](data) }
    mutating func int() throws -> Int {
        var result: UInt64 = 0, shift: UInt64 = 0
        while true {
            guard offset < bytes.count, shift < 64 else { throw Malformed() }
            let b = bytes[offset]; offset += 1
            result |= UInt64(b & 0x7f) << shift
            if b & 0x80 == 0 { return Int(Int64(bitPattern: result)) }
            shift += 7
        }
    }
    mutating func count() throws -> Int {
        let n = try int()
        guard n >= 0, n <= bytes.count - offset else { throw Malformed() }   // every element takes a byte
        return n
    }
    mutating func bool() throws -> Bool {
        guard offset < bytes.count, bytes[offset] <= 1 else { throw Malformed() }
        offset += 1
        return bytes[offset - 1] == 1
    }
    mutating func string() throws -> String {
        let n = try count()
        defer { offset += n }
        return String(decoding: bytes[offset..<offset + n], as: UTF8.self)
    }
    mutating func optionalString() throws -> String? { try bool() ? try string() : nil }
    mutating func strings() throws -> [String] { try (0..<count()).map { _ in try string() } }
    mutating func array<T>(_ element: (inout CacheReader) throws -> T) throws -> [T] {
        try (0..<count()).map { _ in try element(&self) }
    }
}

extension ExpectedSchemasCache.Stored {
    func encoded() -> Data {
        var w = CacheWriter()
        w.string(key)
        w.optionalString(replayError)
        w.int(snapshots.count)
        for d in snapshots { d.write(&w) }
        w.int(replays.count)
        for r in replays {
            w.int(r.version)
            w.int(r.steps.count)
            for s in r.steps {
                w.int(s.statement); w.int(s.line); w.bool(s.changesSchema); w.bool(s.insertsVersionRow)
                w.string(s.sql); w.strings(s.writes.sorted()); w.strings(s.inserts.sorted())
            }
        }
        return Data(w.bytes)
    }

    init(decoding data: Data) throws {
        var r = CacheReader(data)
        key = try r.string()
        replayError = try r.optionalString()
        snapshots = try r.array { try ExpectedSchemasCache.Delta(reading: &$0) }
        replays = try r.array { r in
            StoredReplay(version: try r.int(), steps: try r.array { r in
                ExpectedSchemas.Step(statement: try r.int(), line: try r.int(), changesSchema: try r.bool(),
                                     insertsVersionRow: try r.bool(), sql: try r.string(),
                                     writes: Set(try r.strings()), inserts: Set(try r.strings()))
            })
        }
        guard r.offset == r.bytes.count else { throw CacheReader.Malformed() }
    }
}

extension ExpectedSchemasCache.Delta {
    func write(_ w: inout CacheWriter) {
        w.int(tables?.count ?? 0)
        for t in tables ?? [] {
            w.string(t.name); w.bool(t.withoutRowID); w.bool(t.strict); w.strings(t.checks); w.string(t.sql)
            w.int(t.columns.count)
            for c in t.columns {
                w.string(c.name); w.string(c.type); w.bool(c.notNull); w.optionalString(c.defaultValue)
                w.int(c.primaryKey); w.string(c.collation); w.int(c.hidden); w.bool(c.autoincrement)
            }
            w.int(t.foreignKeys.count)
            for f in t.foreignKeys {
                w.string(f.table); w.strings(f.from); w.strings(f.to); w.string(f.onUpdate); w.string(f.onDelete); w.string(f.match)
            }
        }
        w.int(indexes?.count ?? 0)
        for i in indexes ?? [] {
            w.string(i.name); w.string(i.table); w.bool(i.unique); w.optionalString(i.condition); w.string(i.sql)
            w.int(i.columns.count)
            for c in i.columns { w.optionalString(c.name); w.bool(c.descending); w.string(c.collation) }
        }
        for list in [views, triggers] {
            w.int(list?.count ?? 0)
            for d in list ?? [] { w.string(d.name); w.string(d.table); w.string(d.normalizedSQL); w.string(d.sql); w.int(d.position) }
        }
        w.strings(removed ?? [])
    }

    init(reading r: inout CacheReader) throws {
        let tables = try r.array { r in
            var t = SchemaSnapshot.Table(name: try r.string(), columns: [], foreignKeys: [], withoutRowID: try r.bool(),
                                         strict: try r.bool(), checks: try r.strings(), sql: try r.string())
            t.columns = try r.array { r in
                SchemaSnapshot.Column(name: try r.string(), type: try r.string(), notNull: try r.bool(), defaultValue: try r.optionalString(),
                                      primaryKey: try r.int(), collation: try r.string(), hidden: try r.int(), autoincrement: try r.bool())
            }
            t.foreignKeys = try r.array { r in
                SchemaSnapshot.ForeignKey(table: try r.string(), from: try r.strings(), to: try r.strings(),
                                          onUpdate: try r.string(), onDelete: try r.string(), match: try r.string())
            }
            return t
        }
        let indexes = try r.array { r in
            var i = SchemaSnapshot.Index(name: try r.string(), table: try r.string(), unique: try r.bool(), columns: [],
                                         condition: try r.optionalString(), sql: try r.string())
            i.columns = try r.array { r in
                SchemaSnapshot.IndexColumn(name: try r.optionalString(), descending: try r.bool(), collation: try r.string())
            }
            return i
        }
        func definitions(_ r: inout CacheReader) throws -> [SchemaSnapshot.Definition] {
            try r.array { r in
                SchemaSnapshot.Definition(name: try r.string(), table: try r.string(), normalizedSQL: try r.string(),
                                          sql: try r.string(), position: try r.int())
            }
        }
        let views = try definitions(&r), triggers = try definitions(&r)
        let removed = try r.strings()
        self.init(tables: tables.isEmpty ? nil : tables, indexes: indexes.isEmpty ? nil : indexes,
                  views: views.isEmpty ? nil : views, triggers: triggers.isEmpty ? nil : triggers,
                  removed: removed.isEmpty ? nil : removed)
    }
}
