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

    /// Calls `body` for every vsock socket of the inspector's network namespace in `states` (`vsock_diag`), as the
    /// replies arrive. The closure runs with the inspector's lock held.
    /// - Parameters:
    ///   - states: The states to dump (`vdiag_states`).
    ///   - body: Called once per socket. An error it throws stops the dump and is rethrown.
    /// - Throws: ``SockDiagError`` (`moduleNotLoaded` when the kernel has no vsock_diag), or what `body` throws.
    /// - Returns: What the dump did.
    @discardableResult
    public func forEachVsockSocket(
        states: StateSet,
        _ body: (VsockSocket) throws -> Void
    ) throws -> DumpReport {
        try withState { state in
            try state.dumpFamily(.vsock(states: states)) { payload in
                try body(try VsockXDPDiagParser.parseVsock(payload))
                return true
            }
        }
    }

    /// Calls `body` for every XDP socket of the inspector's network namespace (`xsk_diag`), as the replies arrive.
    /// The closure runs with the inspector's lock held.
    /// - Parameter body: Called once per socket. An error it throws stops the dump and is rethrown.
    /// - Throws: ``SockDiagError`` (`moduleNotLoaded` when the kernel has no xsk_diag), or what `body` throws.
    /// - Returns: What the dump did.
    @discardableResult
    public func forEachXDPSocket(_ body: (XDPSocket) throws -> Void) throws -> DumpReport {
        try withState { state in
            try state.dumpFamily(.xdp) { payload in
                try body(try VsockXDPDiagParser.parseXDP(payload))
                return true
            }
        }
    }
}
