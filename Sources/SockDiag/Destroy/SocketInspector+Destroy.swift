extension SocketInspector {
    /// Destroys one socket (`SOCK_DESTROY`), found by its addresses, ports, interface and cookie as a dump
    /// reported it, and returns the kernel's answer.
    ///
    /// Needs CAP_NET_ADMIN in the inspector's network namespace and a kernel built with `CONFIG_INET_DIAG_DESTROY`.
    /// TCP sockets in every state can be destroyed (TIME_WAIT and request sockets since Linux 6.4 or so; earlier
    /// kernels answer ``DestroyOutcome/notSupported`` for them), and UDP and raw sockets (aborted, see
    /// ``DestroyOutcome``). A socket that was replaced by another with the same addresses is left alone
    /// (``DestroyOutcome/alreadyGone``): the cookie must match. Thread-safe: serialized with the inspector's dumps.
    /// - Parameter socket: A socket from a dump by this inspector (or one in the same network namespace).
    /// - Returns: What the kernel answered.
    /// - Throws: ``SockDiagError`` only when the netlink exchange itself failed.
    public func destroy(_ socket: Socket) throws(SockDiagError) -> DestroyOutcome {
        do {
            return DestroyOutcome(answer: try destroyRequest(socket))
        } catch let error as SockDiagError {
            throw error
        } catch {
            preconditionFailure("only SockDiagError can escape: \(error)")
        }
    }

    /// Destroys every socket that matches `query` (its states, ports and filter, evaluated as a dump evaluates
    /// them) and returns each one with the kernel's answer, in dump order.
    ///
    /// The sockets are dumped first, then destroyed one by one with their cookies, so a socket that appeared after
    /// the dump is never touched and one that closed in between is reported as ``DestroyOutcome/alreadyGone``.
    /// Thread-safe: the dump and each request are serialized with the inspector's other queries.
    /// - Parameter query: What to destroy.
    /// - Returns: One result per matched socket; empty when nothing matched.
    /// - Throws: ``SockDiagError`` for dump or netlink failures, and with code `permissionDenied` when the kernel
    ///   refuses the first request for want of CAP_NET_ADMIN (nothing was destroyed: the capability holds for the
    ///   whole namespace).
    public func destroy(matching query: SocketQuery) throws(SockDiagError) -> [DestroyResult] {
        let sockets = try sockets(matching: query)
        var results: [DestroyResult] = []
        results.reserveCapacity(sockets.count)
        for socket in sockets {
            let outcome = try destroy(socket)
            if outcome == .notPermitted && results.isEmpty {
                throw Self.destroyNotPermitted
            }
            results.append(DestroyResult(socket: socket, outcome: outcome))
        }
        return results
    }

    /// The error of a destroy the kernel refused for want of privilege.
    static let destroyNotPermitted = SockDiagError(
        code: .permissionDenied,
        errno: .notPermitted,
        operation: "destroy socket",
        message: "closing sockets (SOCK_DESTROY) needs CAP_NET_ADMIN in their network namespace; run as root"
    )
}
