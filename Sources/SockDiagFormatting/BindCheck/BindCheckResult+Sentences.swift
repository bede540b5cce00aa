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
        case .inUse:
            let failing = [BindOption.reuseAddress, .reusePort].filter { proof[$0] != .untested }.map(\.optionName)
            let untested = [BindOption.reuseAddress, .reusePort].filter { proof[$0] == .untested }.map(\.optionName)
            let also = failing.isEmpty ? "" : ", with " + failing.joined(separator: " and with ") + " too"
            let open = untested.isEmpty ? "" : " (" + untested.joined(separator: " and ") + " untested)"
            return "in use: bind() fails with EADDRINUSE\(also)\(open)"
        case .needsPrivilege:
            let use = causes.isEmpty ? "not in use" : "and in use too (causes below)"
            return "needs privilege: port \(target.port) is below \(unprivilegedPortStart) (EACCES), \(use)"
        case .addressNotAvailable: return "address not available here (EADDRNOTAVAIL)"
        case .error: return "the test bind failed: \(proof.plain)"
        }
    }

    /// What to do about it, cause by cause, for a person: `remedies`, one sentence each.
    /// - Parameter owner: Describes the owner of a socket inode, e.g. `nginx (pid 1234)`, when known.
    /// - Parameter free: What `sockdiag free` would do (its plan for this check): each remedy that stops the holders
    ///   says whether `free` does it or, where its plan leaves them alone, why and what to do instead.
    public func remedies(owner: (UInt64) -> String? = { _ in nil }, free: FreeAdvice? = nil) -> [String] {
        remedies.map { $0.sentence(owner: owner, free: free) }
    }

    /// The proof as one line: each bind's outcome, `(inferred)` after those from the dump, e.g. `bind() EADDRINUSE
    /// (inferred); with SO_REUSEADDR ok; with SO_REUSEPORT untested`.
    public var proofSentence: String {
        func outcome(_ option: BindOption) -> String {
            "\(proof[option])" + (proof.inferred.contains(option) ? " (inferred)" : "")
        }
        return "bind() \(outcome(.plain)); with SO_REUSEADDR \(outcome(.reuseAddress)); with SO_REUSEPORT "
            + outcome(.reusePort)
    }

    /// What `(inferred)` and `untested` mean, when the proof has them; `nil` otherwise.
    public var inferenceSentence: String? {
        let untested = BindOption.allCases.contains { proof[$0] == .untested }
        guard !proof.inferred.isEmpty || untested else { return nil }
        let why = target.transport == .udp
            ? "a test bind next to these sockets could take their datagrams while it lived"
            : "next to these sockets a test bind could change the port's kernel state for later binds"
        return why + ", so it was not made: inferred = from the sockets shown; untested = they cannot tell"
    }

    /// The suggested ports as one line, e.g. `8001, 7999, 40001 (in ip_local_port_range 32768-60999)`; `nil` when
    /// there are none.
    public var suggestionSentence: String? {
        guard !suggestions.isEmpty else { return nil }
        let range = "\(ephemeralPorts.lowerBound)-\(ephemeralPorts.upperBound)"
        return suggestions.map { "\($0.port)" + ($0.inEphemeralRange ? " (in ip_local_port_range \(range))" : "") }
            .joined(separator: ", ") + ": a plain bind() works on each now"
    }

    /// Where proof and evidence disagree, for a person: `caveats`, one sentence each.
    public var notes: [String] {
        caveats.map(\.sentence)
    }
}

extension BindOption {
    /// `SO_REUSEADDR`, `SO_REUSEPORT`, `a plain bind()`.
    var optionName: String {
        switch self {
        case .plain: return "a plain bind()"
        case .reuseAddress: return "SO_REUSEADDR"
        case .reusePort: return "SO_REUSEPORT"
        }
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
        case .ipv4ListenerAgainstDualStackBind:
            return "an IPv4 listener: the new socket, bound to [::] without IPV6_V6ONLY, also needs the IPv4 port "
                + "(\(count))"
        case .reusePortGroup: return "a SO_REUSEPORT group of another user (\(count) listeners)"
        case .boundInactive: return "bound but not listening: invisible to netstat and ss 6.1 (\(count))"
        case .timeWait:
            let seconds = ((expiresInMilliseconds ?? 0) + 999) / 1000
            return "TIME_WAIT sockets left by connections closed here first (\(count); the last expires in "
                + "\(seconds) s)"
        case .orphanedFinWait:
            let seconds = ((expiresInMilliseconds ?? 0) + 999) / 1000
            return "orphaned FIN-WAIT-2 sockets: closed here, the peer has not closed yet (\(count); the last expires "
                + "in \(seconds) s)"
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
            return "sockets hold this port, yet a plain bind succeeded: they closed after the dump, or they are bound "
                + "to a VRF device (with net.ipv4.tcp_l3mdev_accept=0 its sockets have a bind table of their own); a "
                + "bind without a device conflicts with any other socket on the address, bound to a device or not"
        }
    }
}
