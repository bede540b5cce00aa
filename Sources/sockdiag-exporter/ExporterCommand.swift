import ArgumentParser
import NIOCore
import NIOHTTP1
import NIOPosix
import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sockdiag-exporter` (also `sockdiag exporter`): the kernel's socket tables as Prometheus metrics on `/metrics`.
@main
struct ExporterCommand: ParsableCommand {
    static let configuration = CommandConfiguration(
        commandName: "sockdiag exporter",
        abstract: "Serve the kernel's socket tables as Prometheus metrics on http://ADDRESS:PORT/metrics.",
        discussion: """
            Each scrape is one netlink dump (two with --tcp-info), made when the request arrives; requests that \
            arrive while a dump runs share its result. Nothing runs between scrapes.
            Metrics: sockdiag_tcp_connection_states{state} and sockdiag_udp_sockets{state} (node_exporter's \
            tcpstat names: established, time_wait, listen, close, close_wait, …), sockdiag_tcp_listen_queue_length, \
            _limit and sockdiag_tcp_listen_group_size{family,address,port} (the K fullest listeners, an \
            SO_REUSEPORT group summed), sockdiag_tcp_time_wait_sockets{side,port} (server side by local port, \
            client side by peer port: the K ports with most, the rest as port="other"), \
            sockdiag_ephemeral_port_range_size, sockdiag_tcp_unread_sockets and _bytes{state}, \
            sockdiag_scrape_duration_seconds, sockdiag_scrape_sockets_seen; with --tcp-info, retransmissions and \
            an RTT histogram of ESTABLISHED TCP sockets; with --all-netns, a netns label on every socket series. \
            GET or HEAD /metrics; / is a page linking to it. See README.md.
            Connections: at most --max-connections at once; at the cap a new connection replaces the one waiting \
            longest without a request, never one waiting for a dump, so idle clients cannot lock a scraper out. A \
            connection idle for --idle-timeout, or whose request is not complete --header-timeout after its first \
            byte, is closed, and so is every connection after an error response (400, 404, 405, 500).

            Examples:
              sockdiag exporter
              sockdiag exporter --listen 0.0.0.0:9474 --top-ports 20 --tcp-info
              sockdiag exporter -N mycontainer --listen 127.0.0.1:9475
              sockdiag exporter --all-netns
            """,
        version: "sockdiag-exporter 0.1.0"
    )

    @Option(
        name: .long,
        help: ArgumentHelp(
            "Where to serve: IPV4:PORT or [IPV6]:PORT (port 0 picks a free one, printed at start).",
            valueName: "address:port"
        )
    )
    var listen = "127.0.0.1:9474"

    @Option(
        name: .customLong("top-ports"),
        help: ArgumentHelp(
            "How many TIME_WAIT ports and listeners get their own series (0 to \(ExporterOptions.maximumTopPorts)).",
            valueName: "k"
        )
    )
    var topPorts: Int = 10

    @Flag(
        name: .customLong("tcp-info"),
        help: "Also dump tcp_info of ESTABLISHED TCP sockets: retransmissions and an RTT histogram (a second dump)."
    )
    var tcpInfo = false

    @Option(
        name: [.customShort("N"), .customLong("net")],
        help: ArgumentHelp(
            "Report the sockets of the named network namespace (/var/run/netns/NAME); serve from this one.",
            valueName: "name"
        ),
        // Shell completion: the names `ip netns add` made (sockdiag's CompletionKind.networkNamespaces).
        completion: .shellCommand("ls /var/run/netns 2>/dev/null")
    )
    var namespace: String?

    @Flag(
        name: .customLong("all-netns"),
        help: ArgumentHelp(
            "Report every network namespace (ip netns names and /proc/*/ns/net), each series with a netns label.",
            discussion: "Each scrape finds the namespaces anew and dumps each from a thread that enters it; needs root."
        )
    )
    var allNamespaces = false

    @Option(
        name: .customLong("idle-timeout"),
        help: ArgumentHelp(
            "Close a connection that waits this long without a request or without taking its answer (1 to 3600).",
            valueName: "seconds"
        )
    )
    var idleTimeout = 30

    @Option(
        name: .customLong("header-timeout"),
        help: ArgumentHelp(
            "Close a connection whose request is not complete this long after its first byte (1 to 300).",
            valueName: "seconds"
        )
    )
    var headerTimeout = 10

    @Option(
        name: .customLong("max-connections"),
        help: ArgumentHelp(
            "Serve at most this many connections at once (1 to 16384; lowered to fit the descriptor limit).",
            valueName: "n"
        )
    )
    var maxConnections = 256

    @Flag(
        name: .customLong("legacy-sockets-metric"),
        help: ArgumentHelp(
            "Also serve the former sockdiag_sockets{protocol,family,state} (sockdiag's state names); one release.",
            discussion: "sockdiag_tcp_connection_states and sockdiag_udp_sockets replace it (node_exporter's names)."
        )
    )
    var legacySocketsMetric = false

    @Flag(name: [.customShort("v"), .customLong("verbose")], help: "One line on stderr per dump.")
    var verbose = false

    /// For tests: hold each dump this many milliseconds, so that concurrent requests surely overlap.
    @Option(name: .customLong("dump-delay-ms"), help: .hidden)
    var dumpDelayMilliseconds: Int = 0

    /// For tests: make the first N dumps fail (after the inspector was taken), to show that the next scrape
    /// recovers with a new netlink socket.
    @Option(name: .customLong("fail-dumps"), help: .hidden)
    var failDumps: Int = 0

    mutating func validate() throws {
        guard ListenAddress(argument: listen) != nil else {
            throw ValidationError("--listen takes IPV4:PORT or [IPV6]:PORT (port 0 to 65535), not '\(listen)'")
        }
        guard (0...ExporterOptions.maximumTopPorts).contains(topPorts) else {
            throw ValidationError(
                "--top-ports takes a number from 0 to \(ExporterOptions.maximumTopPorts), not \(topPorts)"
            )
        }
        if allNamespaces && namespace != nil {
            throw ValidationError("-N and --all-netns contradict: one namespace or all of them")
        }
        for (name, value, range) in [
            ("--idle-timeout", idleTimeout, ConnectionLimits.idleTimeouts),
            ("--header-timeout", headerTimeout, ConnectionLimits.headerTimeouts),
            ("--max-connections", maxConnections, ConnectionLimits.connectionCounts),
        ] where !range.contains(value) {
            throw ValidationError(
                "\(name) takes a number from \(range.lowerBound) to \(range.upperBound), not \(value)"
            )
        }
        guard dumpDelayMilliseconds >= 0 else { throw ValidationError("--dump-delay-ms must not be negative") }
        // A test option: each dump sleeps this long first (usleep takes at most UInt32.max microseconds).
        guard dumpDelayMilliseconds <= 60_000 else {
            throw ValidationError("--dump-delay-ms takes a number from 0 to 60000, not \(dumpDelayMilliseconds)")
        }
        guard failDumps >= 0 else { throw ValidationError("--fail-dumps must not be negative") }
    }

    var options: ExporterOptions {
        ExporterOptions(
            topPorts: topPorts,
            tcpInfo: tcpInfo,
            allNamespaces: allNamespaces,
            legacySocketsMetric: legacySocketsMetric,
            verbose: verbose,
            dumpDelayMilliseconds: dumpDelayMilliseconds,
            failDumps: failDumps
        )
    }

    var limits: ConnectionLimits {
        ConnectionLimits(
            idleTimeout: .seconds(Int64(idleTimeout)),
            headerTimeout: .seconds(Int64(headerTimeout)),
            maxConnections: maxConnections
        )
    }

    /// Parses the arguments and serves until killed; exits 2 on bad input with one line, 1 when serving fails.
    static func main() {
        // A server stops on SIGTERM and SIGINT even when its parent left them blocked (the mask is inherited, and
        // NIO's threads inherit this thread's).
        var stopSignals = sigset_t()
        sigemptyset(&stopSignals)
        sigaddset(&stopSignals, SIGTERM)
        sigaddset(&stopSignals, SIGINT)
        pthread_sigmask(SIG_UNBLOCK, &stopSignals, nil)
        let arguments = ExporterArguments.current()
        if let script = ExporterCompletion.script(for: arguments) {
            print(script)
            Glibc.exit(0)
        }
        let command: ExporterCommand
        do {
            let parsed = try parseAsRoot(arguments)
            guard let ours = parsed as? ExporterCommand else {
                var other = parsed
                try other.run()
                Glibc.exit(0)
            }
            command = ours
        } catch {
            if exitCode(for: error) == .success {
                print(fullMessage(for: error))
                Glibc.exit(0)
            }
            fail(message(for: error), status: 2)
        }
        do {
            try command.serve()
        } catch let error as SockDiagError where error.code == .namespaceNotFound || error.code == .namespaceVanished {
            fail(error.message, status: 2)
        } catch {
            fail(String(describing: error), status: 1)
        }
        Glibc.exit(0)
    }

    /// Opens the inspector (inside the namespace, when asked), binds and serves until the server channel closes.
    func serve() throws {
        guard let listen = ListenAddress(argument: listen) else { throw ExporterError("bad --listen '\(listen)'") }
        // Opened here, on the main thread (which never changes namespace), and again on the dump thread after a
        // failed dump: `-N` through a thread that enters the namespace, otherwise in the exporter's own.
        let open: (@Sendable () throws -> SocketInspector)?
        // /proc/sys/net shows the reading thread's namespace: -N reads its range inside the namespace.
        var ephemeralPorts: @Sendable () throws -> ClosedRange<UInt16> = { FilterContext.current().ephemeralPorts }
        if allNamespaces {
            open = nil
        } else if let namespace {
            open = { try SocketInspector(in: NetworkNamespace.find(named: namespace)) }
            ephemeralPorts = {
                try NetworkNamespace.find(named: namespace).run { FilterContext.current() }.ephemeralPorts
            }
        } else {
            open = { try SocketInspector() }
        }
        let inspector = try open?()
        let group = MultiThreadedEventLoopGroup(numberOfThreads: 1)
        // One thread for dumps: they never run on the event loop, and one inspector does one dump at a time.
        let pool = NIOThreadPool(numberOfThreads: 1)
        pool.start()
        let limits = limits.fittedToDescriptorLimit()
        let connections = ConnectionTable(capacity: limits.maxConnections)
        let scraper = Scraper(
            inspector: inspector,
            reopen: open,
            ephemeralPorts: ephemeralPorts,
            options: options,
            pool: pool,
            connections: connections
        )
        let channel: any Channel
        do {
            channel = try ServerBootstrap(group: group)
                .serverChannelOption(.backlog, value: 256)
                .serverChannelOption(.socketOption(.so_reuseaddr), value: 1)
                .serverChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        try channel.pipeline.syncOperations.addHandler(AcceptFailureHandler(table: connections))
                    }
                }
                .childChannelInitializer { channel in
                    channel.eventLoop.makeCompletedFuture {
                        let pipeline = channel.pipeline.syncOperations
                        let connection = ConnectionGuard(table: connections, limits: limits)
                        try pipeline.addHandler(RequestStartWatcher(connection))
                        try pipeline.configureHTTPServerPipeline(withErrorHandling: true)
                        try pipeline.addHandler(connection)
                        try pipeline.addHandler(MetricsHandler(scraper: scraper))
                    }
                }
                .bind(host: listen.host, port: listen.port)
                .wait()
        } catch {
            throw ExporterError.cannotListen(on: listen, error)
        }
        let bound = channel.localAddress.map(ListenAddress.init(boundTo:)) ?? listen
        let source =
            allNamespaces
            ? " (sockets of every network namespace)" : namespace.map { " (sockets of network namespace \($0))" } ?? ""
        log("listening on http://\(bound)/metrics\(source)")
        try channel.closeFuture.wait()
    }
}

/// What every scrape does.
struct ExporterOptions: Sendable {
    /// The largest `--top-ports`: it bounds the label cardinality of the per-port and per-listener series.
    static let maximumTopPorts = 1000

    var topPorts: Int
    var tcpInfo: Bool
    var allNamespaces: Bool
    /// `--legacy-sockets-metric`: also the former `sockdiag_sockets`.
    var legacySocketsMetric = false
    var verbose: Bool
    var dumpDelayMilliseconds: Int
    /// Test only: how many dumps to fail on purpose.
    var failDumps: Int = 0
}

/// A failure outside the library (binding the listener).
struct ExporterError: Error, CustomStringConvertible {
    var description: String
    init(_ description: String) { self.description = description }
}

/// Writes `sockdiag-exporter: MESSAGE` as one line to standard error.
func log(_ message: String) {
    var line = "sockdiag-exporter: "
    for character in message { line.append(character.isNewline ? " " : character) }
    line.append("\n")
    line.withCString { text in _ = write(STDERR_FILENO, text, strlen(text)) }
}

/// Writes `message` as one line to standard error and exits with `status`.
func fail(_ message: String, status: Int32) -> Never {
    log(message.trimmingTrailingWhitespace)
    Glibc.exit(status)
}

extension String {
    fileprivate var trimmingTrailingWhitespace: String {
        var text = self
        while let last = text.last, last.isWhitespace { text.removeLast() }
        return text
    }
}
