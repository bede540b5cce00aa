#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What one test `bind()` did.
public enum BindOutcome: Hashable, Sendable, CustomStringConvertible {
    /// The bind succeeded (the socket was closed at once).
    case bound
    /// `EADDRINUSE`.
    case addressInUse
    /// `EACCES`: a privileged port without the privilege.
    case permissionDenied
    /// `EADDRNOTAVAIL`: the address is not one of this namespace's.
    case addressNotAvailable
    /// Another error.
    case failed(Errno)
    /// Not tried, and the sockets on the port cannot tell: the bind could change the port's kernel state for
    /// others (see ``BindProof/deciding(_:onPort:uid:lacksPrivilege:testBind:)``).
    case untested

    /// Whether the bind succeeded.
    public var succeeded: Bool { self == .bound }

    /// `ok`, `EADDRINUSE` …
    public var description: String {
        switch self {
        case .bound: return "ok"
        case .addressInUse: return "EADDRINUSE"
        case .permissionDenied: return "EACCES"
        case .addressNotAvailable: return "EADDRNOTAVAIL"
        case .failed(let errno): return "\(errno)"
        case .untested: return "untested"
        }
    }
}

/// The three ways to bind: plain, with `SO_REUSEADDR`, with `SO_REUSEPORT`.
public enum BindOption: String, Hashable, Sendable, CaseIterable {
    /// Neither option.
    case plain
    /// `SO_REUSEADDR` set before `bind()`.
    case reuseAddress = "reuseaddr"
    /// `SO_REUSEPORT` set before `bind()`.
    case reusePort = "reuseport"

    /// The socket option, `nil` for a plain bind.
    public var socketOption: Int32? {
        switch self {
        case .plain: return nil
        case .reuseAddress: return SO_REUSEADDR
        case .reusePort: return SO_REUSEPORT
        }
    }
}

/// What the three binds (plain, with `SO_REUSEADDR`, with `SO_REUSEPORT`) do: each one tried with a test socket, or
/// inferred from the sockets on the port where a test bind could change the port's kernel state (``inferred``).
public struct BindProof: Hashable, Sendable {
    /// A plain bind.
    public var plain: BindOutcome
    /// With `SO_REUSEADDR` set first.
    public var reuseAddress: BindOutcome
    /// With `SO_REUSEPORT` set first.
    public var reusePort: BindOutcome
    /// The binds whose outcome comes from the dump (the sockets on the port), not from a test bind.
    public var inferred: Set<BindOption>

    /// Creates a proof.
    public init(
        plain: BindOutcome,
        reuseAddress: BindOutcome,
        reusePort: BindOutcome,
        inferred: Set<BindOption> = []
    ) {
        self.plain = plain
        self.reuseAddress = reuseAddress
        self.reusePort = reusePort
        self.inferred = inferred
    }

    /// The outcome of one way to bind.
    public subscript(option: BindOption) -> BindOutcome {
        switch option {
        case .plain: return plain
        case .reuseAddress: return reuseAddress
        case .reusePort: return reusePort
        }
    }

    /// Binds fresh sockets to `target` in the calling thread's network namespace (plainly, with `SO_REUSEADDR`,
    /// with `SO_REUSEPORT`) and closes each at once: it never listens or connects.
    ///
    /// Only for a port no socket of the protocol holds (no socket of either family, in any state, on the port): the
    /// kernel then creates the port's bind bucket for the test socket and destroys it with it, and no datagram is
    /// meant for it. Next to other sockets a successful TCP test bind changes the bucket's state and a UDP one takes
    /// datagrams; ``deciding(_:onPort:uid:lacksPrivilege:testBind:)`` says which binds are made then.
    ///
    /// The corresponding C functions are `socket(2)`, `setsockopt(2)`, `bind(2)` and `close(2)`.
    public static func run(_ target: BindTarget) -> BindProof {
        BindProof(
            plain: bind(target, option: nil),
            reuseAddress: bind(target, option: SO_REUSEADDR),
            reusePort: bind(target, option: SO_REUSEPORT)
        )
    }

    /// Whether the target's address is one of this namespace's: a bind to it with port 0 and
    /// `IP_BIND_ADDRESS_NO_PORT`, which checks the address and takes no port (no bind bucket is touched).
    /// - Returns: `.bound` when it is, `.addressNotAvailable` when not, `.failed` on another error.
    public static func checkAddress(_ target: BindTarget) -> BindOutcome {
        var portless = target
        portless.port = 0
        return bind(portless, option: nil, setFirst: [(Int32(IPPROTO_IP), ipBindAddressNoPort)])
    }

    /// `IP_BIND_ADDRESS_NO_PORT` (`linux/in.h`; Glibc's headers lack it).
    private static let ipBindAddressNoPort: Int32 = 24

    /// One test bind.
    public static func bind(_ target: BindTarget, option: Int32?) -> BindOutcome {
        bind(target, option: option, setFirst: [])
    }

    /// One test bind, with `option` (at `SOL_SOCKET`) and the `setFirst` options set to 1 first.
    private static func bind(_ target: BindTarget, option: Int32?, setFirst: [(Int32, Int32)]) -> BindOutcome {
        let family = target.family == .inet ? AF_INET : AF_INET6
        let kind = target.transport == .tcp ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue
        let type = Int32(kind) | Int32(SOCK_CLOEXEC.rawValue)
        let fd: Int32
        switch valueOrErrno({ socket(family, type, 0) }) {
        case .success(let opened): fd = opened
        case .failure(let error): return .failed(error)
        }
        defer { close(fd) }
        for (level, name) in setFirst + (option.map { [(SOL_SOCKET, $0)] } ?? []) {
            var one: Int32 = 1
            let set = valueOrErrno { setsockopt(fd, level, name, &one, socklen_t(MemoryLayout<Int32>.size)) }
            if case .failure(let error) = set { return .failed(error) }
        }
        switch valueOrErrno({ bind(fd, to: target) }) {
        case .success: return .bound
        case .failure(let error):
            switch error.rawValue {
            case EADDRINUSE: return .addressInUse
            case EACCES, EPERM: return .permissionDenied
            case EADDRNOTAVAIL: return .addressNotAvailable
            default: return .failed(error)
            }
        }
    }

    /// `bind(2)` of `fd` to the target's address and port.
    private static func bind(_ fd: Int32, to target: BindTarget) -> Int32 {
        switch target.address {
        case .v4(let v4):
            var address = sockaddr_in()
            address.sin_family = sa_family_t(AF_INET)
            address.sin_port = target.port.bigEndian
            address.sin_addr.s_addr = v4.rawValue.bigEndian
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in>.size))
                }
            }
        case .v6(let v6):
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_port = target.port.bigEndian
            address.sin6_scope_id = v6.scopeID
            withUnsafeMutableBytes(of: &address.sin6_addr) { bytes in
                withUnsafeBytes(of: v6.high.bigEndian) {
                    bytes.baseAddress!.copyMemory(from: $0.baseAddress!, byteCount: 8)
                }
                withUnsafeBytes(of: v6.low.bigEndian) {
                    (bytes.baseAddress! + 8).copyMemory(from: $0.baseAddress!, byteCount: 8)
                }
            }
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    Glibc.bind(fd, $0, socklen_t(MemoryLayout<sockaddr_in6>.size))
                }
            }
        }
    }
}
