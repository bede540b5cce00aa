#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One reason a bind conflicts, with the sockets behind it.
public struct BindCause: Hashable, Sendable {
    /// The kinds of cause.
    public enum Kind: String, Hashable, Sendable, CaseIterable {
        /// A listening socket on the address and port.
        case listener
        /// An IPv6 wildcard listener without `IPV6_V6ONLY`, which also holds the IPv4 port (or, for an IPv6 wildcard
        /// target, an IPv4 listener on the port).
        case dualStackListener = "dual-stack-listener"
        /// Several listeners sharing the port with `SO_REUSEPORT`, of a user other than the caller.
        case reusePortGroup = "reuseport-group"
        /// A socket bound to the port that neither listens nor is connected (kernel 6.8+ shows it; netstat and
        /// ss 6.1 cannot).
        case boundInactive = "bound-inactive"
        /// TIME_WAIT sockets with the port as their local port (left by a previous run that closed first).
        case timeWait = "time-wait"
        /// Connections whose local port is the port (e.g. accepted connections of a previous instance).
        case connection
        /// Outgoing connections that got the port as their ephemeral port.
        case ephemeralPort = "ephemeral-port"
        /// UDP sockets bound to the port.
        case udpSocket = "udp-socket"
    }

    /// What kind of cause.
    public var kind: Kind
    /// The sockets.
    public var sockets: [Socket]

    /// Creates a cause.
    public init(kind: Kind, sockets: [Socket]) {
        self.kind = kind
        self.sockets = sockets
    }

    /// For TIME_WAIT: milliseconds until the last of them expires.
    public var expiresInMilliseconds: UInt32? {
        kind == .timeWait ? sockets.map(\.timer.expiresMilliseconds).max() : nil
    }
}

/// The answer of a bind check.
public enum BindVerdict: String, Hashable, Sendable {
    /// A plain bind succeeds.
    case free
    /// Only a bind with `SO_REUSEADDR` succeeds.
    case freeWithReuseAddress = "free-with-reuseaddr"
    /// Only a bind with `SO_REUSEPORT` succeeds (a group of the caller's user holds the port).
    case freeWithReusePort = "free-with-reuseport"
    /// No bind succeeds: the address and port are in use.
    case inUse = "in-use"
    /// The port is privileged and the caller lacks the privilege (`EACCES`).
    case needsPrivilege = "needs-privilege"
    /// The address is not one of this network namespace's (`EADDRNOTAVAIL`).
    case addressNotAvailable = "address-not-available"
    /// The test bind failed otherwise.
    case error
}

/// Why `bind()` to an address and port fails, with proof (real test binds) and evidence (one netlink dump).
public struct BindCheckResult: Hashable, Sendable {
    /// What was checked.
    public var target: BindTarget
    /// The test binds.
    public var proof: BindProof
    /// The answer, from the test binds.
    public var verdict: BindVerdict
    /// The explanation, from the dump.
    public var causes: [BindCause]
    /// Where proof and evidence disagree, or what else is worth knowing.
    public var notes: [String]
    /// `net.ipv4.ip_local_port_range`.
    public var ephemeralPorts: ClosedRange<UInt16>
    /// `net.ipv4.ip_unprivileged_port_start`.
    public var unprivilegedPortStart: UInt16

