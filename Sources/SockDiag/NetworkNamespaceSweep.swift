import Synchronization

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
    public func sweep<Value>(_ body: (NetworkNamespace, SocketInspector) throws -> Value) throws
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

    /// Runs `body` against every namespace of the scan on `workers` threads of its own, each namespace with an
    /// inspector opened inside it and closed when `body` returns; the calling thread waits.
    ///
    /// The same as ``sweep(_:)`` otherwise: results come back in the scan's order whatever order the namespaces
    /// ran in. Two workers overlap one namespace's kernel walk with another's decoding; more than the machine's
    /// cores gains nothing.
    /// - Parameters:
    ///   - workers: How many namespaces run at once (at least 1).
    ///   - body: Called once per namespace read, on a worker thread, possibly concurrently with other calls.
    /// - Returns: The values, the skipped namespaces and the count of vanished ones.
    /// - Throws: The first error `body` throws (no namespace starts after it), or ``SockDiagError`` when a
    ///   worker thread cannot be started.
    public func sweep<Value: Sendable>(
        workers: Int,
        _ body: @Sendable (NetworkNamespace, SocketInspector) throws -> Value
    ) throws -> NetworkNamespaceSweep<Value> {
        let namespaces = self.namespaces
        let shared = SweepState<Value>(count: namespaces.count)
        try withoutActuallyEscaping(body) { body in
            let work: @Sendable () -> Void = {
                while let index = shared.next() {
                    let namespace = namespaces[index]
                    let outcome: SweepOutcome<Value>
                    switch Self.open(namespace) {
                    case .success(let inspector):
                        do {
                            outcome = .value(try body(namespace, inspector))
                        } catch {
                            shared.fail(error)
                            return
                        }
                    case .failure(let error) where error.code == .namespaceVanished:
                        outcome = .vanished
                    case .failure(let error):
                        outcome = .skipped(error)
                    }
                    shared.store(outcome, at: index)
                }
            }
            try Self.runThreads(max(1, min(workers, namespaces.count)), work)
        }
        return try shared.result(namespaces)
    }

    /// Runs `work` on `count` threads of its own and waits for all of them.
    private static func runThreads(_ count: Int, _ work: @escaping @Sendable () -> Void) throws(SockDiagError) {
        guard count > 0 else { return }
        let thread = try DedicatedThread(work)
        // If starting another fails, this one is joined when it goes out of scope (deinit).
        try runThreads(count - 1, work)
        thread.join()
    }

    /// An inspector inside `namespace`, or why there is none.
    static func open(_ namespace: NetworkNamespace) -> Result<SocketInspector, SockDiagError> {
        Result { () throws(SockDiagError) -> SocketInspector in try SocketInspector(in: namespace) }
    }
}

private enum SweepOutcome<Value: Sendable>: Sendable {
    case value(Value)
    case vanished
    case skipped(SockDiagError)
}

/// The work list and results that a concurrent sweep's workers share.
private final class SweepState<Value: Sendable>: Sendable {
    struct Inner {
        var next = 0
        var outcomes: [SweepOutcome<Value>?]
        var error: (any Error)?
    }
    let inner: Mutex<Inner>

    init(count: Int) {
        inner = Mutex(Inner(outcomes: Array(repeating: nil, count: count)))
    }

    /// The next namespace to run, or `nil` when all have started or one failed.
    func next() -> Int? {
        inner.withLock { inner in
            guard inner.error == nil, inner.next < inner.outcomes.count else { return nil }
            defer { inner.next += 1 }
            return inner.next
        }
    }

    func store(_ outcome: sending SweepOutcome<Value>, at index: Int) {
        inner.withLock { $0.outcomes[index] = outcome }
    }

    func fail(_ error: any Error) {
        inner.withLock { inner in
            if inner.error == nil { inner.error = error }
        }
    }

    func result(_ namespaces: [NetworkNamespace]) throws -> NetworkNamespaceSweep<Value> {
        let inner = self.inner.withLock { $0 }
        if let error = inner.error { throw error }
        var sweep = NetworkNamespaceSweep<Value>()
        for (namespace, outcome) in zip(namespaces, inner.outcomes) {
            switch outcome {
            case .value(let value)?: sweep.results.append(.init(namespace: namespace, value: value))
            case .vanished?: sweep.vanished += 1
            case .skipped(let error)?: sweep.skipped.append(SkippedNetworkNamespace(namespace: namespace, reason: error))
            case nil: break
            }
        }
        return sweep
    }
}
