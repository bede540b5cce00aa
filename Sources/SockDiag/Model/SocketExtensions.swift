/// Extra information to ask the kernel for with each socket (`idiag_ext` of the dump request).
///
/// Each option is a set of `1 << (INET_DIAG_* - 1)` bits, exactly what ss sets for the same flag. Asking for
/// nothing (the default) sends 0, which is the cheapest dump: every extension makes the kernel fill and send
/// more bytes per socket.
public struct SocketExtensions: OptionSet, Hashable, Sendable {
    /// The `idiag_ext` bits.
    public let rawValue: UInt8

    /// Creates a set from `idiag_ext` bits.
    /// - Parameter rawValue: Bits `1 << (INET_DIAG_* - 1)` for the attributes 1 to 8.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// Memory use, as `ss -m` asks: `INET_DIAG_MEMINFO` and `INET_DIAG_SKMEMINFO`, decoded into
    /// ``Socket/memory``.
    public static let memory = SocketExtensions(rawValue: 1 << 0 | 1 << 6)

    /// TCP internals, as `ss -i` asks: `INET_DIAG_INFO` (`struct tcp_info`), `INET_DIAG_VEGASINFO` (which the
    /// Vegas, DCTCP and BBR modules answer with their own state) and `INET_DIAG_CONG` (the congestion control
    /// algorithm), decoded into ``Socket/tcpInfo``, ``Socket/congestionControlInfo`` and ``Socket/congestion``.
    /// The kernel sends nothing for UDP sockets and TCP minisockets (TIME_WAIT, SYN-RECV).
    public static let tcpInfo = SocketExtensions(rawValue: 1 << 1 | 1 << 2 | 1 << 3)

    /// The type of service, as `ss --tos` asks: `INET_DIAG_TOS` and `INET_DIAG_TCLASS` (with which the kernel also
    /// sends `INET_DIAG_CLASS_ID`), decoded into ``Socket/typeOfService``.
    public static let typeOfService = SocketExtensions(rawValue: 1 << 4 | 1 << 5)
}
