import SockDiag

extension BindCheckResult {
    /// The verdict as one sentence, e.g. `in use for a plain bind() (EADDRINUSE), free with SO_REUSEADDR, and frees
    /// by itself in 42 s`.
    public var verdictSentence: String {
        let timeWait = causes.first { $0.kind == .timeWait }?.expiresInMilliseconds
        switch verdict {
        case .free: return "free: a plain bind() works"
        case .freeWithReuseAddress:
            let frees = timeWait.map { ", and frees by itself in \(($0 + 999) / 1000) s" } ?? ""
            return "in use for a plain bind() (EADDRINUSE), free with SO_REUSEADDR\(frees)"
        case .freeWithReusePort:
            return "in use (EADDRINUSE), free only with SO_REUSEPORT (a group of your user holds it)"
        case .inUse: return "in use: bind() fails with EADDRINUSE, with SO_REUSEADDR and with SO_REUSEPORT too"
        case .needsPrivilege:
            return "needs privilege: port \(target.port) is below \(unprivilegedPortStart) (EACCES), not in use"
        case .addressNotAvailable: return "address not available here (EADDRNOTAVAIL)"
        case .error: return "the test bind failed: \(proof.plain)"
        }
    }

    /// What to do about it, cause by cause, for a person: `remedies`, one sentence each.
    /// - Parameter owner: Describes the owner of a socket inode, e.g. `nginx (pid 1234)`, when known.
    public func remedies(owner: (UInt64) -> String? = { _ in nil }) -> [String] {
        remedies.map { $0.sentence(owner: owner) }
    }

    /// Where proof and evidence disagree, for a person: `caveats`, one sentence each.
    public var notes: [String] {
        caveats.map(\.sentence)
    }
}

extension BindCause {
    /// The cause as a heading with the number of sockets, e.g. `a listener on the port (1)`.
    public var title: String {
        let count = sockets.count
        switch kind {
        case .listener: return "a listener on the port (\(count))"
        case .dualStackListener:
            return "a dual-stack listener: the IPv6 wildcard without IPV6_V6ONLY also holds IPv4 (\(count))"
        case .reusePortGroup: return "a SO_REUSEPORT group of another user (\(count) listeners)"
        case .boundInactive: return "bound but not listening: invisible to netstat and ss 6.1 (\(count))"
        case .timeWait:
            let seconds = ((expiresInMilliseconds ?? 0) + 999) / 1000
            return "TIME_WAIT sockets left by connections closed here first (\(count); the last expires in "
                + "\(seconds) s)"
        case .connection: return "connections using the port as their local port (\(count))"
        case .ephemeralPort: return "outgoing connections that got the port as their ephemeral port (\(count))"
        case .udpSocket: return "UDP sockets bound to the port (\(count))"
        }
    }
}

extension BindCaveat {
    /// The caveat as one sentence.
    public var sentence: String {
        switch self {
        case .holderNotVisible:
            return "bind() fails with EADDRINUSE, but the dump shows no socket of this protocol on the port: the "
                + "holder is not visible through sock_diag here"
        case .holdersDoNotConflict:
            return "sockets hold this port, yet a plain bind succeeded: they do not conflict (bound to a device, or a "
                + "SO_REUSEPORT group of your user)"
        }
    }
}
