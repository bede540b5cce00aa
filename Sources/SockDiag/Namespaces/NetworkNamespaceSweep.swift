#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

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

extension NetworkNamespaceScan {
    /// A good `concurrency` for ``sweep(concurrency:_:deliver:)``: one namespace per online CPU, at most 4. Each
    /// namespace's dump walks the kernel's whole socket table, so on a machine with many namespaces the walks are
    /// the cost, and they run side by side.
    public static var defaultConcurrency: Int {
        min(4, max(1, sysconf(Int32(_SC_NPROCESSORS_ONLN))))
    }

    /// Runs `body` against up to `concurrency` namespaces at once, each on a thread of its own with an inspector
    /// opened inside it and closed when `body` returns, and hands every value to `deliver` on the calling thread,
    /// in the scan's order.
    ///
    /// The kernel walks its whole (shared) socket hash table for every namespace's dump, so on a machine with
    /// many namespaces the sweep is bound by those walks; on several cores they run side by side. Namespaces are
    /// taken `concurrency` at a time: at most that many values are held before they are delivered.
    /// Vanished and skipped namespaces are handled as by ``sweep(_:)``.
    /// - Parameters:
    ///   - concurrency: How many namespaces to read at once (1 reads them one after another on the calling
    ///     thread's helpers; values below 1 count as 1).
    ///   - body: Called once per namespace read, on a thread of its own, with the namespace and its inspector.
    ///   - deliver: Called on the calling thread with each namespace's value, in the scan's order.
    /// - Returns: The namespaces read (their values went to `deliver`), the skipped ones and the count of vanished
    ///   ones.
    /// - Throws: The first error of `body` or `deliver` in the scan's order, which stops the sweep after the
    ///   namespaces already under way.
    public func sweep<Value: Sendable>(
        concurrency: Int,
        _ body: @escaping @Sendable (NetworkNamespace, SocketInspector) throws -> Value,
        deliver: (NetworkNamespace, Value) throws -> Void
    ) throws -> NetworkNamespaceSweep<Void> {
        var sweep = NetworkNamespaceSweep<Void>()
        let width = max(1, concurrency)
        var start = 0
        while start < namespaces.count {
            let batch = Array(namespaces[start..<min(start + width, namespaces.count)])
            start += batch.count
            let slots = batch.map { _ in ThreadResult<SweepOutcome<Value>>() }
            let jobs: [@Sendable () -> Void] = zip(batch, slots).map { namespace, slot in
                {
                    switch Self.open(namespace) {
                    case .success(let inspector):
                        do {
                            slot.value = .value(try body(namespace, inspector))
                        } catch {
                            slot.value = .failed(error)
                        }
                    case .failure(let error) where error.code == .namespaceVanished:
                        slot.value = .vanished
                    case .failure(let error):
                        slot.value = .skipped(error)
                    }
                }
            }
            Self.runSideBySide(jobs[...])
            for (namespace, slot) in zip(batch, slots) {
                switch slot.value {
                case .value(let value)?:
                    try deliver(namespace, value)
                    sweep.results.append(.init(namespace: namespace, value: ()))
                case .vanished?:
                    sweep.vanished += 1
                case .skipped(let error)?:
                    sweep.skipped.append(SkippedNetworkNamespace(namespace: namespace, reason: error))
                case .failed(let error)?:
                    throw error
                case nil:
                    preconditionFailure("a sweep job ended without a result")
                }
            }
        }
        return sweep
    }

    /// Runs every job, all but the first on threads of their own (a job whose thread cannot be started runs on
    /// the calling thread), and returns when all have ended.
    private static func runSideBySide(_ jobs: ArraySlice<@Sendable () -> Void>) {
        guard let last = jobs.last else { return }
        guard jobs.count > 1, let thread = try? DedicatedThread(last) else {
            runSideBySide(jobs.dropLast())
            last()
            return
        }
        runSideBySide(jobs.dropLast())
        thread.join()
    }
}

/// What one namespace's job in a concurrent sweep came to.
private enum SweepOutcome<Value: Sendable>: Sendable {
    case value(Value)
    case vanished
    case skipped(SockDiagError)
    case failed(any Error)
}
