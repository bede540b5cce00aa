#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the kernel answered to a request to destroy one socket (`SOCK_DESTROY`).
///
/// What "destroyed" means depends on the socket (Linux 6.x, `tcp_abort`, `udp_abort`, `raw_abort`):
/// - A TCP connection is aborted as by a reset (a reset is sent to the peer where the state needs one); its owner's
///   next call fails with `ECONNABORTED`. A TCP listener stops listening and drops its accept queue.
/// - A TIME_WAIT socket and a request socket (SYN-RECV) are removed from the kernel's tables at once.
/// - A UDP or raw socket gets the error `ECONNABORTED` and is disconnected, but stays open.
/// - A socket whose owner holds its descriptor stays *bound* when its owner bound it explicitly (every listener, a
///   UDP server): the port is free only for a bind that may share it (both sockets with `SO_REUSEADDR`) until the
///   owner closes the descriptor.
public enum DestroyOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The kernel destroyed (aborted) the socket.
    case destroyed
    /// No socket with these addresses, ports and cookie is left (`ENOENT`): it closed by itself, was destroyed
    /// already, or a TCP socket is closed already (`TCP_CLOSE`: unconnected, bound-inactive).
    case alreadyGone
    /// The caller lacks CAP_NET_ADMIN in the socket's network namespace (`EPERM`, `EACCES`).
    case notPermitted
    /// The kernel cannot destroy sockets of this kind (`EOPNOTSUPP`): it was built without
    /// `CONFIG_INET_DIAG_DESTROY`, or the protocol has no destroy operation.
    case notSupported
    /// Another error number.
    case failed(Errno)

    /// The outcome the kernel's answer stands for: `nil` (an acknowledgment) or its error number.
    init(answer: Errno?) {
        switch answer?.rawValue {
        case nil: self = .destroyed
        case ENOENT: self = .alreadyGone
        case EPERM, EACCES: self = .notPermitted
        case EOPNOTSUPP: self = .notSupported
        case .some: self = .failed(answer!)
        }
    }

    /// A stable word for the outcome: `destroyed`, `already-gone`, `not-permitted`, `not-supported`, or `failed`.
    public var description: String {
        switch self {
        case .destroyed: return "destroyed"
        case .alreadyGone: return "already-gone"
        case .notPermitted: return "not-permitted"
        case .notSupported: return "not-supported"
        case .failed: return "failed"
        }
    }
}

/// One socket a ``SocketInspector/destroy(matching:)`` matched, and what became of it.
public struct DestroyResult: Hashable, Sendable {
    /// The socket as the dump reported it, just before the request to destroy it.
    public var socket: Socket
    /// The kernel's answer.
    public var outcome: DestroyOutcome

    /// Creates a result.
    public init(socket: Socket, outcome: DestroyOutcome) {
        self.socket = socket
        self.outcome = outcome
    }
}
