#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

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
    /// Where proof and evidence disagree.
    public var caveats: [BindCaveat]
    /// `net.ipv4.ip_local_port_range`.
    public var ephemeralPorts: ClosedRange<UInt16>
    /// `net.ipv4.ip_unprivileged_port_start`.
    public var unprivilegedPortStart: UInt16

    /// `net.ipv4.ip_local_reserved_ports` as the kernel prints it (`8000,9000-9010`), empty when none.
    public var reservedPorts: String
    /// Ports near the target that a plain bind takes now, outside `ip_local_port_range` first (see
    /// ``SocketInspector/checkBind(to:suggesting:)``); empty unless asked for and the port is busy.
    public var suggestions: [PortSuggestion] = []

    /// Runs the check in the calling thread's network namespace: one dump of every socket on the port (both
    /// families, every state, bound-inactive included), the test binds that are safe next to them (see
    /// ``BindProof/deciding(_:onPort:uid:lacksPrivilege:testBind:)``), and one more dump to tell ephemeral ports
    /// (`autobound`).
    /// - Parameters:
    ///   - target: The address and port.
    ///   - inspector: An inspector of the same network namespace.
    /// - Throws: ``SockDiagError`` from the dumps.
    init(running target: BindTarget, with inspector: SocketInspector) throws {
        self.target = target
        ephemeralPorts = FilterContext.current().ephemeralPorts
        unprivilegedPortStart = Self.unprivilegedPortStart()
        reservedPorts = readSmallFile("/proc/sys/net/ipv4/ip_local_reserved_ports").map {
            $0.filter { !$0.isWhitespace }
        } ?? ""
        let onPort = try Self.sockets(onPort: target.port, transport: target.transport, with: inspector)
        let sockets = onPort.filter { Self.overlap($0, target) != nil }
        if onPort.isEmpty {
            proof = BindProof.run(target)
        } else {
            let lacksPrivilege = target.port < unprivilegedPortStart && !Self.hasBindServiceCapability()
            proof = BindProof.deciding(target, onPort: onPort, uid: geteuid(), lacksPrivilege: lacksPrivilege) {
                $0.map { BindProof.bind(target, option: $0.socketOption) } ?? BindProof.checkAddress(target)
            }
        }
        var autobound: Set<UInt64> = []
        if target.transport == .tcp && sockets.contains(where: { $0.state != .listen && $0.state != .timeWait }) {
            var ephemeral = SocketQuery(protocols: [.tcp], states: .all, filter: .port(.local, target.port))
            ephemeral.filter = .and(ephemeral.filter, .autobound)
            try inspector.forEachSocket(matching: ephemeral) { autobound.insert($0.cookie) }
        }
        causes = Self.classify(sockets, target: target, autobound: autobound, uid: geteuid())
        verdict = Self.verdict(proof)
        caveats = []
        if verdict == .inUse || verdict == .freeWithReuseAddress || verdict == .freeWithReusePort, causes.isEmpty {
            caveats.append(.holderNotVisible)
        }
        if verdict == .free, causes.contains(where: { $0.kind == .listener || $0.kind == .boundInactive }) {
            caveats.append(.holdersDoNotConflict)
        }
    }

    /// Every socket of `transport` with local port `port`: both families, every state (bound-inactive for TCP).
    static func sockets(onPort port: UInt16, transport: TransportProtocol, with inspector: SocketInspector) throws
        -> [Socket]
    {
        let states: StateSet = transport == .tcp ? StateSet.all.union(.boundInactive) : .all
        let query = SocketQuery(protocols: [transport], states: states, filter: .port(.local, port))
        var sockets: [Socket] = []
        try inspector.forEachSocket(matching: query) { sockets.append($0) }
        return sockets
    }

    /// `net.ipv4.ip_unprivileged_port_start` of the calling thread's namespace (1024 when unreadable).
    static func unprivilegedPortStart() -> UInt16 {
        readSmallFile("/proc/sys/net/ipv4/ip_unprivileged_port_start").flatMap { UInt16($0.filter(\.isNumber)) }
            ?? 1024
    }

    /// Whether the calling thread has `CAP_NET_BIND_SERVICE` in its effective set (`CapEff` of
    /// `/proc/thread-self/status`, bit 10).
    static func hasBindServiceCapability() -> Bool {
        guard let status = readSmallFile("/proc/thread-self/status", limit: 8192),
            let line = status.split(separator: "\n").first(where: { $0.hasPrefix("CapEff:") }),
            let mask = UInt64(line.dropFirst("CapEff:".count).trimmingPrefix(while: \.isWhitespace), radix: 16)
        else { return false }
        return mask & (1 << 10) != 0
    }

    /// The verdict from the three test binds.
    static func verdict(_ proof: BindProof) -> BindVerdict {
        switch proof.plain {
        case .bound: return .free
        case .permissionDenied: return .needsPrivilege
        case .addressNotAvailable: return .addressNotAvailable
        case .failed, .untested: return .error
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

    /// Sorts the overlapping sockets into causes; `uid` is the caller's effective uid.
    static func classify(_ sockets: [Socket], target: BindTarget, autobound: Set<UInt64>, uid: UInt32)
        -> [BindCause]
    {
        var groups: [BindCause.Kind: [Socket]] = [:]
        let listeners = sockets.filter { $0.state == .listen }
        for socket in sockets {
            let kind: BindCause.Kind
            if target.transport == .udp {
                kind = .udpSocket
            } else if socket.state == .listen {
                let sharing = listeners.filter { $0.local == socket.local && $0.family == socket.family }.count > 1
                if sharing && socket.uid != uid {
                    kind = .reusePortGroup
                } else if overlap(socket, target) == true {
                    // Through dual stack: an IPv6 socket that also holds IPv4, or the new IPv6 socket that needs it.
                    kind = socket.family == .inet6 ? .dualStackListener : .ipv4ListenerAgainstDualStackBind
                } else {
                    kind = .listener
                }
            } else if socket.state == .boundInactive {
                kind = .boundInactive
            } else if socket.state == .timeWait {
                kind = .timeWait
            } else if socket.timer.kind == .timeWait {
                kind = .orphanedFinWait  // a TIME_WAIT minisocket in FIN-WAIT-2: closed here, no FIN from the peer
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
}
