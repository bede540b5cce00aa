/// What a UNIX dump asks the kernel for beyond name, peer and queues (`UDIAG_SHOW_*` bits); each costs only when
/// asked for.
public struct UnixSocketDetails: OptionSet, Hashable, Sendable {
    /// The bits.
    public let rawValue: UInt8

    /// Creates a set from its bits.
    public init(rawValue: UInt8) { self.rawValue = rawValue }

    /// ``UnixSocket/file`` and ``UnixSocket/pendingPeers`` (`UDIAG_SHOW_VFS | UDIAG_SHOW_ICONS`, ss `-e`).
    public static let file = UnixSocketDetails(rawValue: 1 << 0)
    /// ``UnixSocket/memory`` (`UDIAG_SHOW_MEMINFO`, ss `-m`).
    public static let memory = UnixSocketDetails(rawValue: 1 << 1)
}

/// Which UNIX sockets to dump: types, states and path patterns, and what to ask the kernel for.
public struct UnixSocketQuery: Hashable, Sendable {
    /// The types to keep; empty for every type. The kernel cannot filter by type, so this is checked in Swift.
    public var types: [UnixSocketType]
    /// The states to dump (sent to the kernel as `udiag_states`); UNIX sockets are `listen`, `established`,
    /// `closed` and, while connecting, `synSent`.
    public var states: StateSet
    /// The names to keep (ss's `src`/`dst` globs); ``UnixPathFilter/all`` keeps every socket. The kernel cannot
    /// filter by name, so this is checked in Swift.
    public var filter: UnixPathFilter
    /// What to ask for beyond name, peer and queues.
    public var details: UnixSocketDetails

    /// Creates a query.
    /// - Parameters:
    ///   - types: The types to keep; empty (the default) for all.
    ///   - states: The states, by default what ss shows without `-a` (``StateSet/ssDefault``).
    ///   - filter: The names to keep; every socket by default.
    ///   - details: What to ask for beyond name, peer and queues; nothing more by default.
    public init(
        types: [UnixSocketType] = [],
        states: StateSet = .ssDefault,
        filter: UnixPathFilter = .all,
        details: UnixSocketDetails = []
    ) {
        self.types = types
        self.states = states
        self.filter = filter
        self.details = details
    }

    /// The `udiag_show` bits to send: name, peer and queue lengths always, then what ``details`` asks for.
    var show: UInt32 {
        var show = UnixDiagParser.show
        if details.contains(.file) { show |= UnixDiagParser.showFile | UnixDiagParser.showPendingPeers }
        if details.contains(.memory) { show |= UnixDiagParser.showMemory }
        return show
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
