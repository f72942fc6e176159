/// What state a database is in, judged from its live schema against the schema each
/// version of the migrations produces: the version it matches exactly, or the exact
/// prefix of a partially applied migration, or the nearest version.
public struct SchemaVerdict: Sendable, Codable {
    public struct Partial: Sendable, Codable, Equatable {
        public var version: Int
        public var file: String
        /// Statements of the body (BEGIN/COMMIT excluded) known to have run: through the
        /// last schema-changing statement whose effect is present.
        public var statementsApplied: Int
        public var statementsTotal: Int
        /// Line of the last applied statement.
        public var line: Int
        /// Statements right after the prefix that change no schema: whether they ran cannot
        /// be told from the schema.
        public var undeterminable: [Int]
    }

    public var recordedVersion: Int
    /// The version whose expected schema equals the live one (the recorded one if several do).
    public var matchesVersion: Int?
    public var partial: Partial?
    /// The version with the fewest differences, when nothing matches exactly.
    public var nearestVersion: Int?
    public var nearestDifferences: Int?
    public var message: String
    /// The way out: the command to run.
    public var wayOut: String?

    enum CodingKeys: String, CodingKey {
        case recordedVersion, matchesVersion, partial, nearestVersion, nearestDifferences, message, wayOut
    }

    /// Absent values are written as null, so scripts can test `matches_version == null`.
    public func encode(to encoder: any Encoder) throws {
        var c = encoder.container(keyedBy: CodingKeys.self)
        try c.encode(recordedVersion, forKey: .recordedVersion)
        try c.encode(matchesVersion, forKey: .matchesVersion)
        try c.encode(partial, forKey: .partial)
        try c.encode(nearestVersion, forKey: .nearestVersion)
        try c.encode(nearestDifferences, forKey: .nearestDifferences)
        try c.encode(message, forKey: .message)
        try c.encode(wayOut, forKey: .wayOut)
    }

    public static func judge(live: SchemaSnapshot, recordedVersion: Int, expected: ExpectedSchemas) -> SchemaVerdict {
        let r = recordedVersion
        let matching = expected.versions.indices.filter { expected.versions[$0] == live }
        if !matching.isEmpty {
            let v = matching.contains(r) ? r : matching.max()!
            var verdict = SchemaVerdict(recordedVersion: r, matchesVersion: v, message: "", wayOut: nil)
            let others = matching.filter { $0 != v }
            let alsoNote = others.isEmpty ? "" : " (also equal to version \(others.map(String.init).joined(separator: ", ")): those migrations change no schema)"
            if v == r {
                verdict.message = "the live schema matches version \(v) exactly; Schema_Version says \(r)\(alsoNote)"
            } else if v > r {
                verdict.message = "the live schema matches version \(v), but Schema_Version says \(r): the version rows for \((r + 1)...v) are missing (migrations run by hand?)\(alsoNote)"
                verdict.wayOut = ".baseline \(v) records them without running anything (it checks the schema first)"
            } else {
                verdict.message = "the live schema matches version \(v), but Schema_Version says \(r): version rows were inserted without their migrations' changes\(alsoNote)"
                if let replay = expected.replays[v + 1] {
                    verdict.partial = Partial(version: v + 1, file: replay.migration.fileName, statementsApplied: 0,
                                              statementsTotal: replay.steps.count, line: replay.steps.first?.line ?? 0,
                                              undeterminable: leadingDataStatements(replay, after: 0))
                    verdict.wayOut = ".apply --resume runs \(replay.migration.fileName) from its first statement (the version row stays), or .restore --version \(v)"
                } else {
                    verdict.wayOut = ".restore --version \(v)"
                }
            }
            return verdict
        }

        // A strict prefix of one migration? Prefer the migration right after the recorded version.
        var candidates: [Partial] = []
        for (version, replay) in expected.replays.sorted(by: { $0.key < $1.key }) {
            for step in replay.steps where step.changesSchema && step.statement < replay.steps.count {
                guard replay.prefixes[step.statement] == live else { continue }
                // A later schema-changing statement leaves the schema equal again? Only count the last.
                candidates.append(Partial(version: version, file: replay.migration.fileName, statementsApplied: step.statement,
                                          statementsTotal: replay.steps.count, line: step.line,
                                          undeterminable: leadingDataStatements(replay, after: step.statement)))
            }
        }
        if let p = candidates.first(where: { $0.version == r + 1 }) ?? candidates.first(where: { $0.version == r }) ?? candidates.first {
            var verdict = SchemaVerdict(recordedVersion: r, matchesVersion: nil, partial: p, message: "", wayOut: nil)
            var text = "matches \(p.file) through statement \(p.statementsApplied) of \(p.statementsTotal) (line \(p.line)); "
            let first = p.statementsApplied + 1
            text += first == p.statementsTotal ? "statement \(first) not applied" : "statements \(first)–\(p.statementsTotal) not applied"
            if !p.undeterminable.isEmpty {
                text += " (statement\(p.undeterminable.count == 1 ? "" : "s") \(p.undeterminable.map(String.init).joined(separator: ", ")) change no schema: whether \(p.undeterminable.count == 1 ? "it" : "they") ran cannot be told from the schema)"
            }
            text += "; Schema_Version says \(r)"
            verdict.message = text
            if !p.undeterminable.isEmpty {
                verdict.wayOut = ".restore --version \(p.version - 1), then .apply: statements \(p.undeterminable.map(String.init).joined(separator: ", ")) change no schema, so whether they ran cannot be told, and resuming could run them twice"
            } else if p.version == r + 1 || p.version == r {
                verdict.wayOut = ".apply --resume runs statements \(first)–\(p.statementsTotal) of \(p.file)" + (p.version == r ? "" : " and inserts its version row")
                    + ", in one transaction with the usual backup and checks; or .restore --version \(p.version - 1)"
            } else {
                verdict.wayOut = ".restore --version \(r) (the partial migration is not the one after the recorded version)"
            }
            return verdict
        }

        // Nothing matches: the nearest version and what differs.
        var best = 0
        var bestCount = Int.max
        for (v, schema) in expected.versions.enumerated() {
            let n = SchemaDiff(live: live, expected: schema).changes.count
            if n < bestCount || (n == bestCount && v == r) { best = v; bestCount = n }
        }
        return SchemaVerdict(recordedVersion: r, matchesVersion: nil, partial: nil, nearestVersion: best, nearestDifferences: bestCount,
                             message: "the live schema matches no version and no partially applied migration; nearest is version \(best) (\(bestCount) object\(bestCount == 1 ? "" : "s") differ); Schema_Version says \(r)",
                             wayOut: ".diff \(best) shows the differences; .restore --version \(min(r, best)) returns to a known state")
    }

    /// The statements right after `k` that change no schema (they may or may not have run).
    static func leadingDataStatements(_ replay: ExpectedSchemas.MigrationReplay, after k: Int) -> [Int] {
        var out: [Int] = []
        for step in replay.steps where step.statement > k {
            if step.changesSchema { break }
            out.append(step.statement)
        }
        return out
    }
}
