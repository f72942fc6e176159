import MigshCore

/// The spec's "DATABASE UPDATE REQUIRED" confirmation (§4.2), for `.apply` and the start-up
/// check; on a terminal each migration's line is shortened with `…` to fit.
enum UpdateRequired {
    static func text(_ plan: MigrationPlan, width: Int? = nil, applicationRequires: Int? = nil) -> String {
        var text = """
        DATABASE UPDATE REQUIRED
        Your database needs to be updated to work with this version of the application.

        Current database version: \(plan.currentVersion)

        """
        if let all = applicationRequires, all != plan.requiredVersion {
            text += "Target version: \(plan.requiredVersion) (the application requires \(all))\n"
        } else {
            text += "Required version: \(plan.requiredVersion)\n"
        }
        text += "\nThe following updates will be applied:\n\n"
        for m in plan.pending {
            var line = "• Version \(m.version): \(m.description)"
            if let width, line.count > width { line = String(line.prefix(width - 1)) + "…" }
            text += line + "\n"
        }
        text += "\nA backup will be created before updating.\n"
        return text
    }
}
