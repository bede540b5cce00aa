extension SocketInspector {
    /// Finds out why `bind()` to `target` fails, or that it works: the test binds (in the calling thread's network
    /// namespace), then one dump of every socket on the port (both families, every state, bound-inactive included)
    /// and one more to tell ephemeral ports (`autobound`).
    ///
    /// The test binds run where the calling thread is, the dumps where the inspector was opened: call it on a
    /// thread in the inspector's namespace (after ``NetworkNamespace/enter(named:)``, or inside
    /// ``NetworkNamespace/run(_:)``).
    /// - Parameter target: The address and port.
    /// - Returns: The proof, the verdict and the causes.
    /// - Throws: ``SockDiagError`` from the dumps.
    public func checkBind(to target: BindTarget) throws -> BindCheckResult {
        try BindCheckResult(running: target, with: self)
    }
}

extension BindCheckResult {
    /// Runs the check in the calling thread's network namespace, with an inspector of the same namespace.
    @available(*, deprecated, renamed: "SocketInspector.checkBind(to:)")
    public init(checking target: BindTarget, with inspector: SocketInspector) throws {
        try self.init(running: target, with: inspector)
    }
}
