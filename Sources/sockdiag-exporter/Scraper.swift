import NIOCore
import NIOPosix
import Prometheus
import SockDiag
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Runs one dump per scrape on the thread pool and hands its rendered metrics to every request that arrived while
/// it ran (coalescing). Nothing runs between scrapes.
final class Scraper: Sendable {
    private struct State {
        /// The requests waiting for the dump under way (or about to start).
        var waiting: [EventLoopPromise<ByteBuffer>] = []
        /// Whether a dump is under way; requests that arrive meanwhile join ``waiting``.
        var running = false
        /// Dumps finished since start.
        var dumps = 0
        /// Requests answered since start (by ``dumps``).
        var requests = 0
        /// Test only (`--fail-dumps`): dumps still to fail on purpose.
        var failuresToInject = 0
    }

    /// Opens the inspector of the one namespace served; `nil` with `--all-netns` (one per namespace per scrape).
    private let openInspector: (@Sendable () throws -> SocketInspector)?
    /// The ephemeral port range of the one namespace served, read at each scrape (`-N`: inside that namespace);
    /// with `--all-netns` each namespace's is read inside it.
    private let readEphemeralPorts: @Sendable () throws -> ClosedRange<UInt16>
    /// The inspector in use, reused across scrapes; dropped after a failed dump (which may leave its netlink socket
    /// unusable) and opened again by the next scrape, so one bad dump does not fail every later scrape.
    private let inspector: Mutex<SocketInspector?>
    private let options: ExporterOptions
    private let pool: NIOThreadPool
    /// The client connections, whose counts every scrape reports.
    private let connections: ConnectionTable
    private let state = Mutex(State())
    /// Aggregators kept between dumps with their per-port counters: one for the served namespace, one per
    /// namespace read at the same moment with `--all-netns`.
    private let aggregators = Mutex<[SocketAggregator]>([])

    /// - Parameters:
    ///   - inspector: The inspector opened at start-up (so that a bad `-N` fails at once), or `nil` with
    ///     `--all-netns`.
    ///   - reopen: Opens another inspector of the same namespace after a failed dump; `nil` with `--all-netns`.
    ///   - ephemeralPorts: Reads the served namespace's `ip_local_port_range`.
    init(
        inspector: SocketInspector?,
        reopen: (@Sendable () throws -> SocketInspector)?,
        ephemeralPorts: @escaping @Sendable () throws -> ClosedRange<UInt16>,
        options: ExporterOptions,
        pool: NIOThreadPool,
        connections: ConnectionTable
    ) {
        self.connections = connections
        self.inspector = Mutex(inspector)
        self.openInspector = reopen
        self.readEphemeralPorts = ephemeralPorts
        state.withLock { $0.failuresToInject = options.failDumps }
        self.options = options
        self.pool = pool
    }

    /// The metrics text of a dump that starts now or is already under way, completed on `eventLoop`.
    func scrape(on eventLoop: any EventLoop) -> EventLoopFuture<ByteBuffer> {
        let promise = eventLoop.makePromise(of: ByteBuffer.self)
        let start = state.withLock { state in
            state.waiting.append(promise)
            guard !state.running else { return false }
            state.running = true
            return true
        }
        if start {
            pool.submit { [self] _ in dumpAndAnswer() }
        }
        return promise.futureResult
    }

    /// Runs on the pool's thread: one dump, rendered once, answered to every request waiting for it.
    private func dumpAndAnswer() {
        if options.dumpDelayMilliseconds > 0 { usleep(UInt32(options.dumpDelayMilliseconds) * 1000) }
        let clock = ContinuousClock()
        let started = clock.now
        // A fresh registry per scrape: series that dropped out of the top K are gone from the next scrape.
        let registry = PrometheusCollectorRegistry()
        let result = Result { try collect(into: registry) }
        let elapsed = clock.now - started
        // Whoever arrives after this point waits for the next dump.
        let (waiters, dumps, requests) = state.withLock { state in
            let waiters = state.waiting
            state.waiting = []
            state.running = false
            state.dumps += 1
            state.requests += waiters.count
            return (waiters, state.dumps, state.requests)
        }
        switch result {
        case .success(let sample):
            let bytes = MetricsRenderer.render(
                sample,
                into: registry,
                options: options,
                duration: elapsed,
                dumps: dumps,
                requests: requests,
                connections: connections.statistics
            )
            let body = ByteBuffer(bytes: bytes)
            if options.verbose {
                log(
                    "dump \(dumps): \(sample.socketsSeen) sockets in \(elapsed.milliseconds) ms for \(waiters.count) request\(waiters.count == 1 ? "" : "s")"
                )
            }
            for waiter in waiters { waiter.succeed(body) }
        case .failure(let error):
            log("dump \(dumps) failed: \(error)")
            for waiter in waiters { waiter.fail(error) }
        }
    }

