#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A filter on UNIX socket names, as ss's `src`/`dst` take them for UNIX sockets: `fnmatch(3)` globs matched
/// case-insensitively (`FNM_CASEFOLD`, no `FNM_PATHNAME`: `*` matches `/` too) against the name as ss prints it.
///
/// The name a pattern sees is the path, or `@` and the abstract name with every NUL byte as `@`
/// (`@/tmp/.X11-unix/X0`), or the empty string for an unbound socket. `src` looks at the socket's own name, `dst`
/// at its peer's (ss 6.1 matches `dst` against an empty string when it reads unix_diag; sockdiag finds the peer's
/// name in the same dump). Parse one with ``UnixFilterParser``.
public indirect enum UnixPathFilter: Hashable, Sendable {
    /// Matches every socket.
    case all
    /// Matches when the inner filter does not.
    case not(UnixPathFilter)
    /// Matches when both do.
    case and(UnixPathFilter, UnixPathFilter)
    /// Matches when either does.
    case or(UnixPathFilter, UnixPathFilter)
    /// `src GLOB` (``FilterSide/local``) or `dst GLOB` (``FilterSide/peer``).
    case name(FilterSide, pattern: String)

    /// Whether some `dst` pattern needs the peer's name.
    public var usesPeer: Bool {
        switch self {
        case .all: return false
        case .not(let inner): return inner.usesPeer
        case .and(let lhs, let rhs), .or(let lhs, let rhs): return lhs.usesPeer || rhs.usesPeer
        case .name(let side, _): return side == .peer
        }
    }

    /// Whether a socket named `name` whose peer is named `peerName` matches (names as the kernel reports them:
    /// ``UnixSocket/name``; empty when unbound or unknown).
    public func matches(name: [UInt8], peerName: [UInt8] = []) -> Bool {
        switch self {
        case .all: return true
        case .not(let inner): return !inner.matches(name: name, peerName: peerName)
        case .and(let lhs, let rhs):
            return lhs.matches(name: name, peerName: peerName) && rhs.matches(name: name, peerName: peerName)
        case .or(let lhs, let rhs):
            return lhs.matches(name: name, peerName: peerName) || rhs.matches(name: name, peerName: peerName)
        case .name(let side, let pattern):
            return Self.glob(pattern, matches: side == .local ? name : peerName)
        }
    }

    /// `FNM_CASEFOLD` (a GNU extension, not always imported).
    static let caseFold: Int32 = 1 << 4

    /// Whether `pattern` matches `name` as ss prints it (abstract NULs as `@`), on the stack: a name holds at most
    /// 108 bytes (`sun_path`), a longer one is truncated to 255.
    static func glob(_ pattern: String, matches name: [UInt8]) -> Bool {
        withUnsafeTemporaryAllocation(of: CChar.self, capacity: 256) { text in
            let count = min(name.count, 255)
            let abstract = name.first == 0
            for index in 0..<count {
                let byte = name[index]
                text[index] = CChar(bitPattern: byte == 0 && abstract ? UInt8(ascii: "@") : byte)
            }
            text[count] = 0
            return fnmatch(pattern, text.baseAddress!, caseFold) == 0
        }
    }
}
