import SockDiag

/// What `sockdiag free` would do about a bind check's causes: its plan for the same evidence (one decision, the one
/// `free` itself makes) and the command that runs it. bind-check's remedies that stop the holders name it.
public struct FreeAdvice: Hashable, Sendable {
    /// `free`'s plan (``FreePlan/init(deciding:)`` of ``FreeEvidence/init(check:scan:options:)``).
    public var plan: FreePlan
    /// The command, e.g. `sockdiag free -N web 8000`.
    public var command: String

    /// Creates advice.
    public init(plan: FreePlan, command: String) {
        self.plan = plan
        self.command = command
    }

    /// What follows a remedy that stops `holders`: that `free` does it, or why it would leave them alone and what
    /// to do instead; empty when the plan does not concern them.
    func clause(for holders: [Socket]) -> String {
        if plan.handles(holders) {
            let cookies = Set(holders.map(\.cookie))
            let count = plan.signal.filter { $0.sockets.contains { cookies.contains($0.cookie) } }.count
            let whom = count == 1 ? "the process that holds them" : "the \(count) processes that hold them"
            return "; \(command) does it: SIGTERM to \(whom), then a fresh bind proves it"
        }
        let refusals = plan.refusals(concerning: holders)
        guard !refusals.isEmpty else { return "" }
        var reasons: [String] = []
        for refusal in refusals {
            let words = "\(refusal.reason.sentence); instead: \(refusal.reason.instead(for: plan.target))"
            if !reasons.contains(words) { reasons.append(words) }
        }
        return "; sockdiag free leaves it alone: " + reasons.joined(separator: "; ")
    }
}