    /// The dumps of one scrape: of the inspector's namespace, or with `--all-netns` of every namespace found now.
    private func collect(into registry: PrometheusCollectorRegistry) throws -> ScrapeSample {
        var sample = ScrapeSample()
        if let openInspector {
            let current = try inspector.withLock { current in
                if let current { return current }
                let opened = try openInspector()
                current = opened
                if options.verbose { log("opened a new netlink socket after the failed dump") }
                return opened
            }
            do {
                let inject = state.withLock { state in
                    guard state.failuresToInject > 0 else { return false }
                    state.failuresToInject -= 1
                    return true
                }
                if inject { throw ExporterError("injected failure (--fail-dumps)") }
                let range = try readEphemeralPorts()
                sample.namespaces = [try collect(current, netns: nil, ephemeralPorts: range, into: registry)]
            } catch {
                inspector.withLock { $0 = nil }
                throw error
            }
        } else {
            let scan = try NetworkNamespaceScanner().namespaces()
            // Every namespace's dump walks the kernel's whole socket table: walk side by side, as
            // `sockdiag --all-netns` does.
            let sweep = try scan.sweep(concurrency: NetworkNamespaceScan.defaultConcurrency) { [self] namespace, inspector in
                // /proc/sys/net shows the reading thread's namespace: read it inside (a namespace gone meanwhile
                // gets the default range; its dump then fails as vanished).
                let range = (try? namespace.run { FilterContext.current() })?.ephemeralPorts
                return try collect(
                    inspector,
                    netns: namespace.label,
                    ephemeralPorts: range ?? FilterContext().ephemeralPorts,
                    into: registry
                )
            } deliver: { _, namespaceSample in
                sample.namespaces.append(namespaceSample)
            }
            sample.skippedNamespaces = sweep.skipped.count
            sample.vanishedNamespaces = sweep.vanished
        }
        sample.socketsSeen = sample.namespaces.reduce(0) { $0 + $1.socketsSeen }
        return sample
    }

    /// The dumps of one namespace.
    private func collect(
        _ inspector: SocketInspector,
        netns: String?,
        ephemeralPorts: ClosedRange<UInt16>,
        into registry: PrometheusCollectorRegistry
    ) throws -> NamespaceSample {
        var sample = NamespaceSample(netns: netns)
        var aggregator = aggregators.withLock { $0.popLast() } ?? SocketAggregator(topPorts: options.topPorts)
        defer { aggregators.withLock { $0.append(aggregator) } }
        aggregator.ephemeralPorts = ephemeralPorts
        sample.aggregate = try aggregator.aggregate(inspector, matching: SocketQuery(protocols: [.tcp, .udp], states: .all))
        sample.socketsSeen = sample.aggregate.socketsSeen
        if options.tcpInfo {
            var summary = TCPInfoSummary(rtt: MetricsRenderer.rttHistogram(in: registry, netns: netns))
            let report = try inspector.forEachSocket(
                matching: SocketQuery(protocols: [.tcp], states: .established, extensions: .tcpInfo)
            ) { socket in
                summary.add(socket.tcpInfo)
            }
            sample.tcpInfo = summary
            sample.socketsSeen += report.sockets
        }
        return sample
    }
}

/// What one scrape found.
struct ScrapeSample: Sendable {
    /// One per namespace read (one without `--all-netns`).
    var namespaces: [NamespaceSample] = []
    /// With `--all-netns`: namespaces that could not be entered, and those gone before their turn.
    var skippedNamespaces = 0
    var vanishedNamespaces = 0
    /// Sockets the kernel sent over every dump of the scrape.
    var socketsSeen = 0
}

/// What the dumps of one namespace found.
struct NamespaceSample: Sendable {
    /// The `netns` label (the namespace's name, or `net:[INODE]`) with `--all-netns`; `nil` without.
    var netns: String?
    var aggregate = SocketAggregate()
    var tcpInfo: TCPInfoSummary?
    var socketsSeen = 0
}

/// Retransmissions and round-trip times of ESTABLISHED TCP sockets, from their `tcp_info`.
struct TCPInfoSummary: Sendable {
    /// Sockets with a `tcp_info`.
    var sockets = 0
    /// Σ `tcpi_total_retrans`: segments retransmitted over the life of these connections.
    var retransmittedSegments = 0
    /// Σ `tcpi_retrans`: retransmitted segments not yet acknowledged.
    var unackedRetransmits = 0
    /// Sockets with `tcpi_retransmits` > 0: in a retransmission timeout right now.
    var retransmittingSockets = 0
    /// The smoothed RTT of each socket, in seconds.
    let rtt: ValueHistogram

    init(rtt: ValueHistogram) {
        self.rtt = rtt
    }

    mutating func add(_ info: TCPInfo?) {
        guard let info else { return }
        sockets += 1
        retransmittedSegments += Int(info.totalRetrans)
        unackedRetransmits += Int(info.retrans)
        if info.retransmits > 0 { retransmittingSockets += 1 }
        rtt.record(Double(info.rtt) / 1_000_000)
    }
}

extension Duration {
    /// Milliseconds with two decimals below 10, e.g. `0.42`.
    var milliseconds: String {
        let value = seconds * 1000
        return value < 10 ? String(Double(Int(value * 100)) / 100) : String(Int(value))
    }

    var seconds: Double {
        let (seconds, attoseconds) = components
        return Double(seconds) + Double(attoseconds) / 1e18
    }
}
