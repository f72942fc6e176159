import FoundationEssentials
import Glibc
import MigshBase
import MigshCore

// The core's next steps and remedies, worded as the shell's commands.

extension MigshError.Hint {
    var text: String {
        switch self {
        case .investigate: return "Investigate with .diff: it names the state and the safe way out."
        case .restoreByHand(let backup): return "Restore the backup with: .restore \(quoteArgument(backup))"
        case .chooseAuditLog: return "Choose another file with --audit FILE."
        case .chooseMigrationsFolder: return "Give the folder with --migrations DIR or $MIGSH_MIGRATIONS."
        case .finishTransaction: return "COMMIT or ROLLBACK the open transaction first."
        }
    }
}

extension MigrationFolder.Problem {
    /// The problem and, when the core knows one, what fixes it.
    var text: String { description + (remedy.map { " (\($0.text))" } ?? "") }
}

extension MigrationFolder.Remedy {
    var text: String {
        switch self {
        case .recordChecksums: return "record it with .seal (or scripts/sum-migrations)"
        }
    }
}

/// A path as a person reads it: relative to the current folder when it is inside it.
func displayPath(_ path: String) -> String {
    let cwd = FileSystem.currentDirectory() + "/"
    return path.hasPrefix(cwd) ? String(path.dropFirst(cwd.count)) : path
}
