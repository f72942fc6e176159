import ArgumentParser

/// One option of migsh's command line: its names, and the field of `MigshOptions` it sets
/// from which property of the parser's declaration. The table of them, `MigshOption.all`, is
/// the one list: the parser's declarations take their names from it (`MigshCommandLine`:
/// `@Option(name: MigshOption.migrations.names, …)`), the parser's values reach
/// `MigshOptions` through it, and the fast reader (`MigshOptions.parseCommon`) reads the
/// usual forms from it. A test holds it to the options the parser declares.
struct MigshOption {
    /// What the option sets, in `MigshOptions` and in the parser's `MigshCommandLine`.
    enum Field {
        // Closures, not key paths: the fast reader builds this table at every start, and the
        // first use of each key path instantiates its class and walks its pattern by mangled
        // names (54 of them were 6% of a `.version` start, issue 25).
        /// A value: `--migrations DIR`.
        case text((inout MigshOptions, String?) -> Void, (MigshCommandLine) -> String?)
        /// A number: `--jobs N`.
        case number((inout MigshOptions, Int?) -> Void, (MigshCommandLine) -> Int?)
        /// Milliseconds: `--busy-timeout MS`.
        case milliseconds((inout MigshOptions, Int32) -> Void, (MigshCommandLine) -> Int32)
        /// A flag: `--json`.
        case flag((inout MigshOptions, Bool) -> Void, (MigshCommandLine) -> Bool)
        /// A flag and its `--no-` inversion: `--bail`, `--no-bail`.
        case inversion((inout MigshOptions, Bool?) -> Void, (MigshCommandLine) -> Bool?)
        /// Several values (`--merge-reports A B`): read by the parser only.
        case list((inout MigshOptions, [String]) -> Void, (MigshCommandLine) -> [String])
    }

    let short: Character?
    let long: String
    let field: Field

    init(_ short: Character, _ long: String, _ field: Field) {
        self.short = short
        self.long = long
        self.field = field
    }

    init(_ long: String, _ field: Field) {
        self.short = nil
        self.long = long
        self.field = field
    }

    /// The names, for the parser's declaration.
    var names: NameSpecification { short.map { [.customShort($0), .customLong(long)] } ?? [.customLong(long)] }

    /// Every spelling the fast reader takes: `-m`, `--migrations`, `--no-bail`.
    var spellings: [String] {
        var words = ["--" + long]
        if let short { words.append("-" + String(short)) }
        if case .inversion = field { words.append("--no-" + long) }
        return words
    }

    /// True when `word` is one of `spellings`, compared byte by byte without building them.
    func isSpelled(_ word: String) -> Bool {
        let w = word.utf8
        guard w.first == UInt8(ascii: "-") else { return false }
        let rest = w.dropFirst()
        if let short, rest.elementsEqual(short.utf8) { return true }
        guard rest.first == UInt8(ascii: "-") else { return false }
        let name = rest.dropFirst()
        if name.elementsEqual(long.utf8) { return true }
        if case .inversion = field, name.starts(with: "no-".utf8) { return name.dropFirst(3).elementsEqual(long.utf8) }
        return false
    }

    /// Copies the parser's value into `options`.
    func copy(from parsed: MigshCommandLine, into options: inout MigshOptions) {
        switch field {
        case let .text(set, get): set(&options, get(parsed))
        case let .number(set, get): set(&options, get(parsed))
        case let .milliseconds(set, get): set(&options, get(parsed))
        case let .flag(set, get): set(&options, get(parsed))
        case let .inversion(set, get): set(&options, get(parsed))
        case let .list(set, get): set(&options, get(parsed))
        }
    }

    static var migrations: MigshOption { MigshOption("m", "migrations", .text({ $0.migrations = $1 }, { $0.migrations })) }
    static var backups: MigshOption { MigshOption("backups", .text({ $0.backups = $1 }, { $0.backups })) }
    static var audit: MigshOption { MigshOption("audit", .text({ $0.audit = $1 }, { $0.audit })) }
    static var target: MigshOption { MigshOption("target", .number({ $0.target = $1 }, { $0.target })) }
    static var appVersion: MigshOption { MigshOption("app-version", .text({ $0.appVersion = $1 }, { $0.appVersion })) }
    static var file: MigshOption { MigshOption("f", "file", .text({ $0.file = $1 }, { $0.file })) }
    static var yes: MigshOption { MigshOption("y", "yes", .flag({ $0.yes = $1 }, { $0.yes })) }
    static var bail: MigshOption { MigshOption("bail", .inversion({ $0.bail = $1 }, { $0.bail })) }
    static var readOnly: MigshOption { MigshOption("readonly", .flag({ $0.readOnly = $1 }, { $0.readOnly })) }
    static var busyTimeout: MigshOption { MigshOption("busy-timeout", .milliseconds({ $0.busyTimeout = $1 }, { $0.busyTimeout })) }
    static var json: MigshOption { MigshOption("json", .flag({ $0.json = $1 }, { $0.json })) }
    static var mode: MigshOption { MigshOption("mode", .text({ $0.mode = $1 }, { $0.mode })) }
    static var header: MigshOption { MigshOption("header", .flag({ $0.header = $1 }, { $0.header })) }
    static var noheader: MigshOption { MigshOption("noheader", .flag({ $0.noheader = $1 }, { $0.noheader })) }
    static var echo: MigshOption { MigshOption("echo", .flag({ $0.echo = $1 }, { $0.echo })) }
    static var create: MigshOption { MigshOption("create", .flag({ $0.create = $1 }, { $0.create })) }
    static var check: MigshOption { MigshOption("check", .flag({ $0.check = $1 }, { $0.check })) }
    static var initFile: MigshOption { MigshOption("init", .text({ $0.initFile = $1 }, { $0.initFile })) }
    static var noInit: MigshOption { MigshOption("noinit", .flag({ $0.noInit = $1 }, { $0.noInit })) }
    static var scratch: MigshOption { MigshOption("scratch", .flag({ $0.scratch = $1 }, { $0.scratch })) }
    static var each: MigshOption { MigshOption("each", .text({ $0.each = $1 }, { $0.each })) }
    static var fleet: MigshOption { MigshOption("fleet", .text({ $0.fleet = $1 }, { $0.fleet })) }
    static var jobs: MigshOption { MigshOption("jobs", .number({ $0.jobs = $1 }, { $0.jobs })) }
    static var canary: MigshOption { MigshOption("canary", .number({ $0.canary = $1 }, { $0.canary })) }
    static var maxFailures: MigshOption { MigshOption("max-failures", .number({ $0.maxFailures = $1 }, { $0.maxFailures })) }
    static var report: MigshOption { MigshOption("report", .text({ $0.report = $1 }, { $0.report })) }
    static var mergeReports: MigshOption { MigshOption("merge-reports", .list({ $0.mergeReports = $1 }, { $0.mergeReports })) }

    /// The table: every option of the command line.
    static var all: [MigshOption] {
        [.migrations, .backups, .audit, .target, .appVersion, .file, .yes, .bail, .readOnly, .busyTimeout, .json, .mode,
         .header, .noheader, .echo, .create, .check, .initFile, .noInit, .scratch, .each, .fleet, .jobs, .canary,
         .maxFailures, .report, .mergeReports]
    }
}
