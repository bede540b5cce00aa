import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// How long a client may stay quiet or take over a request, and how many clients are served at once
/// (`--idle-timeout`, `--header-timeout`, `--max-connections`).
struct ConnectionLimits: Sendable {
    /// `--idle-timeout`: seconds a connection may wait without a request under way (before its first request,
    /// between requests, or while the client does not take its answer).
    static let idleTimeouts = 1...3600
    /// `--header-timeout`: seconds from a request's first byte to its end.
    static let headerTimeouts = 1...300
    /// `--max-connections`: making room at the cap scans the connections, so the cap stays in the thousands.
    static let connectionCounts = 1...16384
    /// Descriptors kept for everything that is not a client connection: standard streams, the event loop's, the
    /// listener, the netlink sockets, namespace files and netlink sockets of an `--all-netns` sweep, and the one
    /// accepted before another is closed to make room.
    static let reservedDescriptors = 32

    var idleTimeout: TimeAmount
    var headerTimeout: TimeAmount
    var maxConnections: Int

    /// The limits with ``maxConnections`` fitted to the descriptor limit (`RLIMIT_NOFILE`).
    ///
    /// A cap above what the limit allows would let accept() fail (EMFILE) before the cap is reached, when no
    /// connection can be closed to make room; so the soft limit is raised toward the hard one when the cap needs
    /// it, and when even the hard limit is too low the cap is lowered, with a line on stderr.
    func fittedToDescriptorLimit() -> ConnectionLimits {
        var limit = rlimit()
        guard getrlimit(descriptorResource, &limit) == 0 else { return self }
        let needed = rlim_t(maxConnections + Self.reservedDescriptors)
        if limit.rlim_cur < needed {
            var raised = limit
            raised.rlim_cur = min(limit.rlim_max, needed)
            if setrlimit(descriptorResource, &raised) == 0 { limit = raised }
        }
        guard limit.rlim_cur < needed else { return self }
        var fitted = self
        fitted.maxConnections = max(1, Int(limit.rlim_cur) - Self.reservedDescriptors)
        log(
            "--max-connections \(maxConnections) lowered to \(fitted.maxConnections): the descriptor limit (ulimit -n) "
                + "is \(limit.rlim_cur), and \(Self.reservedDescriptors) are kept for the exporter's own use"
        )
        return fitted
    }
}

#if canImport(Glibc)
private let descriptorResource = __rlimit_resource_t(RLIMIT_NOFILE.rawValue)
#else
private let descriptorResource = RLIMIT_NOFILE
#endif
