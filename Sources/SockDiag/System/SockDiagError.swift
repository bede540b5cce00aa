/// An error from the socket inspector: what failed, the underlying error number, and a sentence for a person.
public struct SockDiagError: Error, Sendable, Hashable, CustomStringConvertible {
    /// The kind of failure.
    public struct Code: RawRepresentable, Hashable, Sendable, CustomStringConvertible {
        /// A stable identifier of the failure kind.
        public let rawValue: String

        /// Creates a code from its identifier.
        public init(rawValue: String) {
            self.rawValue = rawValue
        }

        /// The identifier.
        public var description: String { rawValue }

        /// The NETLINK_SOCK_DIAG socket could not be created or bound.
        public static let socketUnavailable = Code(rawValue: "socket-unavailable")
        /// The kernel refused for lack of privilege (`EPERM`, `EACCES`).
        public static let permissionDenied = Code(rawValue: "permission-denied")
        /// The kernel has no sock_diag handler for the family or protocol (module not loaded).
        public static let moduleNotLoaded = Code(rawValue: "module-not-loaded")
        /// The kernel rejected the request (e.g. `EINVAL` for a filter it cannot audit).
        public static let requestRejected = Code(rawValue: "request-rejected")
        /// Sending the request or receiving the reply failed.
        public static let ioFailed = Code(rawValue: "io-failed")
        /// The kernel flagged the dump as interrupted (`NLM_F_DUMP_INTR`) on every attempt.
        public static let dumpInterrupted = Code(rawValue: "dump-interrupted")
        /// A reply was truncated or malformed.
        public static let malformedMessage = Code(rawValue: "malformed-message")
    }

    /// The kind of failure.
    public let code: Code
    /// The error number behind it, when there is one.
    public let errno: Errno?
    /// What was being done, e.g. "receive tcp/inet6 dump".
    public let operation: String
    /// A sentence for a person, saying what failed and what to do.
    public let message: String

    /// Creates an error.
    public init(code: Code, errno: Errno? = nil, operation: String, message: String) {
        self.code = code
        self.errno = errno
        self.operation = operation
        self.message = message
    }

    /// The sentence for a person.
    public var description: String { message }

    /// Classifies an error number from `operation` (an open, send or receive on the sock_diag socket).
    static func fromErrno(_ errno: Errno, operation: String) -> SockDiagError {
        switch errno {
        case .notPermitted, .permissionDenied:
            return SockDiagError(
                code: .permissionDenied,
                errno: errno,
                operation: operation,
                message: "\(operation): \(errno) (this needs more privilege; run as root or with CAP_NET_ADMIN)"
            )
        case .noSuchFileOrDirectory, .protocolNotSupported, .addressFamilyNotSupported:
            return SockDiagError(
                code: .moduleNotLoaded,
                errno: errno,
                operation: operation,
                message:
                    "\(operation): the kernel has no sock_diag handler (\(errno)); load it with `modprobe inet_diag tcp_diag udp_diag`"
            )
        case .invalidArgument:
            return SockDiagError(
                code: .requestRejected,
                errno: errno,
                operation: operation,
                message: "\(operation): the kernel rejected the request (\(errno))"
            )
        case .noSpace:
            return SockDiagError(
                code: .malformedMessage,
                errno: errno,
                operation: operation,
                message: "\(operation): a reply datagram did not fit the receive buffer and was truncated"
            )
        case .badMessage:
            return SockDiagError(
                code: .malformedMessage,
                errno: errno,
                operation: operation,
                message: "\(operation): malformed netlink reply (a message runs past the end of its datagram)"
            )
        default:
            return SockDiagError(code: .ioFailed, errno: errno, operation: operation, message: "\(operation): \(errno)")
        }
    }

    /// A reply whose content does not follow the inet_diag layout.
    static func malformed(_ detail: String) -> SockDiagError {
        SockDiagError(
            code: .malformedMessage,
            errno: nil,
            operation: "parse inet_diag reply",
            message: "malformed inet_diag reply: \(detail)"
        )
    }
}
