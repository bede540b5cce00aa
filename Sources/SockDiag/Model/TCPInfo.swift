/// The kernel's `struct tcp_info` for one TCP socket (include/uapi/linux/tcp.h), from `INET_DIAG_INFO`.
///
/// The structure has grown with the kernel (104 bytes up to Linux 3.14, 232 in 6.1, 280 in 6.18) and is decoded by
/// length: the fields of the oldest layout are always there; a field the sending kernel's layout does not reach is
/// `nil` (not zero). Bytes past the layout known here (from a newer kernel) are ignored. Times are in microseconds
/// unless a field says otherwise; rates are in bytes per second.
public struct TCPInfo: Hashable, Sendable {
    /// `TCPI_OPT_*`: the options negotiated on the connection.
    public struct Options: OptionSet, Hashable, Sendable {
        /// The `tcpi_options` byte.
        public let rawValue: UInt8

        /// Creates options from the `tcpi_options` byte.
        public init(rawValue: UInt8) {
            self.rawValue = rawValue
        }

        /// Timestamps (`TCPI_OPT_TIMESTAMPS`).
        public static let timestamps = Options(rawValue: 1)
        /// Selective acknowledgements (`TCPI_OPT_SACK`).
        public static let sack = Options(rawValue: 2)
        /// Window scaling (`TCPI_OPT_WSCALE`); ``TCPInfo/sendWindowScale`` and ``TCPInfo/receiveWindowScale`` are
        /// meaningful only with it.
        public static let windowScale = Options(rawValue: 4)
        /// ECN negotiated (`TCPI_OPT_ECN`).
        public static let ecn = Options(rawValue: 8)
        /// At least one ECT segment received (`TCPI_OPT_ECN_SEEN`).
        public static let ecnSeen = Options(rawValue: 16)
        /// SYN-ACK acknowledged data in the SYN (`TCPI_OPT_SYN_DATA`, TCP Fast Open).
        public static let synData = Options(rawValue: 32)
        /// Microsecond timestamps (`TCPI_OPT_USEC_TS`).
        public static let microsecondTimestamps = Options(rawValue: 64)
        /// A Fast Open child socket (`TCPI_OPT_TFO_CHILD`).
        public static let fastOpenChild = Options(rawValue: 128)
    }

    /// Size of the oldest layout (Linux 2.6 to 3.14); a shorter attribute is malformed.
    public static let minimumSize = 104
    /// Size of the newest layout decoded here (Linux 6.18).
    public static let knownSize = 280

    /// How many bytes of `struct tcp_info` the kernel sent.
    public var length: Int