    /// Runs the check in the calling thread's network namespace: the test binds, then one dump of every socket on the
    /// port (both families, every state, bound-inactive included) and one more to tell ephemeral ports (`autobound`).
    /// - Parameters:
    ///   - target: The address and port.
    ///   - inspector: An inspector of the same network namespace.
    /// - Throws: ``SockDiagError`` from the dumps.
    init(running target: BindTarget, with inspector: SocketInspector) throws {
        self.target = target
        proof = BindProof.run(target)
        ephemeralPorts = FilterContext.current().ephemeralPorts
        unprivilegedPortStart =
            readSmallFile("/proc/sys/net/ipv4/ip_unprivileged_port_start").flatMap {
                UInt16($0.filter(\.isNumber))
            } ?? 1024
        let states: StateSet = target.transport == .tcp ? StateSet.all.union(.boundInactive) : .all
        let onPort = SocketQuery(protocols: [target.transport], states: states, filter: .port(.local, target.port))
        var sockets: [Socket] = []
        try inspector.forEachSocket(matching: onPort) { socket in
            if Self.overlap(socket, target) != nil { sockets.append(socket) }
        }
        var autobound: Set<UInt64> = []
        if target.transport == .tcp && sockets.contains(where: { $0.state != .listen && $0.state != .timeWait }) {
            var ephemeral = onPort
            ephemeral.filter = .and(onPort.filter, .autobound)
            try inspector.forEachSocket(matching: ephemeral) { autobound.insert($0.cookie) }
        }
        causes = Self.classify(sockets, target: target, autobound: autobound)
        verdict = Self.verdict(proof)
        notes = []
        if verdict == .inUse || verdict == .freeWithReuseAddress || verdict == .freeWithReusePort, causes.isEmpty {
            notes.append(
                "bind() fails with EADDRINUSE, but the dump shows no socket of this protocol on the port: the holder is "
                    + "not visible through sock_diag here"
            )
        }
        if verdict == .free, causes.contains(where: { $0.kind == .listener || $0.kind == .boundInactive }) {
            notes.append(
                "sockets hold this port, yet a plain bind succeeded: they do not conflict (bound to a device, or a "
                    + "SO_REUSEPORT group of your user)"
            )
        }
    }

    /// The verdict from the three test binds.
    static func verdict(_ proof: BindProof) -> BindVerdict {
        switch proof.plain {
        case .bound: return .free
        case .permissionDenied: return .needsPrivilege
        case .addressNotAvailable: return .addressNotAvailable
        case .failed: return .error
        case .addressInUse:
            if proof.reuseAddress.succeeded { return .freeWithReuseAddress }
            if proof.reusePort.succeeded { return .freeWithReusePort }
            return .inUse
        }
    }

    /// Whether `socket` (on the target's port) can conflict with a bind to `target`, and whether only through the
    /// dual-stack rule: `nil` for no, `false` for a direct overlap, `true` for dual-stack.
    ///
    /// Same family: the addresses overlap when either is the wildcard or they are equal. An IPv6 wildcard socket
    /// without `IPV6_V6ONLY` also holds every IPv4 address; an IPv4-mapped IPv6 address is its IPv4 address. A plain
    /// bind to the IPv6 wildcard (no `IPV6_V6ONLY`, the default) also needs every IPv4 address.
    public static func overlap(_ socket: Socket, _ target: BindTarget) -> Bool? {
        guard socket.local.port == target.port, socket.transport == target.transport else { return nil }
        switch (socket.local.address, target.address) {
        case (.v4(let held), .v4(let wanted)):
            return held == .any || wanted == .any || held == wanted ? false : nil
        case (.v6(let held), .v6(let wanted)):
            if held.isAny || wanted.isAny || (held.high == wanted.high && held.low == wanted.low) {
                // Two v6 wildcard binds overlap directly; v6 wildcard with a mapped address only via dual stack.
                if held.isAny && wanted.isIPv4Mapped && socket.v6Only == true { return nil }
                return false
            }
            return nil
        case (.v6(let held), .v4(let wanted)):
            if held.isAny { return socket.v6Only == true ? nil : true }
            if let mapped = held.ipv4Mapped { return mapped == wanted || wanted == .any || mapped == .any ? true : nil }
            return nil
        case (.v4(let held), .v6(let wanted)):
            if wanted.isAny { return true }
            if let mapped = wanted.ipv4Mapped { return mapped == held || held == .any || mapped == .any ? true : nil }
            return nil
        }
    }

    /// Sorts the overlapping sockets into causes.
    static func classify(_ sockets: [Socket], target: BindTarget, autobound: Set<UInt64>) -> [BindCause] {
        var groups: [BindCause.Kind: [Socket]] = [:]
        let listeners = sockets.filter { $0.state == .listen }
        let ourUID = getuid()
        for socket in sockets {
            let kind: BindCause.Kind
            if target.transport == .udp {
                kind = .udpSocket
            } else if socket.state == .listen {
                let sharing = listeners.filter { $0.local == socket.local && $0.family == socket.family }.count > 1
                if sharing && socket.uid != ourUID {
                    kind = .reusePortGroup
                } else if overlap(socket, target) == true {
                    kind = .dualStackListener
                } else {
                    kind = .listener
                }
            } else if socket.state == .boundInactive {
                kind = .boundInactive
            } else if socket.state == .timeWait || socket.timer.kind == .timeWait {
                kind = .timeWait
            } else if autobound.contains(socket.cookie) {
                kind = .ephemeralPort
            } else {
                kind = .connection
            }
            groups[kind, default: []].append(socket)
        }
        return BindCause.Kind.allCases.compactMap { kind in
            groups[kind].map { BindCause(kind: kind, sockets: $0) }
        }
    }

