import MigshCore

/// The spec's "DATABASE UPDATE REQUIRED" confirmation (§4.2), for `.apply` and the start-up
/// check; on a terminal each migration's line wraps between words, under its text.
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
            text += wrapText("• Version \(m.version): \(m.description)", width: width) + "\n"
        }
        text += "\nA backup will be created before updating.\n"
        return text
    }
}