    /// The TCP state number (`TCP_ESTABLISHED` 1 … `TCP_CLOSING` 11, include/net/tcp_states.h). (`tcpi_state`)
    public var state: UInt8
    /// The congestion avoidance state (`TCP_CA_Open` 0, `Disorder` 1, `CWR` 2, `Recovery` 3, `Loss` 4). (`tcpi_ca_state`)
    public var caState: UInt8
    /// Consecutive retransmission timeouts of the current segment. (`tcpi_retransmits`)
    public var retransmits: UInt8
    /// Unanswered zero-window or keepalive probes. (`tcpi_probes`)
    public var probes: UInt8
    /// Exponential backoff of the retransmission timer. (`tcpi_backoff`)
    public var backoff: UInt8
    /// Retransmission timeout in microseconds (3 000 000 until the first RTT sample). (`tcpi_rto`)
    public var rto: UInt32
    /// Delayed-ACK timeout in microseconds. (`tcpi_ato`)
    public var ato: UInt32
    /// Maximum segment size for sending, bytes. (`tcpi_snd_mss`)
    public var sendMSS: UInt32
    /// Estimated maximum segment size of the peer, bytes. (`tcpi_rcv_mss`)
    public var receiveMSS: UInt32
    /// Segments sent and not yet acknowledged. (`tcpi_unacked`)
    public var unacked: UInt32
    /// Segments selectively acknowledged (for a listener: its backlog limit). (`tcpi_sacked`)
    public var sacked: UInt32
    /// Segments considered lost. (`tcpi_lost`)
    public var lost: UInt32
    /// Retransmitted segments not yet acknowledged. (`tcpi_retrans`)
    public var retrans: UInt32
    /// Forward-acknowledged segments (always 0 since Linux 4.15). (`tcpi_fackets`)
    public var fackets: UInt32
    /// Milliseconds since data was last sent. (`tcpi_last_data_sent`)
    public var lastDataSent: UInt32
    /// Milliseconds since an ACK was last sent (not maintained by Linux: 0). (`tcpi_last_ack_sent`)
    public var lastAckSent: UInt32
    /// Milliseconds since data was last received. (`tcpi_last_data_recv`)
    public var lastDataReceived: UInt32
    /// Milliseconds since an ACK was last received. (`tcpi_last_ack_recv`)
    public var lastAckReceived: UInt32
    /// Path MTU, bytes. (`tcpi_pmtu`)
    public var pmtu: UInt32
    /// Current window clamp for receiving, bytes. (`tcpi_rcv_ssthresh`)
    public var receiveSlowStartThreshold: UInt32
    /// Smoothed round-trip time in microseconds. (`tcpi_rtt`)
    public var rtt: UInt32
    /// Round-trip time variation (mean deviation) in microseconds. (`tcpi_rttvar`)
    public var rttVariance: UInt32
    /// Slow-start threshold, segments (0x7fffffff, or 0xffff and above in ss's view, means none yet). (`tcpi_snd_ssthresh`)
    public var sendSlowStartThreshold: UInt32
    /// Congestion window, segments. (`tcpi_snd_cwnd`)
    public var sendCongestionWindow: UInt32
    /// Maximum segment size advertised to the peer, bytes. (`tcpi_advmss`)
    public var advertisedMSS: UInt32
    /// Reordering metric: how many segments may arrive out of order (3 by default). (`tcpi_reordering`)
    public var reordering: UInt32
    /// Receiver-side RTT estimate in microseconds. (`tcpi_rcv_rtt`)
    public var receiveRTT: UInt32
    /// Receive buffer space the autotuning measures, bytes. (`tcpi_rcv_space`)
    public var receiveSpace: UInt32
    /// Segments retransmitted over the connection's life. (`tcpi_total_retrans`)
    public var totalRetrans: UInt32
    /// Current pacing rate, bytes per second (`UInt64.max`: unlimited). Linux 3.15+. (`tcpi_pacing_rate`)
    public var pacingRate: UInt64?
    /// `SO_MAX_PACING_RATE`, bytes per second (`UInt64.max`: unlimited). Linux 3.15+. (`tcpi_max_pacing_rate`)
    public var maxPacingRate: UInt64?
    /// Bytes acknowledged by the peer (RFC 4898 tcpEStatsAppHCThruOctetsAcked). Linux 4.1+. (`tcpi_bytes_acked`)
    public var bytesAcked: UInt64?
    /// Bytes received in order (RFC 4898 tcpEStatsAppHCThruOctetsReceived). Linux 4.1+. (`tcpi_bytes_received`)
    public var bytesReceived: UInt64?
    /// Segments sent (RFC 4898 tcpEStatsPerfSegsOut). Linux 4.2+. (`tcpi_segs_out`)
    public var segmentsOut: UInt32?
    /// Segments received (RFC 4898 tcpEStatsPerfSegsIn). Linux 4.2+. (`tcpi_segs_in`)
    public var segmentsIn: UInt32?
    /// Bytes in the send queue not yet sent. Linux 4.6+. (`tcpi_notsent_bytes`)
    public var notSentBytes: UInt32?
    /// Minimum RTT seen, microseconds (`UInt32.max`: none yet). Linux 4.6+. (`tcpi_min_rtt`)
    public var minRTT: UInt32?
    /// Segments received that carried data. Linux 4.6+. (`tcpi_data_segs_in`)
    public var dataSegmentsIn: UInt32?
    /// Segments sent that carried data. Linux 4.6+. (`tcpi_data_segs_out`)
    public var dataSegmentsOut: UInt32?
    /// Most recent delivery rate sample, bytes per second. Linux 4.9+. (`tcpi_delivery_rate`)
    public var deliveryRate: UInt64?
    /// Microseconds spent with data in flight. Linux 4.10+. (`tcpi_busy_time`)
    public var busyTime: UInt64?
    /// Microseconds limited by the peer's receive window. Linux 4.10+. (`tcpi_rwnd_limited`)
    public var receiveWindowLimited: UInt64?
    /// Microseconds limited by the send buffer. Linux 4.10+. (`tcpi_sndbuf_limited`)
    public var sendBufferLimited: UInt64?
    /// Segments delivered, including retransmissions. Linux 4.18+. (`tcpi_delivered`)
    public var delivered: UInt32?
    /// Segments delivered with an ECN CE echo. Linux 4.18+. (`tcpi_delivered_ce`)
    public var deliveredCE: UInt32?
    /// Bytes sent, including retransmissions (RFC 4898 tcpEStatsPerfHCDataOctetsOut). Linux 4.19+. (`tcpi_bytes_sent`)
    public var bytesSent: UInt64?
    /// Bytes retransmitted (RFC 4898 tcpEStatsPerfOctetsRetrans). Linux 4.19+. (`tcpi_bytes_retrans`)
    public var bytesRetransmitted: UInt64?
    /// Duplicate segments reported by D-SACK (RFC 4898 tcpEStatsStackDSACKDups). Linux 4.19+. (`tcpi_dsack_dups`)
    public var dsackDuplicates: UInt32?
    /// Reordering events seen. Linux 4.19+. (`tcpi_reord_seen`)
    public var reorderingSeen: UInt32?
    /// Out-of-order packets received. Linux 5.4+. (`tcpi_rcv_ooopack`)
    public var receiveOutOfOrderPackets: UInt32?
    /// The peer's advertised receive window after scaling, bytes. Linux 5.4+. (`tcpi_snd_wnd`)
    public var sendWindow: UInt32?
    /// The local advertised receive window after scaling, bytes. Linux 6.2+. (`tcpi_rcv_wnd`)
    public var receiveWindow: UInt32?
    /// Rehash attempts triggered by PLB or timeouts. Linux 6.2+. (`tcpi_rehash`)
    public var rehash: UInt32?
    /// Retransmission timeouts, including SYN/SYN-ACK and recurring ones. Linux 6.7+. (`tcpi_total_rto`)
    public var totalRTO: UInt16?
    /// RTO recoveries, including an unfinished one. Linux 6.7+. (`tcpi_total_rto_recoveries`)
    public var totalRTORecoveries: UInt16?
    /// Milliseconds spent in RTO recoveries, including an unfinished one. Linux 6.7+. (`tcpi_total_rto_time`)
    public var totalRTOTime: UInt32?
    /// CE-marked segments received (Accurate ECN). Linux 6.18+. (`tcpi_received_ce`)
    public var receivedCE: UInt32?
    /// Accurate ECN: bytes delivered with ECT(1). Linux 6.18+. (`tcpi_delivered_e1_bytes`)
    public var deliveredE1Bytes: UInt32?
    /// Accurate ECN: bytes delivered with ECT(0). Linux 6.18+. (`tcpi_delivered_e0_bytes`)
    public var deliveredE0Bytes: UInt32?
    /// Accurate ECN: bytes delivered with CE. Linux 6.18+. (`tcpi_delivered_ce_bytes`)
    public var deliveredCEBytes: UInt32?
    /// Accurate ECN: bytes received with ECT(1). Linux 6.18+. (`tcpi_received_e1_bytes`)
    public var receivedE1Bytes: UInt32?
    /// Accurate ECN: bytes received with ECT(0). Linux 6.18+. (`tcpi_received_e0_bytes`)
    public var receivedE0Bytes: UInt32?
    /// Accurate ECN: bytes received with CE. Linux 6.18+. (`tcpi_received_ce_bytes`)
    public var receivedCEBytes: UInt32?
    /// `TCPI_OPT_*` options negotiated (`tcpi_options`).
    public var options: Options
    /// Window scale shift for sending (`tcpi_snd_wscale`, valid with ``Options/windowScale``).
    public var sendWindowScale: UInt8
    /// Window scale shift for receiving (`tcpi_rcv_wscale`, valid with ``Options/windowScale``).
    public var receiveWindowScale: UInt8
    /// Whether the last delivery rate sample was limited by the application (`tcpi_delivery_rate_app_limited`).
    public var deliveryRateAppLimited: Bool
    /// Why the last TCP Fast Open attempt as a client failed (`tcpi_fastopen_client_fail`, 0: no failure).
    public var fastOpenClientFail: UInt8
    /// Accurate ECN mode (`tcpi_ecn_mode`). Linux 6.18+.
    public var ecnMode: UInt8?
    /// Accurate ECN option seen (`tcpi_accecn_opt_seen`). Linux 6.18+.
    public var accECNOptionSeen: UInt8?
    /// Accurate ECN failure mode (`tcpi_accecn_fail_mode`). Linux 6.18+.
    public var accECNFailMode: UInt8?
    /// Further option bits (`tcpi_options2`, 24 bits). Linux 6.18+.
    public var options2: UInt32?