    /// Whether a bind is possible the way it was asked (`plain`, with `SO_REUSEADDR`, or with `SO_REUSEPORT`).
    public func bindable(reuseAddress: Bool = false, reusePort: Bool = false) -> Bool {
        if reusePort { return proof.reusePort.succeeded }
        if reuseAddress { return proof.reuseAddress.succeeded }
        return proof.plain.succeeded
    }

    /// What to do about it, cause by cause, for a person.
    /// - Parameter owner: Describes the owner of a socket inode, e.g. `nginx (pid 1234)`, when known.
    public func remedies(owner: (UInt64) -> String? = { _ in nil }) -> [String] {
        var remedies: [String] = []
        func owners(_ sockets: [Socket]) -> String {
            let names = Set(sockets.compactMap { $0.inode == 0 ? nil : owner($0.inode) }).sorted()
            if !names.isEmpty { return names.joined(separator: ", ") }
            let uids = Set(sockets.map(\.uid)).sorted().map { "uid \($0)" }
            return "the owner (" + uids.joined(separator: ", ") + "; run with -p as root to see the process)"
        }
        for cause in causes {
            switch cause.kind {
            case .listener:
                remedies.append("stop or restart \(owners(cause.sockets)), which listens on the port; SO_REUSEADDR does not help against a live listener")
            case .dualStackListener:
                remedies.append("\(owners(cause.sockets)) listens on the IPv6 wildcard without IPV6_V6ONLY, which also takes the IPv4 port: set IPV6_V6ONLY on that socket, or bind a specific address")
            case .reusePortGroup:
                let uids = Set(cause.sockets.map(\.uid)).sorted().map(String.init).joined(separator: ", ")
                remedies.append("a SO_REUSEPORT group of uid \(uids) holds the port; SO_REUSEPORT joins only groups of the same user: run as that user, or stop \(owners(cause.sockets))")
            case .boundInactive:
                remedies.append("\(owners(cause.sockets)) bound the port without listening or connecting (netstat and ss 6.1 cannot show it): stop it or make it close the socket")
            case .timeWait:
                let seconds = Int(((cause.expiresInMilliseconds ?? 0) + 999) / 1000)
                remedies.append("set SO_REUSEADDR before bind(): it is safe against TIME_WAIT (it does not help against a live listener)")
                remedies.append("or wait \(seconds) s: the last TIME_WAIT socket expires by itself")
            case .connection:
                remedies.append("connections still use the port as their local port (\(owners(cause.sockets))): set SO_REUSEADDR before bind(), or close them")
            case .ephemeralPort:
                remedies.append("outgoing connections of \(owners(cause.sockets)) got this port as their ephemeral port: wait for them to close")
                if ephemeralPorts.contains(target.port) {
                    remedies.append("reserve the port so that it is never handed out again: sysctl -w net.ipv4.ip_local_reserved_ports=\(target.port) (add it to /etc/sysctl.d to keep it)")
                }
            case .udpSocket:
                remedies.append("stop \(owners(cause.sockets)), or let both sockets set SO_REUSEADDR (or SO_REUSEPORT) before bind()")
            }
        }
        if verdict == .needsPrivilege {
            remedies.append("ports below \(unprivilegedPortStart) need privilege: run as root, grant the program CAP_NET_BIND_SERVICE (setcap cap_net_bind_service+ep PROGRAM), or lower net.ipv4.ip_unprivileged_port_start")
        }
        if verdict == .addressNotAvailable {
            remedies.append("bind an address of this host (or namespace), or the wildcard")
        }
        if target.transport == .tcp && causes.isEmpty == false && verdict == .free {
            remedies.append("nothing to do: the bind works as asked")
        }
        return remedies
    }
}
