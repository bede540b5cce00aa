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
        caveats = []
        if verdict == .inUse || verdict == .freeWithReuseAddress || verdict == .freeWithReusePort, causes.isEmpty {
            caveats.append(.holderNotVisible)
        }
        if verdict == .free, causes.contains(where: { $0.kind == .listener || $0.kind == .boundInactive }) {
            caveats.append(.holdersDoNotConflict)
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

    /// What to do about it, cause by cause, then for the verdict: one fact for each thing a person can do.
    public var remedies: [BindRemedy] {
        var remedies: [BindRemedy] = []
        for cause in causes {
            switch cause.kind {
            case .listener:
                remedies.append(.stopListener(holders: cause.sockets))
            case .dualStackListener:
                remedies.append(.restrictDualStackListener(holders: cause.sockets))
            case .reusePortGroup:
                remedies.append(.joinReusePortGroup(holders: cause.sockets))
            case .boundInactive:
                remedies.append(.closeBoundInactive(holders: cause.sockets))
            case .timeWait:
                remedies.append(.reuseAddressAgainstTimeWait)
                remedies.append(.waitForTimeWait(milliseconds: cause.expiresInMilliseconds ?? 0))
            case .connection:
                remedies.append(.closeConnections(holders: cause.sockets))
            case .ephemeralPort:
                remedies.append(.waitForEphemeralConnections(holders: cause.sockets))
                if ephemeralPorts.contains(target.port) { remedies.append(.reservePort(target.port)) }
            case .udpSocket:
                remedies.append(.shareUDPPort(holders: cause.sockets))
            }
        }
        if verdict == .needsPrivilege {
            remedies.append(.gainPrivilege(unprivilegedPortStart: unprivilegedPortStart))
        }
        if verdict == .addressNotAvailable {
            remedies.append(.bindLocalAddress)
        }
        if target.transport == .tcp && causes.isEmpty == false && verdict == .free {
            remedies.append(.nothingToDo)
        }
        return remedies
    }
}
