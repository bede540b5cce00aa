/// What `free` will do to make a bind to the target work: the sockets to close with `SOCK_DESTROY`, the processes
/// to send SIGTERM, and the processes it leaves alone, with the reason. A pure function of ``FreeEvidence``.
public struct FreePlan: Hashable, Sendable {
    /// A process to signal and the sockets on the port it holds.
    public struct Signal: Hashable, Sendable {
        /// The process, with its start time (a pid that names another process by then is not signalled).
        public var process: ProcessFacts
        /// The sockets on the port it holds.
        public var sockets: [Socket]

        /// Creates a planned signal.
        public init(process: ProcessFacts, sockets: [Socket]) {
            self.process = process
            self.sockets = sockets
        }
    }

    /// The address and port to free.
    public var target: BindTarget
    /// Whether the bind already works as asked: the plan is then empty.
    public var alreadyBindable: Bool
    /// Sockets no process holds (TIME_WAIT, orphaned FIN-WAIT and other closed sockets, inode 0): closed with
    /// `SOCK_DESTROY`.
    public var destroy: [Socket]
    /// Every process that holds a socket on the port and may be signalled (all workers of a pre-forked server), in
    /// pid order: SIGTERM.
    public var signal: [Signal]
    /// What is left alone, and why.
    public var refusals: [FreeRefusal]

    /// Creates a plan as given.
    public init(
        target: BindTarget,
        alreadyBindable: Bool = false,
        destroy: [Socket] = [],
        signal: [Signal] = [],
        refusals: [FreeRefusal] = []
    ) {
        self.target = target
        self.alreadyBindable = alreadyBindable
        self.destroy = destroy
        self.signal = signal
        self.refusals = refusals
    }

    /// Whether the plan does nothing (no socket to close, no process to signal).
    public var isEmpty: Bool { destroy.isEmpty && signal.isEmpty }

    /// The refusals that concern any of `sockets` (by cookie): empty when the plan closes each of them or signals
    /// every process holding it.
    public func refusals(concerning sockets: [Socket]) -> [FreeRefusal] {
        let cookies = Set(sockets.map(\.cookie))
        return refusals.filter { $0.sockets.contains { cookies.contains($0.cookie) } }
    }

    /// Whether carrying out the plan closes or signals the holders of every one of `sockets` (by cookie), with no
    /// refusal among them.
    public func handles(_ sockets: [Socket]) -> Bool {
        let planned = Set(destroy.map(\.cookie) + signal.flatMap { $0.sockets.map(\.cookie) })
        return !sockets.isEmpty && sockets.allSatisfy { planned.contains($0.cookie) }
            && refusals(concerning: sockets).isEmpty
    }

    /// Decides: sockets without an inode are destroyed (refused without `CAP_NET_ADMIN`); every process holding a
    /// socket is signalled unless a rule forbids it (PID 1, the caller and its ancestors, `docker-proxy`, a process of another container, another
    /// user's process the caller may not signal), and a process all of whose sockets a refused process also holds
    /// is left alone too (signalling it would not free the port). Nothing is planned when the bind already works.
    /// - Parameter evidence: The sockets, their owners and the caller.
    public init(deciding evidence: FreeEvidence) {
        self.init(target: evidence.target, alreadyBindable: evidence.alreadyBindable)
        guard !evidence.alreadyBindable else { return }
        var socketsByPID: [Int32: [Socket]] = [:]
        var unowned: [Socket] = []
        var undestroyable: [Socket] = []
        for socket in evidence.sockets {
            if socket.inode == 0 {
                if evidence.caller.canDestroySockets { destroy.append(socket) } else { undestroyable.append(socket) }
                continue
            }
            let pids = evidence.holders(of: socket).filter { evidence.processes[$0] != nil }
            if pids.isEmpty { unowned.append(socket) }
            for pid in pids { socketsByPID[pid, default: []].append(socket) }
        }
        var refused: Set<Int32> = []
        var candidates: [Int32] = []
        for pid in socketsByPID.keys.sorted() {
            let process = evidence.processes[pid]!
            if let reason = Self.refusal(of: process, evidence: evidence) {
                refusals.append(FreeRefusal(process: process, reason: reason, sockets: socketsByPID[pid]!))
                refused.insert(pid)
            } else {
                candidates.append(pid)
            }
        }
        for pid in candidates {
            let process = evidence.processes[pid]!
            let sockets = socketsByPID[pid]!
            let sharers = sockets.map { evidence.holders(of: $0).first(where: refused.contains) }
            if let first = sharers.first, let sharer = first, sharers.allSatisfy({ $0 != nil }) {
                refusals.append(FreeRefusal(process: process, reason: .sharesSocket(with: sharer), sockets: sockets))
            } else {
                signal.append(Signal(process: process, sockets: sockets))
            }
        }
        refusals += Self.unownedRefusals(unowned, evidence: evidence)
        if !undestroyable.isEmpty {
            refusals.append(FreeRefusal(process: nil, reason: .needsNetAdmin, sockets: undestroyable))
        }
    }

