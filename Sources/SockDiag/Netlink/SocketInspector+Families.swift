/// Netlink, packet, vsock and XDP sockets: the families sock_diag serves beside the internet and UNIX ones.
extension SocketInspector {
    /// Calls `body` for every netlink socket of the inspector's network namespace (`NETLINK_DIAG`), as the replies
    /// arrive. The closure runs with the inspector's lock held: it must not query the same inspector.
    /// - Parameter body: Called once per socket. An error it throws stops the dump and is rethrown.
    /// - Throws: ``SockDiagError`` for kernel or netlink failures (`moduleNotLoaded` without netlink_diag), or
    ///   what `body` throws.
    /// - Returns: What the dump did.
    @discardableResult
    public func forEachNetlinkSocket(_ body: (NetlinkSocketEntry) throws -> Void) throws -> DumpReport {
        try withState { state in try state.dumpNetlink(body) }
    }

    /// Calls `body` for every packet socket of the inspector's network namespace (`PACKET_DIAG`) of one of
    /// `types`, as the replies arrive. The closure runs with the inspector's lock held.
    /// - Parameters:
    ///   - types: The types to keep; empty (the default) for both.
    ///   - body: Called once per socket. An error it throws stops the dump and is rethrown.
    /// - Throws: ``SockDiagError`` for kernel or netlink failures (`moduleNotLoaded` without packet_diag), or what
    ///   `body` throws.
    /// - Returns: What the dump did.
    @discardableResult
    public func forEachPacketSocket(
        types: [PacketSocketType] = [],
        _ body: (PacketSocket) throws -> Void
    ) throws -> DumpReport {
        try withState { state in try state.dumpPacket(types: types, body) }
    }

    /// Returns every netlink socket. Retries like ``sockets(matching:)``.
    /// - Throws: ``SockDiagError``.
    public func netlinkSockets() throws(SockDiagError) -> [NetlinkSocketEntry] {
        try collectRetryingInterrupted { body in try forEachNetlinkSocket(body) }
    }

    /// Returns every packet socket of `types` (both when empty). Retries like ``sockets(matching:)``.
    /// - Throws: ``SockDiagError``.
    public func packetSockets(types: [PacketSocketType] = []) throws(SockDiagError) -> [PacketSocket] {
        try collectRetryingInterrupted { body in try forEachPacketSocket(types: types, body) }
    }

    /// Counts the sockets of a family sockdiag does not decode, by sending its dump request: the kernel's answer
    /// says whether it serves the family at all.
    /// - Parameter family: The family.
    /// - Returns: The number of sockets the kernel reported.
    /// - Throws: ``SockDiagError`` with code `moduleNotLoaded` when the kernel has no handler for the family
    ///   (`ENOENT`), or another kernel or netlink failure.
    public func countSockets(of family: UndecodedFamily) throws(SockDiagError) -> Int {
        let request: FamilyDumpRequest
        switch family {
        case .vsock(let states): request = .vsock(states: states)
        case .xdp: request = .xdp
        }
        do {
            return try withState { state in try state.dumpFamily(request) { _ in true } }.sockets
        } catch let error as SockDiagError {
            throw error
        } catch {
            preconditionFailure("only SockDiagError can escape: \(error)")
        }
    }
}

/// A socket family sock_diag may serve whose replies sockdiag does not decode: it can only say how many there are.
public enum UndecodedFamily: Sendable, Hashable {
    /// `AF_VSOCK` (vsock_diag), the sockets in these states.
    case vsock(StateSet)
    /// `AF_XDP` (xsk_diag).
    case xdp
}
