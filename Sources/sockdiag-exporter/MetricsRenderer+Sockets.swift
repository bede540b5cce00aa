import Prometheus
import SockDiag

/// The series of one namespace's sockets: states, listeners, TIME_WAIT, unread data.
extension MetricsRenderer {
    /// The TCP states a dump of every state can report (bound-inactive is not asked for: it makes the kernel walk
    /// its bind hash too), with node_exporter's tcpstat names; each gets a series, also at 0, so that a state
    /// appearing is not a new series.
    static let tcpStates: [(SocketState, String)] = [
        (.established, "established"), (.synSent, "syn_sent"), (.synRecv, "syn_recv"), (.finWait1, "fin_wait1"),
        (.finWait2, "fin_wait2"), (.timeWait, "time_wait"), (.closed, "close"), (.closeWait, "close_wait"),
        (.lastAck, "last_ack"), (.listen, "listen"), (.closing, "closing"),
    ]
    /// UDP: unconnected (`close`) and connected (`established`), named as the TCP states.
    static let udpStates: [(SocketState, String)] = [(.closed, "close"), (.established, "established")]

    /// `sockdiag_tcp_connection_states{state}` as node_exporter's `node_tcp_connection_states` (both families
    /// summed, `rx_queued_bytes` and `tx_queued_bytes` included), and `sockdiag_udp_sockets{state}`.
    static func renderStates(_ sample: NamespaceSample, into registry: PrometheusCollectorRegistry) {
        let aggregate = sample.aggregate
        let tcp = descriptor(
            "tcp_connection_states",
            "TCP sockets by state, both address families, as node_exporter's node_tcp_connection_states; "
                + "state=\"rx_queued_bytes\" and \"tx_queued_bytes\" sum every socket's Recv-Q and Send-Q."
        )
        for (state, name) in tcpStates {
            registry.makeGauge(descriptor: tcp, labels: labels(sample.netns, [("state", name)]))
                .set(Int64(aggregate.counts.total(.tcp, states: StateSet(state))))
        }
        for (name, bytes) in [
            ("rx_queued_bytes", aggregate.tcpReceiveQueueTotal), ("tx_queued_bytes", aggregate.tcpSendQueueTotal),
        ] {
            registry.makeGauge(descriptor: tcp, labels: labels(sample.netns, [("state", name)]))
                .set(Int64(clamping: bytes))
        }
        let udp = descriptor(
            "udp_sockets",
            "UDP sockets, both address families: state=\"close\" unconnected, \"established\" connected."
        )
        for (state, name) in udpStates {
            registry.makeGauge(descriptor: udp, labels: labels(sample.netns, [("state", name)]))
                .set(Int64(aggregate.counts.total(.udp, states: StateSet(state))))
        }
    }

    /// `--legacy-sockets-metric`: the former `sockdiag_sockets{protocol,family,state}` with sockdiag's state names.
    static func renderLegacyStates(_ sample: NamespaceSample, into registry: PrometheusCollectorRegistry) {
        let sockets = descriptor(
            "sockets",
            "Deprecated (--legacy-sockets-metric; see sockdiag_tcp_connection_states): sockets by protocol, "
                + "address family and state (sockdiag's state names)."
        )
        for (transport, states) in [(TransportProtocol.tcp, tcpStates), (.udp, udpStates)] {
            for family in [AddressFamily.inet, .inet6] {
                for (state, _) in states {
                    registry.makeGauge(
                        descriptor: sockets,
                        labels: labels(
                            sample.netns,
                            [("protocol", "\(transport)"), ("family", "\(family)"), ("state", state.name)]
                        )
                    ).set(Int64(sample.aggregate.counts[transport, family, state]))
                }
            }
        }
    }

