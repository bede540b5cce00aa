/// Applies a ``UnixSocketQuery``'s Swift-side checks (states, types, names) to the sockets of one UNIX dump.
///
/// Without a `dst` pattern each socket is passed on as it arrives. With one, a socket's peer is named only by its
/// inode, so the dump is kept until its end: the names of every bound socket (of any state or type) are collected
/// and the kept sockets are matched once all are known.
struct UnixSelection {
    let query: UnixSocketQuery
    private let states: StateSet
    private let holds: Bool
    private var held: [UnixSocket] = []
    private var names: [UInt32: [UInt8]] = [:]

    init(_ query: UnixSocketQuery) {
        self.query = query
        states = StateSet(rawValue: query.kernelStates)
        holds = query.filter.usesPeer
    }

    /// The states to ask the kernel for: every state when peers' names are needed (a peer may be in a state the
    /// query does not list).
    var kernelStates: UInt32 {
        holds && query.kernelStates != 0 ? StateSet.all.rawValue : query.kernelStates
    }

    /// Passes `socket` to `body` when the query keeps it, or holds it until ``finish(_:)``.
    /// - Returns: Whether `body` was called.
    mutating func take(_ socket: UnixSocket, _ body: (UnixSocket) throws -> Void) rethrows -> Bool {
        let kept = states.contains(socket.state) && query.matchesType(socket)
        if holds {
            if !socket.name.isEmpty { names[socket.inode] = socket.name }
            if kept { held.append(socket) }
            return false
        }
        guard kept, query.filter.matches(name: socket.name) else { return false }
        try body(socket)
        return true
    }

    /// Passes the held sockets that match, with their peers' names, to `body`.
    /// - Returns: How many were passed.
    mutating func finish(_ body: (UnixSocket) throws -> Void) rethrows -> Int {
        var passed = 0
        for socket in held where query.filter.matches(name: socket.name, peerName: names[socket.peerInode] ?? []) {
            try body(socket)
            passed += 1
        }
        held = []
        names = [:]
        return passed
    }
}