    /// The refusals for sockets with an inode whose holder was not found: when the scan could not read every process
    /// and the caller may not signal the socket's user, the user is named (``FreeRefusal/Reason/otherUser(uid:)``,
    /// one refusal per uid); the rest, ``FreeRefusal/Reason/ownerNotFound(scanComplete:)``.
    static func unownedRefusals(_ unowned: [Socket], evidence: FreeEvidence) -> [FreeRefusal] {
        var notFound: [Socket] = []
        var byUser: [UInt32: [Socket]] = [:]
        for socket in unowned {
            if !evidence.ownerScanComplete && !evidence.caller.maySignal(uid: socket.uid) {
                byUser[socket.uid, default: []].append(socket)
            } else {
                notFound.append(socket)
            }
        }
        var refusals = byUser.keys.sorted().map { uid in
            FreeRefusal(process: nil, reason: .otherUser(uid: uid), sockets: byUser[uid]!)
        }
        if !notFound.isEmpty {
            let reason = FreeRefusal.Reason.ownerNotFound(scanComplete: evidence.ownerScanComplete)
            refusals.append(FreeRefusal(process: nil, reason: reason, sockets: notFound))
        }
        return refusals
    }

    /// Why `process` must not be signalled, or `nil` when it may be.
    static func refusal(of process: ProcessFacts, evidence: FreeEvidence) -> FreeRefusal.Reason? {
        let caller = evidence.caller
        if process.pid == 1 { return .initProcess(unit: socketUnit(for: process, evidence: evidence)) }
        if process.pid == caller.pid || caller.ancestors.contains(process.pid) { return .ancestor }
        if process.command == "docker-proxy" { return .dockerProxy(container: dockerProxyContainer(process.arguments)) }
        if let container = ContainerReference.find(in: process.cgroups),
            container != ContainerReference.find(in: caller.cgroups)
        {
            return .container(container)
        }
        if !caller.maySignal(process) { return .otherUser(uid: process.realUID) }
        return nil
    }

    /// The socket unit behind PID 1's sockets on the port: another holder's service (`NAME.service` or
    /// `NAME@INSTANCE.service` in its cgroup) gives `NAME.socket`.
    static func socketUnit(for process: ProcessFacts, evidence: FreeEvidence) -> String? {
        let held = evidence.sockets.filter { evidence.holders(of: $0).contains(process.pid) }
        for socket in held {
            for pid in evidence.holders(of: socket) where pid != process.pid {
                for path in evidence.processes[pid]?.cgroups ?? [] {
                    guard let last = path.split(separator: "/").last, last.hasSuffix(".service") else { continue }
                    let service = last.dropLast(".service".count)
                    let name = service.split(separator: "@", maxSplits: 1).first ?? service
                    if !name.isEmpty { return name + ".socket" }
                }
            }
        }
        return nil
    }

    /// `IP:PORT` of `docker-proxy -container-ip IP -container-port PORT`, or the IP alone, or `nil`.
    static func dockerProxyContainer(_ arguments: [String]) -> String? {
        func value(_ name: String) -> String? {
            for (index, argument) in arguments.enumerated() {
                if argument == name || argument == "-" + name, index + 1 < arguments.count {
                    return arguments[index + 1]
                }
                for prefix in [name + "=", "-" + name + "="] where argument.hasPrefix(prefix) {
                    return String(argument.dropFirst(prefix.count))
                }
            }
            return nil
        }
        guard let address = value("-container-ip") else { return nil }
        guard let port = value("-container-port") else { return address }
        return address.contains(":") ? "[\(address)]:\(port)" : "\(address):\(port)"
    }
}
