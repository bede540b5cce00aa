// The decoders of the congestion control attributes, beside the netlink code that hands them their bytes (see
// SocketMemory+InetDiag.swift).

extension CongestionControlInfo {
    /// Decodes an `INET_DIAG_VEGASINFO` payload: `struct tcpvegas_info` (four u32).
    /// - Parameter bytes: The attribute's payload, in host byte order.
    /// - Returns: `nil` when it is shorter than 16 bytes.
    @inline(__always)
    init?(vegasInfo bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 16 else { return nil }
        self = .vegas(enabled: bytes.word(0), rttCount: bytes.word(1), rtt: bytes.word(2), minRTT: bytes.word(3))
    }

    /// Decodes an `INET_DIAG_DCTCPINFO` payload: `struct tcp_dctcp_info` (two u16, three u32).
    /// - Parameter bytes: The attribute's payload, in host byte order.
    /// - Returns: `nil` when it is shorter than 16 bytes.
    @inline(__always)
    init?(dctcpInfo bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 16 else { return nil }
        self = .dctcp(
            enabled: bytes.loadUnaligned(fromByteOffset: 0, as: UInt16.self),
            ceState: bytes.loadUnaligned(fromByteOffset: 2, as: UInt16.self),
            alpha: bytes.word(1),
            ackedBytesECN: bytes.word(2),
            ackedBytesTotal: bytes.word(3)
        )
    }

    /// Decodes an `INET_DIAG_BBRINFO` payload: `struct tcp_bbr_info` (bandwidth as two u32 halves, low first; then
    /// min RTT, pacing gain, cwnd gain).
    /// - Parameter bytes: The attribute's payload, in host byte order.
    /// - Returns: `nil` when it is shorter than 20 bytes.
    @inline(__always)
    init?(bbrInfo bytes: UnsafeRawBufferPointer) {
        guard bytes.count >= 20 else { return nil }
        self = .bbr(
            bandwidth: UInt64(bytes.word(1)) << 32 | UInt64(bytes.word(0)),
            minRTT: bytes.word(2),
            pacingGain: bytes.word(3),
            congestionWindowGain: bytes.word(4)
        )
    }
}
