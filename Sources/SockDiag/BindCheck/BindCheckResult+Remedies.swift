#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension BindCheckResult {
    /// What to do about it, cause by cause, then for the verdict: one fact for each thing a person can do. A remedy
    /// never contradicts ``proof``: `SO_REUSEADDR` is recommended only where a bind with it works.
    public var remedies: [BindRemedy] {
        var remedies: [BindRemedy] = []
        let reuseAddressWorks = proof.reuseAddress.succeeded
        for cause in causes {
            remedies += causeRemedies(cause, reuseAddressWorks: reuseAddressWorks)
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

    /// The remedies for one cause.
    private func causeRemedies(_ cause: BindCause, reuseAddressWorks: Bool) -> [BindRemedy] {
        let uid = geteuid()
        switch cause.kind {
        case .listener:
            let otherUsers = cause.sockets.filter { $0.uid != uid }
            return [.stopListener(holders: cause.sockets)]
                + (otherUsers.isEmpty ? [] : [.joinReusePortGroup(holders: otherUsers)])
        case .dualStackListener:
            return [.restrictDualStackListener(holders: cause.sockets)]
        case .ipv4ListenerAgainstDualStackBind:
            return [.restrictNewSocketToIPv6(holders: cause.sockets)]
        case .reusePortGroup:
            return [.joinReusePortGroup(holders: cause.sockets)]
        case .boundInactive:
            return [.closeBoundInactive(holders: cause.sockets)]
        case .timeWait, .orphanedFinWait:
            let wait = BindRemedy.waitForTimeWait(milliseconds: cause.expiresInMilliseconds ?? 0)
            if reuseAddressWorks { return [.reuseAddressAgainstTimeWait, wait] }
            let onlyMinisockets = causes.allSatisfy { $0.kind == .timeWait || $0.kind == .orphanedFinWait }
            if !onlyMinisockets {
                // Waiting alone does not free a port that live sockets hold too: the minisockets come after them.
                return [.timeWaitBehindLiveSockets(milliseconds: cause.expiresInMilliseconds ?? 0, port: target.port)]
            }
            if proof.reuseAddress == .addressInUse && onlyMinisockets {
                return [.reuseAddressDoesNotHelpAgainstTimeWait, wait, .freePort(target.port)]
            }
            return [wait]
        case .connection:
            return [.closeConnections(holders: cause.sockets, reuseAddressWorks: reuseAddressWorks)]
        case .ephemeralPort:
            var remedies: [BindRemedy] = [.waitForEphemeralConnections(holders: cause.sockets)]
            if ephemeralPorts.contains(target.port) && !Self.reservedPortList(reservedPorts).contains(target.port) {
                let merged = reservedPorts.isEmpty ? "\(target.port)" : "\(reservedPorts),\(target.port)"
                remedies.append(.reservePort(target.port, list: merged))
            }
            return remedies
        case .udpSocket:
            return [.shareUDPPort(holders: cause.sockets)]
        }
    }

    /// The ports of an `ip_local_reserved_ports` value (`8000,9000-9010`).
    static func reservedPortList(_ value: String) -> [ClosedRange<UInt16>] {
        value.split(separator: ",").compactMap { item in
            let bounds = item.split(separator: "-").compactMap { UInt16($0) }
            guard let low = bounds.first, let high = bounds.last, low <= high else { return nil }
            return low...high
        }
    }
}

extension [ClosedRange<UInt16>] {
    /// Whether one of the ranges holds `port`.
    func contains(_ port: UInt16) -> Bool { contains { $0.contains(port) } }
}
