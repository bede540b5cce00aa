/// What `free` decides on: the sockets that keep a bind to the target from working, the processes that hold them,
/// and who asks.
public struct FreeEvidence: Hashable, Sendable {
    /// The address and port to free.
    public var target: BindTarget
    /// The sockets on the port that conflict with a bind to the target (``BindCheckResult/causes``).
    public var sockets: [Socket]
    /// The processes that hold each socket, by inode (``SocketOwnerScan/owners``).
    public var owners: [UInt64: [SocketOwner]]
    /// What `/proc` says about each owner, by pid; an owner that exited meanwhile has no entry.
    public var processes: [Int32: ProcessFacts]
    /// Whether the owner scan read every process (``SocketOwnerScanReport/isComplete``).
    public var ownerScanComplete: Bool
    /// Who asks.
    public var caller: FreeCaller
    /// Whether the bind already works as asked: then there is nothing to free.
    public var alreadyBindable: Bool

    /// Creates evidence.
    public init(
        target: BindTarget,
        sockets: [Socket],
        owners: [UInt64: [SocketOwner]] = [:],
        processes: [Int32: ProcessFacts] = [:],
        ownerScanComplete: Bool = true,
        caller: FreeCaller,
        alreadyBindable: Bool = false
    ) {
        self.target = target
        self.sockets = sockets
        self.owners = owners
        self.processes = processes
        self.ownerScanComplete = ownerScanComplete
        self.caller = caller
        self.alreadyBindable = alreadyBindable
    }

    /// The distinct pids holding `socket`, in pid order.
    func holders(of socket: Socket) -> [Int32] {
        guard socket.inode != 0, let list = owners[socket.inode] else { return [] }
        var pids: [Int32] = []
        for owner in list where !pids.contains(owner.pid) { pids.append(owner.pid) }
        return pids.sorted()
    }
}
