/// What a congestion control module reports about a socket when asked with the `INET_DIAG_VEGASINFO` bit
/// (``SocketExtensions/tcpInfo``): Vegas (`INET_DIAG_VEGASINFO`), DCTCP (`INET_DIAG_DCTCPINFO`) or BBR
/// (`INET_DIAG_BBRINFO`). Other modules (cubic, reno) send nothing.
public enum CongestionControlInfo: Hashable, Sendable {
    /// `struct tcpvegas_info` (include/uapi/linux/inet_diag.h).
    case vegas(enabled: UInt32, rttCount: UInt32, rtt: UInt32, minRTT: UInt32)
    /// `struct tcp_dctcp_info`: `enabled` is 0 in fallback mode.
    case dctcp(enabled: UInt16, ceState: UInt16, alpha: UInt32, ackedBytesECN: UInt32, ackedBytesTotal: UInt32)
    /// `struct tcp_bbr_info`: bottleneck bandwidth in bytes per second, minimum RTT in microseconds, gains scaled by
    /// 256 (`BBR_UNIT`).
    case bbr(bandwidth: UInt64, minRTT: UInt32, pacingGain: UInt32, congestionWindowGain: UInt32)
}
