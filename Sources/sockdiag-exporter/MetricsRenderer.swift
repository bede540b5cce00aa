import Prometheus
import SockDiag

/// Fills a scrape's registry from what its dumps found and emits the text exposition format.
enum MetricsRenderer {
    /// Upper bounds of the RTT histogram's buckets, in seconds (100 µs to 5 s).
    static let rttBuckets: [Double] = [
        0.0001, 0.00025, 0.0005, 0.001, 0.0025, 0.005, 0.01, 0.025, 0.05, 0.1, 0.25, 0.5, 1, 2.5, 5,
    ]

    /// `sockdiag_tcp_rtt_seconds` (of one namespace with `--all-netns`), made before the tcp_info dump, which
    /// records into it.
    static func rttHistogram(in registry: PrometheusCollectorRegistry, netns: String?) -> ValueHistogram {
        registry.makeValueHistogram(
            descriptor: descriptor(
                "tcp_rtt",
                unit: "seconds",
                "Smoothed round-trip time (tcpi_rtt) of ESTABLISHED TCP sockets."
            ),
            labels: labels(netns, []),
            buckets: rttBuckets
        )
    }

    /// `labels`, after a `netns` label with `--all-netns`.
    static func labels(_ netns: String?, _ labels: [(String, String)]) -> [(String, String)] {
        guard let netns else { return labels }
        return [("netns", netns)] + labels
    }

    /// Adds the sample's metrics to `registry` and returns the exposition text.
    static func render(
        _ sample: ScrapeSample,
        into registry: PrometheusCollectorRegistry,
        options: ExporterOptions,
        duration: Duration,
        dumps: Int,
        requests: Int,
        connections: ConnectionTable.Statistics
    ) -> [UInt8] {
        for namespace in sample.namespaces {
            render(namespace, options: options, into: registry)
        }
        if options.allNamespaces {
            let namespaces = descriptor(
                "scrape_namespaces",
                "With --all-netns: network namespaces read this scrape, skipped (could not be entered) and vanished."
            )
            for (outcome, count) in [
                ("read", sample.namespaces.count), ("skipped", sample.skippedNamespaces),
                ("vanished", sample.vanishedNamespaces),
            ] {
                registry.makeGauge(descriptor: namespaces, labels: [("outcome", outcome)]).set(Int64(count))
            }
        }
        registry.makeGauge(
            descriptor: descriptor("scrape_duration", unit: "seconds", "How long this scrape's dumps took.")
        ).set(duration.seconds)
        registry.makeGauge(
            descriptor: descriptor("scrape_sockets_seen", "Sockets the kernel sent for this scrape, over every dump.")
        ).set(Int64(sample.socketsSeen))
        registry.makeCounter(
            descriptor: descriptor("scrape_dumps", unit: "total", "Dumps made since the exporter started.")
        ).increment(by: Int64(dumps))
        registry.makeCounter(
            descriptor: descriptor(
                "scrape_requests",
                unit: "total",
                "Scrapes answered since the exporter started; concurrent scrapes share one dump."
            )
        ).increment(by: Int64(requests))
        render(connections, into: registry)

        var bytes: [UInt8] = []
        bytes.reserveCapacity(8192)
        registry.emit(into: &bytes)
        return bytes
    }

    /// Adds the client connections' series.
    private static func render(_ connections: ConnectionTable.Statistics, into registry: PrometheusCollectorRegistry) {
        registry.makeGauge(descriptor: descriptor("http_connections", "Client connections open now.")).set(
            Int64(connections.open)
        )
        registry.makeGauge(
            descriptor: descriptor("http_connections_limit", "The most client connections served at once.")
        ).set(Int64(connections.capacity))
        let closed = descriptor(
            "http_connections_closed",
            unit: "total",
            "Client connections the exporter closed: idle, too slow to send a request, evicted to make room, "
                + "refused (every connection waiting for a dump) or after an error."
        )
        for reason in ConnectionTable.CloseReason.allCases {
            registry.makeCounter(descriptor: closed, labels: [("reason", reason.rawValue)])
                .increment(by: Int64(connections.closed[reason] ?? 0))
        }
        registry.makeCounter(
            descriptor: descriptor(
                "http_accept_failures",
                unit: "total",
                "accept() calls that failed for want of a descriptor (EMFILE, ENFILE)."
            )
        ).increment(by: Int64(connections.acceptFailures))
    }

    /// Adds one namespace's series.
    private static func render(
        _ sample: NamespaceSample,
        options: ExporterOptions,
        into registry: PrometheusCollectorRegistry
    ) {
        renderStates(sample, into: registry)
        if options.legacySocketsMetric { renderLegacyStates(sample, into: registry) }
        renderListeners(sample, into: registry)
        renderTimeWait(sample, into: registry)
        renderUnread(sample, into: registry)
        if let info = sample.tcpInfo { render(info, netns: sample.netns, into: registry) }
    }

    /// `--tcp-info`: retransmission gauges of ESTABLISHED connections.
    private static func render(_ info: TCPInfoSummary, netns: String?, into registry: PrometheusCollectorRegistry) {
        gauge(
            registry,
            netns,
            descriptor(
                "tcp_retransmitted_segments",
                "Segments retransmitted over the life of the ESTABLISHED TCP connections (sum of tcpi_total_retrans); drops when connections close."
            )
        ).set(Int64(info.retransmittedSegments))
        gauge(
            registry,
            netns,
            descriptor(
                "tcp_unacked_retransmitted_segments",
                "Retransmitted segments not yet acknowledged, over ESTABLISHED TCP sockets (sum of tcpi_retrans)."
            )
        ).set(Int64(info.unackedRetransmits))
        gauge(
            registry,
            netns,
            descriptor(
                "tcp_retransmitting_sockets",
                "ESTABLISHED TCP sockets in a retransmission timeout now (tcpi_retransmits > 0)."
            )
        ).set(Int64(info.retransmittingSockets))
    }

    /// A gauge with only the `netns` label, or none.
    static func gauge(
        _ registry: PrometheusCollectorRegistry,
        _ netns: String?,
        _ descriptor: MetricNameDescriptor
    ) -> Gauge {
        netns == nil
            ? registry.makeGauge(descriptor: descriptor)
            : registry.makeGauge(descriptor: descriptor, labels: labels(netns, []))
    }

    static func descriptor(_ name: String, unit: String = "", _ help: String) -> MetricNameDescriptor {
        MetricNameDescriptor(namespace: "sockdiag", metricName: name, unitName: unit, helpText: help)
    }
}
