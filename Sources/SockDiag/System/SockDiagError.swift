/// An error from the socket inspector: what failed, the underlying error number, and a sentence for a person.
///
/// Two errors are equal when their ``code`` and ``errno`` are: the operation and the message are words for a person,
/// not part of the error's identity.
public struct SockDiagError: Error, Sendable, Hashable, CustomStringConvertible {
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

    /// Whether both errors have the same code and error number.
    public static func == (lhs: SockDiagError, rhs: SockDiagError) -> Bool {
        lhs.code == rhs.code && lhs.errno == rhs.errno
    }

    /// Hashes the code and the error number.
    public func hash(into hasher: inout Hasher) {
        hasher.combine(code)
        hasher.combine(errno)
    }
}

// MARK: - Codes

extension SockDiagError {
    /// The kind of failure: one of the static members below, the whole list.
    public struct Code: Hashable, Sendable, CustomStringConvertible {
        private enum Storage: String, Hashable, Sendable {
            case socketUnavailable = "socket-unavailable"
            case permissionDenied = "permission-denied"
            case moduleNotLoaded = "module-not-loaded"
            case requestRejected = "request-rejected"
            case ioFailed = "io-failed"
            case dumpInterrupted = "dump-interrupted"
            case malformedMessage = "malformed-message"
            case procUnavailable = "proc-unavailable"
            case unsupportedFilter = "unsupported-filter"
            case namespaceNotFound = "namespace-not-found"
            case namespaceVanished = "namespace-vanished"
        }

        private let storage: Storage

        private init(_ storage: Storage) {
            self.storage = storage
        }

        /// A stable identifier of the failure kind, e.g. `module-not-loaded`.
        public var description: String { storage.rawValue }

        /// The identifier.
        @available(*, deprecated, renamed: "description")
        public var rawValue: String { description }
    }
}

extension SockDiagError.Code {
    /// The NETLINK_SOCK_DIAG socket could not be created or bound.
    public static var socketUnavailable: Self { .init(.socketUnavailable) }
    /// The kernel refused for lack of privilege (`EPERM`, `EACCES`).
    public static var permissionDenied: Self { .init(.permissionDenied) }
    /// The kernel has no sock_diag handler for the family or protocol (module not loaded).
    public static var moduleNotLoaded: Self { .init(.moduleNotLoaded) }
    /// The kernel rejected the request (e.g. `EINVAL` for a filter it cannot audit).
    public static var requestRejected: Self { .init(.requestRejected) }
    /// Sending the request or receiving the reply failed.
    public static var ioFailed: Self { .init(.ioFailed) }
    /// The kernel flagged the dump as interrupted (`NLM_F_DUMP_INTR`) on every attempt.
    public static var dumpInterrupted: Self { .init(.dumpInterrupted) }
    /// A reply was truncated or malformed.
    public static var malformedMessage: Self { .init(.malformedMessage) }

    /// A `/proc/net` socket table could not be opened: `/proc` is not mounted under the given root, the
    /// namespace's process is gone, or the family is disabled (no `tcp6` without IPv6).
    public static var procUnavailable: Self { .init(.procUnavailable) }
    /// The filter uses a predicate the `/proc` tables hold no data for: `dev`, `fwmark`, `cgroup`, `autobound`.
    public static var unsupportedFilter: Self { .init(.unsupportedFilter) }

    /// No network namespace has the name or path asked for (`ENOENT`; see `ip netns list`).
    public static var namespaceNotFound: Self { .init(.namespaceNotFound) }
    /// A network namespace can no longer be reached by its path: the process that showed it exited, its name was
    /// deleted (`ip netns del`), or the path now names another namespace.
    public static var namespaceVanished: Self { .init(.namespaceVanished) }
}

// MARK: - Classification

extension SockDiagError {
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
