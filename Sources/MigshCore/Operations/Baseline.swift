/// `.baseline N`: record versions up to N as applied without running them, only where the
/// live schema is version N's and every statement it records can be shown to have run
/// (Flyway's baseline, made safe); `force` records anyway, after the question. Audited.
public struct Baseline {
    /// Why a baseline cannot be confirmed.
    public enum Reason: Sendable, CustomStringConvertible {
        /// The live schema is not version N's (the differences are told first, as an event).
        case schemaDiffers(version: Int)
        /// Statements it would record whose effect the schema and the data cannot show.
        case unverified([(file: String, statement: StatementEvidence)])

        public var description: String {
            switch self {
            case .schemaDiffers(let version):
                return "the live schema does not match version \(version) (differences above)"
            case .unverified(let statements):
                return "it would record statements that cannot be shown to have run: "
                    + statements.map { "statement \($0.statement.statement) of \($0.file) (\($0.statement.summary), line \($0.statement.line)): \($0.statement.reason)" }
                        .joined(separator: "; ")
            }
        }
    }

    public enum Event {
        /// The live schema against version N's, before the refusal or the question.
        case differences(SchemaDiff, version: Int)
    }

    public let workspace: Workspace
    public init(_ workspace: Workspace) { self.workspace = workspace }

    public func run(version: Int, force: Bool, confirming: some Confirming,
                    events: (Event) -> Void = { _ in }) throws -> Migrator.BaselineResult {
        let w = workspace
        try w.refuseUnlessWritable(".baseline")
        let folder = try w.loadFolder()
        let expected = try ExpectedSchemas.build(folder)
        let migrator = w.migrator(folder)
        let check: Migrator.BaselineCheck
        do {
            check = try migrator.checkBaseline(to: version, expected: expected)
        } catch var error as MigshError where error.code != .interrupted {
            error.message = ".baseline \(version) refused: " + error.message
            throw error
        }
        var reasons: [Reason] = []
        if !check.differences.isEmpty {
            events(.differences(check.differences, version: version))
            reasons.append(.schemaDiffers(version: version))
        }
        if !check.unverified.isEmpty { reasons.append(.unverified(check.unverified)) }
        if !reasons.isEmpty && !force {
            throw MigshError(.refused, ".baseline \(version) refused: " + reasons.map(\.description).joined(separator: "; and ") + "; nothing was recorded",
                             details: ["Run .diff for the verdict and the safe way out. .baseline \(version) --force records anyway (asks first, audited)."])
        }
        // Like .apply and .restore: a change to what Schema_Version records is confirmed.
        try confirming.confirm(.baseline(check, reasons: reasons))
        let result: Migrator.BaselineResult
        do {
            result = try migrator.baseline(check, expected: expected, force: force, options: w.options(targetVersion: version))
        } catch let error as MigshError {
            // Refusals before the question are not audited as a baseline; a failure after the yes is.
            w.log(Audit.Baseline(versionBefore: check.versionBefore, versionAfter: w.currentVersion ?? check.versionBefore, forced: !check.isConfirmed,
                                 differences: check.differences.changes.count, unverified: check.unverified.count,
                                 createdVersionTable: false, outcome: error.code == .interrupted ? .interrupted : .error, error: error.message))
            throw error
        }
        w.log(Audit.Baseline(versionBefore: result.versionBefore, versionAfter: result.versionAfter, forced: result.forced,
                             differences: check.differences.changes.count, unverified: check.unverified.count,
                             createdVersionTable: result.createdVersionTable))
        return result
    }
}
