#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One execution of a ``FreePlan``: what was destroyed and signalled so far.
struct FreeRun {
    let inspector: SocketInspector
    let plan: FreePlan
    let options: FreeOptions
    var destroyed: [FreeOutcome.Destroyed] = []
    var signals: [FreeOutcome.SignalSent] = []
    var waitedMilliseconds = 0
    var timedOut = false
    /// Sockets already tried, by cookie: each is destroyed at most once.
    private var tried: Set<UInt64> = []

    /// Whether sockets that appear while waiting may be closed: not when the plan refused to close any for want of
    /// `CAP_NET_ADMIN`.
    private let destroysNewSockets: Bool

    init(inspector: SocketInspector, plan: FreePlan, options: FreeOptions) {
        self.inspector = inspector
        self.plan = plan
        self.options = options
        destroysNewSockets = !plan.refusals.contains { $0.reason == .needsNetAdmin }
        // What the plan leaves alone is never closed, not even when it shows up again while waiting.
        tried = Set(plan.refusals.flatMap { $0.sockets.map(\.cookie) })
    }

    /// The inodes of the planned processes' sockets on the port.
    var plannedInodes: Set<UInt64> { Set(plan.signal.flatMap { $0.sockets.map(\.inode) }) }

    /// Destroys, signals, waits, and with `force` kills and waits a little more.
    mutating func execute() throws {
        try destroy(plan.destroy)
        for entry in plan.signal {
            signals.append(.init(process: entry.process, signal: SIGTERM, result: entry.process.send(SIGTERM)))
        }
        let start = Self.now()
        timedOut = try !waitForRelease(until: start + options.timeout)
        if timedOut && options.force {
            let terminated = signals.filter { $0.result == .sent }.map(\.process)
            for process in terminated where process.isRunning(procRoot: options.procRoot) {
                signals.append(.init(process: process, signal: SIGKILL, result: process.send(SIGKILL)))
            }
            // A killed process's descriptors close as it exits: a moment, not another timeout.
            timedOut = try !waitForRelease(until: Self.now() + 1)
        }
        waitedMilliseconds = Int(((Self.now() - start) * 1000).rounded())
    }

    /// Looks at the port every poll interval until no planned process's socket is left on it, destroying sockets
    /// without a process that appear; returns whether that happened before `deadline`.
    private mutating func waitForRelease(until deadline: Double) throws -> Bool {
        let planned = plannedInodes
        while true {
            let sockets = try inspector.conflictingSockets(plan.target)
            if destroysNewSockets { try destroy(sockets.filter { $0.inode == 0 && !tried.contains($0.cookie) }) }
            if !sockets.contains(where: { planned.contains($0.inode) }) { return true }
            if Self.now() >= deadline { return false }
            usleep(UInt32(max(0.001, options.pollInterval) * 1_000_000))
        }
    }

    /// Closes `sockets` with `SOCK_DESTROY`, each once.
    private mutating func destroy(_ sockets: [Socket]) throws(SockDiagError) {
        for socket in sockets where !tried.contains(socket.cookie) {
            tried.insert(socket.cookie)
            destroyed.append(.init(socket: socket, outcome: try inspector.destroy(socket)))
        }
    }

    /// Seconds on the monotonic clock.
    static func now() -> Double {
        var time = timespec()
        clock_gettime(CLOCK_MONOTONIC, &time)
        return Double(time.tv_sec) + Double(time.tv_nsec) / 1e9
    }
}
