import ArgumentParser
import MigshCore

/// `.seal`: a draft is ready to ship — its checksum goes into migsh.sum, so that any later
/// edit is caught before it runs. Only files not yet recorded are added; an edited recorded
/// file is refused.
struct SealCommand: DotCommand {
    typealias Output = [String]
    static let configuration = CommandConfiguration(commandName: ".seal", abstract: "Record the checksums of the draft migrations (those not in migsh.sum) when they are ready to ship.",
        discussion: "Example: .seal")
    func run(in shell: Shell) throws {
        let folder = try MigrationFolder.load(shell.session.configuration.migrationsPath)
        let sealed = try ChecksumFile.seal(folder: folder)
        try Self.emit(sealed, in: shell) {
            sealed.isEmpty ? "no draft: every migration is in migsh.sum" : sealed.map { "sealed \($0)" }.joined(separator: "\n")
        }
    }
}
