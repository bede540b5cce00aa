extension SocketInspector {
    /// Opens an inspector that reads the tables of `namespace`, from whichever thread queries it.
    ///
    /// The netlink socket is created inside the namespace by ``NetworkNamespace/run(_:)`` (a thread of its own
    /// that enters the namespace and ends), and a netlink socket stays bound to the namespace it was created in;
    /// the calling thread never changes namespace. An open inspector keeps the namespace alive: close it (drop
    /// it) when done instead of caching one per namespace.
    /// - Parameter namespace: The namespace to read.
    /// - Throws: ``SockDiagError``: `namespaceVanished`, `permissionDenied` (entering another namespace needs
    ///   CAP_SYS_ADMIN), or what ``init()`` throws.
    public convenience init(in namespace: NetworkNamespace) throws(SockDiagError) {
        let handle = try namespace.run { () throws(SockDiagError) -> NetlinkHandle in
            NetlinkHandle(try NetlinkSocket().release())
        }
        self.init(socket: NetlinkSocket(adopting: handle.pointer))
    }
}

/// A netlink socket's handle on its way from the thread that opened it to its owner.
private struct NetlinkHandle: @unchecked Sendable {
    let pointer: OpaquePointer
    init(_ pointer: OpaquePointer) { self.pointer = pointer }
}
