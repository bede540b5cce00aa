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

    /// The evidence of a bind check already made (``SocketInspector/checkBind(to:suggesting:)``) and one scan for
    /// the owners of its causes' sockets: each owner's facts and the caller's are read from `/proc` now. What
    /// `bind-check` hands to ``FreePlan/init(deciding:)`` to say which of its remedies `sockdiag free` carries out.
    /// - Parameters:
    ///   - check: The check.
    ///   - scan: The owners of the sockets in `check`'s causes.
    ///   - options: The bind that must work, and `/proc`.
    public init(check: BindCheckResult, scan: SocketOwnerScan, options: FreeOptions = FreeOptions()) {
        var processes: [Int32: ProcessFacts] = [:]
        for owner in scan.owners.values.joined() where processes[owner.pid] == nil {
            processes[owner.pid] = ProcessFacts.read(pid: owner.pid, procRoot: options.procRoot)
        }
        self.init(
            target: check.target,
            sockets: check.causes.flatMap(\.sockets),
            owners: scan.owners,
            processes: processes,
            ownerScanComplete: scan.report.isComplete,
            caller: FreeCaller.current(procRoot: options.procRoot),
            alreadyBindable: check.bindable(reuseAddress: options.reuseAddress, reusePort: options.reusePort)
        )
    }

    /// The distinct pids holding `socket`, in pid order.
    func holders(of socket: Socket) -> [Int32] {
        guard socket.inode != 0, let list = owners[socket.inode] else { return [] }
        var pids: [Int32] = []
        for owner in list where !pids.contains(owner.pid) { pids.append(owner.pid) }
        return pids.sorted()
    }
}
