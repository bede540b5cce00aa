/// A namespace a sweep could not read, and why.
public struct SkippedNetworkNamespace: Hashable, Sendable {
    /// The namespace.
    public var namespace: NetworkNamespace
    /// Why it was skipped: `permissionDenied` without the privilege to enter it, or another failure to open an
    /// inspector in it.
    public var reason: SockDiagError

    /// Creates a skipped namespace.
    public init(namespace: NetworkNamespace, reason: SockDiagError) {
        self.namespace = namespace
        self.reason = reason
    }
}

/// What a sweep over namespaces returned: one value per namespace read, the namespaces skipped, and how many had
/// vanished since they were found.
public struct NetworkNamespaceSweep<Value> {
    /// One namespace's value.
    public struct Entry {
        /// The namespace.
        public var namespace: NetworkNamespace
        /// What the body returned for it.
        public var value: Value
    }

    /// The value of every namespace read, in the scan's order.
    public var results: [Entry] = []
    /// The namespaces that could not be read (no privilege to enter them, or another failure), in the scan's order.
    public var skipped: [SkippedNetworkNamespace] = []
    /// Namespaces that could no longer be reached when their turn came (their process exited, their name was
    /// deleted): skipped and counted.
    public var vanished = 0
}

extension NetworkNamespaceSweep.Entry: Sendable where Value: Sendable {}
extension NetworkNamespaceSweep: Sendable where Value: Sendable {}

extension NetworkNamespaceScan {
    /// Runs `body` against every namespace of the scan in turn, on the calling thread, each with an inspector
    /// opened inside it (``SocketInspector/init(in:)``) and closed when `body` returns.
    ///
    /// An open inspector keeps its namespace alive, so none outlives its turn; `body` must not keep it either.
    /// A namespace that can no longer be reached is counted in ``NetworkNamespaceSweep/vanished``; one that cannot
    /// be entered (no privilege) is listed in ``NetworkNamespaceSweep/skipped`` with the reason. Neither stops
    /// the sweep. The caller's own namespace needs no privilege.
    /// - Parameter body: Called once per namespace read, with the namespace and its inspector.
    /// - Returns: The values, the skipped namespaces and the count of vanished ones.
    /// - Throws: What `body` throws, which stops the sweep.
    public func sweep<Value>(
        _ body: (NetworkNamespace, SocketInspector) throws -> Value
    ) throws
        -> NetworkNamespaceSweep<Value>
    {
        var sweep = NetworkNamespaceSweep<Value>()
        for namespace in namespaces {
            switch Self.open(namespace) {
            case .success(let inspector):
                sweep.results.append(.init(namespace: namespace, value: try body(namespace, inspector)))
            case .failure(let error) where error.code == .namespaceVanished:
                sweep.vanished += 1
            case .failure(let error):
                sweep.skipped.append(SkippedNetworkNamespace(namespace: namespace, reason: error))
            }
        }
        return sweep
    }

    /// An inspector inside `namespace`, or why there is none.
    static func open(_ namespace: NetworkNamespace) -> Result<SocketInspector, SockDiagError> {
        Result { () throws(SockDiagError) -> SocketInspector in try SocketInspector(in: namespace) }
    }
}
