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
        /// A value: `--migrations DIR`.
        case text(WritableKeyPath<MigshOptions, String?>, KeyPath<MigshCommandLine, String?>)
        /// A number: `--jobs N`.
        case number(WritableKeyPath<MigshOptions, Int?>, KeyPath<MigshCommandLine, Int?>)
        /// Milliseconds: `--busy-timeout MS`.
        case milliseconds(WritableKeyPath<MigshOptions, Int32>, KeyPath<MigshCommandLine, Int32>)
        /// A flag: `--json`.
        case flag(WritableKeyPath<MigshOptions, Bool>, KeyPath<MigshCommandLine, Bool>)
        /// A flag and its `--no-` inversion: `--bail`, `--no-bail`.
        case inversion(WritableKeyPath<MigshOptions, Bool?>, KeyPath<MigshCommandLine, Bool?>)
        /// Several values (`--merge-reports A B`): read by the parser only.
        case list(WritableKeyPath<MigshOptions, [String]>, KeyPath<MigshCommandLine, [String]>)
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

    /// Copies the parser's value into `options`.
    func copy(from parsed: MigshCommandLine, into options: inout MigshOptions) {
        switch field {
        case let .text(to, from): options[keyPath: to] = parsed[keyPath: from]
        case let .number(to, from): options[keyPath: to] = parsed[keyPath: from]
        case let .milliseconds(to, from): options[keyPath: to] = parsed[keyPath: from]
        case let .flag(to, from): options[keyPath: to] = parsed[keyPath: from]
        case let .inversion(to, from): options[keyPath: to] = parsed[keyPath: from]
        case let .list(to, from): options[keyPath: to] = parsed[keyPath: from]
        }
    }

    static var migrations: MigshOption { MigshOption("m", "migrations", .text(\.migrations, \.migrations)) }
    static var backups: MigshOption { MigshOption("backups", .text(\.backups, \.backups)) }
    static var audit: MigshOption { MigshOption("audit", .text(\.audit, \.audit)) }
    static var target: MigshOption { MigshOption("target", .number(\.target, \.target)) }
    static var appVersion: MigshOption { MigshOption("app-version", .text(\.appVersion, \.appVersion)) }
    static var file: MigshOption { MigshOption("f", "file", .text(\.file, \.file)) }
    static var yes: MigshOption { MigshOption("y", "yes", .flag(\.yes, \.yes)) }
    static var bail: MigshOption { MigshOption("bail", .inversion(\.bail, \.bail)) }
    static var readOnly: MigshOption { MigshOption("readonly", .flag(\.readOnly, \.readOnly)) }
    static var busyTimeout: MigshOption { MigshOption("busy-timeout", .milliseconds(\.busyTimeout, \.busyTimeout)) }
    static var json: MigshOption { MigshOption("json", .flag(\.json, \.json)) }
    static var mode: MigshOption { MigshOption("mode", .text(\.mode, \.mode)) }
    static var header: MigshOption { MigshOption("header", .flag(\.header, \.header)) }
    static var noheader: MigshOption { MigshOption("noheader", .flag(\.noheader, \.noheader)) }
    static var echo: MigshOption { MigshOption("echo", .flag(\.echo, \.echo)) }
    static var create: MigshOption { MigshOption("create", .flag(\.create, \.create)) }
    static var check: MigshOption { MigshOption("check", .flag(\.check, \.check)) }
    static var initFile: MigshOption { MigshOption("init", .text(\.initFile, \.initFile)) }
    static var noInit: MigshOption { MigshOption("noinit", .flag(\.noInit, \.noInit)) }
    static var scratch: MigshOption { MigshOption("scratch", .flag(\.scratch, \.scratch)) }
    static var each: MigshOption { MigshOption("each", .text(\.each, \.each)) }
    static var fleet: MigshOption { MigshOption("fleet", .text(\.fleet, \.fleet)) }
    static var jobs: MigshOption { MigshOption("jobs", .number(\.jobs, \.jobs)) }
    static var canary: MigshOption { MigshOption("canary", .number(\.canary, \.canary)) }
    static var maxFailures: MigshOption { MigshOption("max-failures", .number(\.maxFailures, \.maxFailures)) }
    static var report: MigshOption { MigshOption("report", .text(\.report, \.report)) }
    static var mergeReports: MigshOption { MigshOption("merge-reports", .list(\.mergeReports, \.mergeReports)) }

    /// The table: every option of the command line.
    static var all: [MigshOption] {
        [.migrations, .backups, .audit, .target, .appVersion, .file, .yes, .bail, .readOnly, .busyTimeout, .json, .mode,
         .header, .noheader, .echo, .create, .check, .initFile, .noInit, .scratch, .each, .fleet, .jobs, .canary,
         .maxFailures, .report, .mergeReports]
    }
}