    /// The accept queues of the fullest listeners (an `SO_REUSEPORT` group summed, with its size), and how many
    /// listeners have no series.
    static func renderListeners(_ sample: NamespaceSample, into registry: PrometheusCollectorRegistry) {
        let queueLength = descriptor(
            "tcp_listen_queue_length",
            "Connections waiting to be accepted by a TCP listener (its Recv-Q; an SO_REUSEPORT group's summed), "
                + "for the --top-ports fullest listeners."
        )
        let queueLimit = descriptor(
            "tcp_listen_queue_limit",
            "The accept queue limit (backlog) of a TCP listener (its Send-Q; an SO_REUSEPORT group's summed)."
        )
        let groupSize = descriptor(
            "tcp_listen_group_size",
            "Listening sockets on the address and port: more than 1 for an SO_REUSEPORT group."
        )
        for listener in sample.aggregate.listeners {
            let listenerLabels = labels(
                sample.netns,
                [
                    ("family", "\(listener.family)"), ("address", "\(listener.local.address)"),
                    ("port", "\(listener.local.port)"),
                ]
            )
            registry.makeGauge(descriptor: queueLength, labels: listenerLabels).set(Int64(listener.queued))
            registry.makeGauge(descriptor: queueLimit, labels: listenerLabels).set(Int64(listener.backlog))
            registry.makeGauge(descriptor: groupSize, labels: listenerLabels).set(Int64(listener.members))
        }
        gauge(
            registry,
            sample.netns,
            descriptor(
                "tcp_listen_queue_other_listeners",
                "TCP listeners beyond the --top-ports fullest, which have no queue series."
            )
        ).set(Int64(sample.aggregate.otherListeners))
    }

    /// TIME_WAIT sockets by side and port, for the ports with most on each side, and the rest; the ephemeral range
    /// that tells the sides apart.
    static func renderTimeWait(_ sample: NamespaceSample, into registry: PrometheusCollectorRegistry) {
        let aggregate = sample.aggregate
        let timeWait = descriptor(
            "tcp_time_wait_sockets",
            "TIME_WAIT sockets: side=\"server\" by local port (a listener's, or outside ip_local_port_range), "
                + "side=\"client\" by peer port; the --top-ports ports of each side, port=\"other\" the rest."
        )
        let otherPorts = descriptor(
            "tcp_time_wait_other_ports",
            "Ports of the TIME_WAIT sockets counted in port=\"other\", per side."
        )
        for (side, ranking) in [("server", aggregate.serverTimeWaitPorts), ("client", aggregate.clientTimeWaitPorts)] {
            for entry in ranking.top {
                registry.makeGauge(
                    descriptor: timeWait,
                    labels: labels(sample.netns, [("side", side), ("port", "\(entry.port)")])
                ).set(Int64(entry.count))
            }
            registry.makeGauge(descriptor: timeWait, labels: labels(sample.netns, [("side", side), ("port", "other")]))
                .set(Int64(ranking.otherCount))
            registry.makeGauge(descriptor: otherPorts, labels: labels(sample.netns, [("side", side)]))
                .set(Int64(ranking.otherPorts))
        }
        gauge(
            registry,
            sample.netns,
            descriptor(
                "ephemeral_port_range_size",
                "Ports in net.ipv4.ip_local_port_range: how many client-side TIME_WAIT sockets one destination "
                    + "address and port can hold."
            )
        ).set(Int64(aggregate.ephemeralPorts.count))
    }

    /// ESTABLISHED and CLOSE_WAIT sockets with unread data, and the bytes.
    static func renderUnread(_ sample: NamespaceSample, into registry: PrometheusCollectorRegistry) {
        let sockets = descriptor(
            "tcp_unread_sockets",
            "ESTABLISHED and CLOSE_WAIT TCP sockets whose receive queue holds unread data (Recv-Q > 0)."
        )
        let bytes = descriptor(
            "tcp_unread_bytes",
            "Bytes received and not read by the application, over ESTABLISHED and CLOSE_WAIT TCP sockets."
        )
        for (state, unread) in [
            ("established", sample.aggregate.unreadEstablished), ("close_wait", sample.aggregate.unreadCloseWait),
        ] {
            let stateLabels = labels(sample.netns, [("state", state)])
            registry.makeGauge(descriptor: sockets, labels: stateLabels).set(Int64(unread.sockets))
            registry.makeGauge(descriptor: bytes, labels: stateLabels).set(Int64(clamping: unread.bytes))
        }
    }
}
