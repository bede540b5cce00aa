/// A socket state as the kernel numbers it (`include/net/tcp_states.h`): for TCP; with `established` and `closed`
/// only, for UDP and raw sockets (ss's ESTAB and UNCONN); and for UNIX sockets (`listen`, `established`, `closed`).
///
/// Unknown values are kept rather than rejected, so a newer kernel never breaks a dump.
public struct SocketState: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
    /// The kernel's state number.
    public let rawValue: UInt8

    /// Creates a state from the kernel's number.
    public init(rawValue: UInt8) {
        self.rawValue = rawValue
    }

    /// `TCP_ESTABLISHED` (1); also a connected UDP socket.
    public static let established = SocketState(rawValue: 1)
    /// `TCP_SYN_SENT` (2).
    public static let synSent = SocketState(rawValue: 2)
    /// `TCP_SYN_RECV` (3); request sockets are reported in this state.
    public static let synRecv = SocketState(rawValue: 3)
    /// `TCP_FIN_WAIT1` (4).
    public static let finWait1 = SocketState(rawValue: 4)
    /// `TCP_FIN_WAIT2` (5).
    public static let finWait2 = SocketState(rawValue: 5)
    /// `TCP_TIME_WAIT` (6).
    public static let timeWait = SocketState(rawValue: 6)
    /// `TCP_CLOSE` (7); an unconnected UDP socket.
    public static let closed = SocketState(rawValue: 7)
    /// `TCP_CLOSE_WAIT` (8).
    public static let closeWait = SocketState(rawValue: 8)
    /// `TCP_LAST_ACK` (9).
    public static let lastAck = SocketState(rawValue: 9)
    /// `TCP_LISTEN` (10).
    public static let listen = SocketState(rawValue: 10)
    /// `TCP_CLOSING` (11).
    public static let closing = SocketState(rawValue: 11)
    /// `TCP_NEW_SYN_RECV` (12): kernel-internal; the kernel reports request sockets as `synRecv`.
    public static let newSynRecv = SocketState(rawValue: 12)
    /// `TCP_BOUND_INACTIVE` (13): a TCP socket bound to a port but neither listening nor connected.
    /// Only kernels from 6.8 on can report it, and only when asked for explicitly.
    public static let boundInactive = SocketState(rawValue: 13)

    /// The kernel states 1…13, in kernel order.
    public static let allKnown: [SocketState] = (1...13).map { SocketState(rawValue: $0) }

    /// The name used by ss's `state` filter and by sockdiag's JSON: `established`, `time-wait`,
    /// `listening`, `closed`, `bound-inactive` …
    public var name: String {
        (1...13).contains(rawValue) ? nameWord.description : "unknown-\(rawValue)"
    }

    /// The filter name, as ``name``.
    public var description: String { name }

    /// ``name`` as a static string, for the formatters' hot path and the one table of names (unknown states are
    /// `unknown` here, `unknown-N` in ``name``).
    @inlinable
    package var nameWord: StaticString {
        switch rawValue {
        case 1: return "established"
        case 2: return "syn-sent"
        case 3: return "syn-recv"
        case 4: return "fin-wait-1"
        case 5: return "fin-wait-2"
        case 6: return "time-wait"
        case 7: return "closed"
        case 8: return "close-wait"
        case 9: return "last-ack"
        case 10: return "listening"
        case 11: return "closing"
        case 12: return "new-syn-recv"
        case 13: return "bound-inactive"
        default: return "unknown"
        }
    }
}

/// The former name of ``SocketState``, from when only TCP sockets were read.
@available(*, deprecated, renamed: "SocketState")
public typealias TCPState = SocketState
