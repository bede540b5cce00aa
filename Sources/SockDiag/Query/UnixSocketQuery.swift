/// Which UNIX sockets to dump: types and states.
public struct UnixSocketQuery: Hashable, Sendable {
    /// The types to keep; empty for every type. The kernel cannot filter by type, so this is checked in Swift.
    public var types: [UnixSocketType]
    /// The states to dump (sent to the kernel as `udiag_states`); UNIX sockets are `listen`, `established`,
    /// `closed` and, while connecting, `synSent`.
    public var states: StateSet

    /// Creates a query.
    /// - Parameters:
    ///   - types: The types to keep; empty (the default) for all.
    ///   - states: The states, by default what ss shows without `-a` (``StateSet/ssDefault``).
    public init(types: [UnixSocketType] = [], states: StateSet = .ssDefault) {
        self.types = types
        self.states = states
    }

    /// The state mask to send, without the bound-inactive bit (TCP only).
    var kernelStates: UInt32 {
        states.intersection(.all).rawValue
    }

    /// Whether `socket` has one of the wanted types.
    @inline(__always)
    func matchesType(_ socket: UnixSocket) -> Bool {
        types.isEmpty || types.contains(socket.type)
    }
}
