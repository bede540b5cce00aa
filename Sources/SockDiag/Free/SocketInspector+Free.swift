#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension SocketInspector {
    /// Gathers what ``FreePlan/init(deciding:)`` needs: bind-check's test binds and the sockets that conflict with a
    /// bind to `target`, one scan of `/proc` for their owners, each owner's facts, and the caller's.
    ///
    /// Like ``checkBind(to:)``, call it on a thread in the inspector's network namespace.
    /// - Parameters:
    ///   - target: The address and port to free.
    ///   - options: The bind that must work (``FreeOptions/reuseAddress``, ``FreeOptions/reusePort``) and `/proc`.
    /// - Returns: The evidence.
    /// - Throws: ``SockDiagError`` from the dumps or when `/proc` cannot be read.
    public func freeEvidence(for target: BindTarget, options: FreeOptions = FreeOptions()) throws -> FreeEvidence {
        let (check, scan) = try proveBind(target, procRoot: options.procRoot)
        return FreeEvidence(check: check, scan: scan, options: options)
    }

    /// Carries out `plan`: closes its sockets with `SOCK_DESTROY`, sends SIGTERM to each of its processes (if its
    /// pid still names it), waits up to ``FreeOptions/timeout`` for their sockets on the port to close (closing
    /// sockets without a process that appear meanwhile, such as TIME_WAIT left by their connections), sends SIGKILL
    /// to those still running if ``FreeOptions/force``, then proves the result with fresh test binds.
    ///
    /// It signals only the plan's processes and closes only sockets without a process on the target's port. Like
    /// ``checkBind(to:)``, call it on a thread in the inspector's network namespace. It blocks while it waits.
    /// - Parameters:
    ///   - plan: What to do (``FreePlan/init(deciding:)``).
    ///   - options: The timeout, SIGKILL or not, the bind that must work.
    /// - Returns: What was done and the proof.
    /// - Throws: ``SockDiagError`` from the dumps.
    public func free(_ plan: FreePlan, options: FreeOptions = FreeOptions()) throws -> FreeOutcome {
        var run = FreeRun(inspector: self, plan: plan, options: options)
        if !plan.alreadyBindable {
            try run.execute()
        }
        let (check, scan) = try proveBind(plan.target, procRoot: options.procRoot)
        return FreeOutcome(
            destroyed: run.destroyed,
            signals: run.signals,
            waitedMilliseconds: run.waitedMilliseconds,
            timedOut: run.timedOut,
            proof: check,
            remainingOwners: scan.owners,
            freed: check.bindable(reuseAddress: options.reuseAddress, reusePort: options.reusePort)
        )
    }

    /// bind-check's test binds and evidence, and the owners of the sockets it names: the one place `free` proves.
    func proveBind(_ target: BindTarget, procRoot: String) throws -> (BindCheckResult, SocketOwnerScan) {
        let check = try checkBind(to: target)
        let inodes = Set(check.causes.flatMap { $0.sockets.map(\.inode) })
        let scan = try SocketOwnerScanner(procRoot: procRoot).owners(of: inodes)
        return (check, scan)
    }

    /// The sockets on the target's port that conflict with a bind to it (as ``checkBind(to:)`` finds them), without
    /// a test bind: what the wait looks at.
    func conflictingSockets(_ target: BindTarget) throws -> [Socket] {
        let states: StateSet = target.transport == .tcp ? StateSet.all.union(.boundInactive) : .all
        let query = SocketQuery(protocols: [target.transport], states: states, filter: .port(.local, target.port))
        var sockets: [Socket] = []
        try forEachSocket(matching: query) { socket in
            if BindCheckResult.overlap(socket, target) != nil { sockets.append(socket) }
        }
        return sockets
    }
}