    /// Decodes `struct tcp_info` from the bytes a kernel sent (an `INET_DIAG_INFO` payload or what
    /// `getsockopt(TCP_INFO)` wrote), by length.
    /// - Parameter bytes: At least ``minimumSize`` bytes, in host byte order.
    /// - Returns: `nil` when `bytes` is shorter than ``minimumSize``.
    public init?(bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= Self.minimumSize else { return nil }
        let count = bytes.count
        length = count
        @inline(__always) func u8(_ offset: Int) -> UInt8 { bytes[offset] }
        @inline(__always) func u16(_ offset: Int) -> UInt16? {
            count >= offset + 2 ? bytes.loadUnaligned(fromByteOffset: offset, as: UInt16.self) : nil
        }
        @inline(__always) func u32(_ offset: Int) -> UInt32 {
            bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        }
        @inline(__always) func u32(ifPresent offset: Int) -> UInt32? { count >= offset + 4 ? u32(offset) : nil }
        @inline(__always) func u64(_ offset: Int) -> UInt64? {
            count >= offset + 8 ? bytes.loadUnaligned(fromByteOffset: offset, as: UInt64.self) : nil
        }

        state = u8(0)
        caState = u8(1)
        retransmits = u8(2)
        probes = u8(3)
        backoff = u8(4)
        rto = u32(8)
        ato = u32(12)
        sendMSS = u32(16)
        receiveMSS = u32(20)
        unacked = u32(24)
        sacked = u32(28)
        lost = u32(32)
        retrans = u32(36)
        fackets = u32(40)
        lastDataSent = u32(44)
        lastAckSent = u32(48)
        lastDataReceived = u32(52)
        lastAckReceived = u32(56)
        pmtu = u32(60)
        receiveSlowStartThreshold = u32(64)
        rtt = u32(68)
        rttVariance = u32(72)
        sendSlowStartThreshold = u32(76)
        sendCongestionWindow = u32(80)
        advertisedMSS = u32(84)
        reordering = u32(88)
        receiveRTT = u32(92)
        receiveSpace = u32(96)
        totalRetrans = u32(100)
        pacingRate = u64(104)
        maxPacingRate = u64(112)
        bytesAcked = u64(120)
        bytesReceived = u64(128)
        segmentsOut = u32(ifPresent: 136)
        segmentsIn = u32(ifPresent: 140)
        notSentBytes = u32(ifPresent: 144)
        minRTT = u32(ifPresent: 148)
        dataSegmentsIn = u32(ifPresent: 152)
        dataSegmentsOut = u32(ifPresent: 156)
        deliveryRate = u64(160)
        busyTime = u64(168)
        receiveWindowLimited = u64(176)
        sendBufferLimited = u64(184)
        delivered = u32(ifPresent: 192)
        deliveredCE = u32(ifPresent: 196)
        bytesSent = u64(200)
        bytesRetransmitted = u64(208)
        dsackDuplicates = u32(ifPresent: 216)
        reorderingSeen = u32(ifPresent: 220)
        receiveOutOfOrderPackets = u32(ifPresent: 224)
        sendWindow = u32(ifPresent: 228)
        receiveWindow = u32(ifPresent: 232)
        rehash = u32(ifPresent: 236)
        totalRTO = u16(240)
        totalRTORecoveries = u16(242)
        totalRTOTime = u32(ifPresent: 244)
        receivedCE = u32(ifPresent: 248)
        deliveredE1Bytes = u32(ifPresent: 252)
        deliveredE0Bytes = u32(ifPresent: 256)
        deliveredCEBytes = u32(ifPresent: 260)
        receivedE1Bytes = u32(ifPresent: 264)
        receivedE0Bytes = u32(ifPresent: 268)
        receivedCEBytes = u32(ifPresent: 272)
        options = Options(rawValue: bytes[5])
        sendWindowScale = bytes[6] & 0xF
        receiveWindowScale = bytes[6] >> 4
        deliveryRateAppLimited = bytes[7] & 1 != 0
        fastOpenClientFail = (bytes[7] >> 1) & 3
        let ecn = u32(ifPresent: 276)
        ecnMode = ecn.map { UInt8(truncatingIfNeeded: $0 & 3) }
        accECNOptionSeen = ecn.map { UInt8(truncatingIfNeeded: ($0 >> 2) & 3) }
        accECNFailMode = ecn.map { UInt8(truncatingIfNeeded: ($0 >> 4) & 0xF) }
        options2 = ecn.map { $0 >> 8 }
    }
}
