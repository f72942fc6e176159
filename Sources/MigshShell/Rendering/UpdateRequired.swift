import MigshCore

/// The spec's "DATABASE UPDATE REQUIRED" confirmation (§4.2), for `.apply` and the start-up check.
enum UpdateRequired {
    static func text(_ plan: MigrationPlan) -> String {
        var text = """
        DATABASE UPDATE REQUIRED
        Your database needs to be updated to work with this version of the application.

        Current database version: \(plan.currentVersion)
        Required version: \(plan.requiredVersion)

        The following updates will be applied:

        """
        for m in plan.pending { text += "• Version \(m.version): \(m.description)\n" }
        text += "\nA backup will be created before updating.\n"
        return text
    }

}
