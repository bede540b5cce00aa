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
        }
    }
}

/// The three test binds: plain, with `SO_REUSEADDR`, with `SO_REUSEPORT`.
public struct BindProof: Hashable, Sendable {
    /// A plain bind.
    public var plain: BindOutcome
    /// With `SO_REUSEADDR` set first.
    public var reuseAddress: BindOutcome
    /// With `SO_REUSEPORT` set first.
    public var reusePort: BindOutcome

    /// Creates a proof.
    public init(plain: BindOutcome, reuseAddress: BindOutcome, reusePort: BindOutcome) {
        self.plain = plain
        self.reuseAddress = reuseAddress
        self.reusePort = reusePort
    }

    /// Binds fresh sockets to `target` in the calling thread's network namespace (plainly, with `SO_REUSEADDR`,
    /// with `SO_REUSEPORT`) and closes each at once: it never listens or connects, and leaves nothing behind.
    ///
    /// The corresponding C functions are `socket(2)`, `setsockopt(2)`, `bind(2)` and `close(2)`.
    public static func run(_ target: BindTarget) -> BindProof {
        BindProof(
            plain: bind(target, option: nil),
            reuseAddress: bind(target, option: SO_REUSEADDR),
            reusePort: bind(target, option: SO_REUSEPORT)
        )
    }

    /// One test bind.
    public static func bind(_ target: BindTarget, option: Int32?) -> BindOutcome {
        let family = target.family == .inet ? AF_INET : AF_INET6
        let kind = target.transport == .tcp ? SOCK_STREAM.rawValue : SOCK_DGRAM.rawValue
        let type = Int32(kind) | Int32(SOCK_CLOEXEC.rawValue)
        let fd: Int32
        switch valueOrErrno({ socket(family, type, 0) }) {
        case .success(let opened): fd = opened
        case .failure(let error): return .failed(error)
        }
        defer { close(fd) }
        if let option {
            var one: Int32 = 1
            let set = valueOrErrno { setsockopt(fd, SOL_SOCKET, option, &one, socklen_t(MemoryLayout<Int32>.size)) }
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
