/// A kernel socket state number (include/net/tcp_states.h) with the names the tests expect, written out
/// here rather than taken from the library.
package enum KernelState: UInt8, Hashable, Sendable, Comparable, CaseIterable {
    case established = 1
    case synSent, synRecv, finWait1, finWait2, timeWait, closed, closeWait, lastAck, listen, closing
    case boundInactive = 13

    /// The name sockdiag's JSON and `--state` use.
    package var filterName: String {
        switch self {
        case .established: return "established"
        case .synSent: return "syn-sent"
        case .synRecv: return "syn-recv"
        case .finWait1: return "fin-wait-1"
        case .finWait2: return "fin-wait-2"
        case .timeWait: return "time-wait"
        case .closed: return "closed"
        case .closeWait: return "close-wait"
        case .lastAck: return "last-ack"
        case .listen: return "listening"
        case .closing: return "closing"
        case .boundInactive: return "bound-inactive"
        }
    }

    /// The word ss prints in its State column.
    package var ssWord: String {
        switch self {
        case .established: return "ESTAB"
        case .synSent: return "SYN-SENT"
        case .synRecv: return "SYN-RECV"
        case .finWait1: return "FIN-WAIT-1"
        case .finWait2: return "FIN-WAIT-2"
        case .timeWait: return "TIME-WAIT"
        case .closed, .boundInactive: return "UNCONN"
        case .closeWait: return "CLOSE-WAIT"
        case .lastAck: return "LAST-ACK"
        case .listen: return "LISTEN"
        case .closing: return "CLOSING"
        }
    }

    package static func < (lhs: KernelState, rhs: KernelState) -> Bool { lhs.rawValue < rhs.rawValue }
}
