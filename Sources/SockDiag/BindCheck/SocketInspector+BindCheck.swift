extension SocketInspector {
    /// Finds out why `bind()` to `target` fails, or that it works: one dump of every socket on the port (both
    /// families, every state, bound-inactive included), the test binds that cannot change the port's kernel state
    /// (the others inferred from the dump: ``BindProof/inferred``), and one more dump to tell ephemeral ports
    /// (`autobound`). When the port is busy (a plain bind fails) and `count` is above 0, also the `count` nearest
    /// free ports (``BindCheckResult/suggestions``): one dump of every socket of the protocol and a test bind each.
    ///
    /// The test binds run where the calling thread is, the dumps where the inspector was opened: call it on a
    /// thread in the inspector's namespace (after ``NetworkNamespace/enter(named:)``, or inside
    /// ``NetworkNamespace/run(_:)``).
    /// - Parameters:
    ///   - target: The address and port.
    ///   - count: How many other ports to suggest when the port is busy (0: none, no extra dump).
    /// - Returns: The proof, the verdict, the causes and the suggestions.
    /// - Throws: ``SockDiagError`` from the dumps.
    public func checkBind(to target: BindTarget, suggesting count: Int = 0) throws -> BindCheckResult {
        var result = try BindCheckResult(running: target, with: self)
        let busy = result.verdict != .free && result.verdict != .addressNotAvailable && result.verdict != .error
        if count > 0 && busy {
            let lowest = BindCheckResult.hasBindServiceCapability() ? 1 : result.unprivilegedPortStart
            result.suggestions = try BindCheckResult.suggestions(
                near: target, count: count, ephemeralPorts: result.ephemeralPorts, lowestPort: lowest, with: self
            )
        }
        return result
    }
}

extension BindCheckResult {
    /// Runs the check in the calling thread's network namespace, with an inspector of the same namespace.
    @available(*, deprecated, renamed: "SocketInspector.checkBind(to:)")
    public init(checking target: BindTarget, with inspector: SocketInspector) throws {
        try self.init(running: target, with: inspector)
    }
}
