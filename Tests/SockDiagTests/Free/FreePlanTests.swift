import Testing

@testable import SockDiag

/// The decision of `sockdiag free`: which sockets are closed, which processes signalled, which left alone and why.
@Suite("free: the plan")
struct FreePlanTests {
    static let target = BindTarget(transport: .tcp, address: .v4(.any), port: 8000)
    static let dockerID = String(repeating: "ab12", count: 16)

    static func socket(_ inode: UInt64, state: SocketState = .listen, uid: UInt32 = 1000) -> Socket {
        Socket(
            transport: .tcp,
            family: .inet,
            state: state,
            local: Endpoint(address: .v4(.any), port: 8000),
            peer: Endpoint(address: .v4(.any), port: 0),
            uid: uid,
            inode: inode,
            cookie: inode + 1_000_000
        )
    }

    static func process(
        _ pid: Int32,
        _ command: String = "server",
        uid: UInt32 = 1000,
        arguments: [String] = [],
        cgroups: [String] = ["/user.slice"]
    ) -> ProcessFacts {
        ProcessFacts(pid: pid, command: command, startTime: 100, realUID: uid, arguments: arguments, cgroups: cgroups)
    }

    /// The caller: pid 500 under shell 400 under 300, uid 1000, not root.
    static let user = FreeCaller(
        pid: 500, ancestors: [400, 300, 1], realUID: 1000, canDestroySockets: true, cgroups: ["/user.slice"]
    )
    static let root = FreeCaller(pid: 500, ancestors: [400, 1], realUID: 0, cgroups: ["/user.slice"])

    /// Evidence of sockets held as `holders` says (inode → pids), with the processes' facts.
    static func evidence(
        _ sockets: [Socket],
        holders: [UInt64: [Int32]],
        processes: [ProcessFacts],
        caller: FreeCaller = user
    ) -> FreeEvidence {
        var owners: [UInt64: [SocketOwner]] = [:]
        for (inode, pids) in holders {
            owners[inode] = pids.map { SocketOwner(command: "x", pid: $0, fd: 3) }
        }
        return FreeEvidence(
            target: target,
            sockets: sockets,
            owners: owners,
            processes: Dictionary(uniqueKeysWithValues: processes.map { ($0.pid, $0) }),
            caller: caller
        )
    }

    static func reasons(_ plan: FreePlan) -> [Int32?: FreeRefusal.Reason] {
        Dictionary(uniqueKeysWithValues: plan.refusals.map { ($0.process?.pid, $0.reason) })
    }

    @Test("a pre-forked server: every worker sharing the listener is signalled, in pid order")
    func preForked() {
        let listener = Self.socket(7)
        let workers = [Self.process(103), Self.process(101), Self.process(102)]
        let plan = FreePlan(deciding: Self.evidence([listener], holders: [7: [103, 101, 102]], processes: workers))
        #expect(plan.signal.map(\.process.pid) == [101, 102, 103])
        #expect(plan.signal.allSatisfy { $0.sockets == [listener] })
        #expect(plan.refusals.isEmpty && plan.destroy.isEmpty)
    }

    @Test("TIME_WAIT and orphaned FIN-WAIT sockets (no inode) are destroyed, nobody is signalled")
    func unowned() {
        let sockets = [Self.socket(0, state: .timeWait, uid: 0), Self.socket(0, state: .finWait2, uid: 0)]
        let plan = FreePlan(deciding: Self.evidence(sockets, holders: [:], processes: []))
        #expect(plan.destroy == sockets)
        #expect(plan.signal.isEmpty && plan.refusals.isEmpty)
    }

    @Test("PID 1 is never signalled; the socket unit comes from the activated service's cgroup")
    func initProcess() {
        let systemd = Self.process(1, "systemd", uid: 0, cgroups: ["/init.scope"])
        let service = Self.process(700, "httpd", uid: 0, cgroups: ["/system.slice/httpd@0-1.service"])
        let plan = FreePlan(
            deciding: Self.evidence([Self.socket(9)], holders: [9: [1, 700]], processes: [systemd, service],
                caller: Self.root)
        )
        #expect(Self.reasons(plan)[1] == .initProcess(unit: "httpd.socket"))
        // The service shares PID 1's socket: signalling it would not free the port.
        #expect(Self.reasons(plan)[700] == .sharesSocket(with: 1))
        #expect(plan.signal.isEmpty)
        let alone = FreePlan(deciding: Self.evidence([Self.socket(9)], holders: [9: [1]], processes: [systemd]))
        #expect(Self.reasons(alone)[1] == .initProcess(unit: nil))
    }

    @Test("the caller and its ancestors (the shell that runs it) are never signalled")
    func ancestors() {
        let shell = Self.process(400, "bash")
        let grandparent = Self.process(300, "sshd")
        let plan = FreePlan(
            deciding: Self.evidence([Self.socket(5), Self.socket(6)], holders: [5: [400], 6: [300, 500]],
                processes: [shell, grandparent, Self.process(500, "sockdiag")])
        )
        #expect(Self.reasons(plan) == [400: .ancestor, 300: .ancestor, 500: .ancestor])
        #expect(plan.signal.isEmpty)
    }

    @Test("another user's process: refused as non-root, naming the uid; signalled as root; same uid is fine")
    func otherUsers() {
        let theirs = Self.process(600, uid: 33)
        let mine = Self.process(601, uid: 1000)
        let sockets = [Self.socket(5), Self.socket(6)]
        let holders: [UInt64: [Int32]] = [5: [600], 6: [601]]
        let asUser = FreePlan(deciding: Self.evidence(sockets, holders: holders, processes: [theirs, mine]))
        #expect(Self.reasons(asUser) == [600: .otherUser(uid: 33)])
        #expect(asUser.signal.map(\.process.pid) == [601])
        let asRoot = FreePlan(
            deciding: Self.evidence(sockets, holders: holders, processes: [theirs, mine], caller: Self.root)
        )
        #expect(asRoot.refusals.isEmpty)
        #expect(asRoot.signal.map(\.process.pid) == [600, 601])
        // A setuid program started by the caller keeps the caller's uid as its real uid: kill(2) allows it.
        let setuid = ProcessFacts(pid: 602, command: "ping", realUID: 1000, effectiveUID: 0, savedUID: 0)
        #expect(Self.user.maySignal(setuid))
    }

    @Test("docker-proxy is left alone, naming the container's address from its command line")
    func dockerProxy() {
        let proxy = Self.process(
            800, "docker-proxy", uid: 0,
            arguments: ["/usr/bin/docker-proxy", "-proto", "tcp", "-host-ip", "0.0.0.0", "-host-port", "8000",
                "-container-ip", "172.17.0.2", "-container-port", "80"]
        )
        let plan = FreePlan(deciding: Self.evidence([Self.socket(5)], holders: [5: [800]], processes: [proxy],
            caller: Self.root))
        #expect(Self.reasons(plan) == [800: .dockerProxy(container: "172.17.0.2:80")])
        #expect(FreePlan.dockerProxyContainer(["-container-ip=fd00::2", "--container-port=80"]) == "[fd00::2]:80")
        #expect(FreePlan.dockerProxyContainer(["docker-proxy"]) == nil)
    }

    @Test("a process in a container (its cgroup) is left alone, naming the container; the caller's own is not one")
    func container() {
        let scoped = Self.process(900, cgroups: ["/system.slice/docker-\(Self.dockerID).scope"])
        let plan = FreePlan(deciding: Self.evidence([Self.socket(5)], holders: [5: [900]], processes: [scoped],
            caller: Self.root))
        #expect(Self.reasons(plan) == [900: .container(ContainerReference(runtime: "docker", id: Self.dockerID))])
        #expect(ContainerReference(runtime: "docker", id: Self.dockerID).shortID == "ab12ab12ab12")
        // Inside the same container as the caller: an ordinary process.
        var inside = Self.root
        inside.cgroups = scoped.cgroups
        let same = FreePlan(deciding: Self.evidence([Self.socket(5)], holders: [5: [900]], processes: [scoped],
            caller: inside))
        #expect(same.refusals.isEmpty && same.signal.count == 1)
    }

    @Test("container runtimes as their cgroup paths name them", arguments: [
        ("/docker/\(dockerID)", "docker"), ("/machine.slice/libpod-\(dockerID).scope", "podman"),
        ("/kubepods.slice/kubepods-pod1.slice/cri-containerd-\(dockerID).scope", "containerd"),
        ("/kubepods/burstable/pod1/crio-\(dockerID).scope", "cri-o"), ("/lxc.payload.web/init.scope", "lxc"),
        ("/lxc/web", "lxc"), ("/kubepods/besteffort/pod1/\(dockerID)", "container"),
    ])
    func runtimes(path: String, runtime: String) {
        #expect(ContainerReference.find(in: [path])?.runtime == runtime)
    }

    @Test("ordinary cgroups name no container", arguments: [
        "/", "/user.slice/user-1000.slice/session-2.scope", "/system.slice/nginx.service", "/init.scope",
        "/process_api/71e59023a21787922ea2522cea8a73e3",
    ])
    func noContainer(path: String) {
        #expect(ContainerReference.find(in: [path]) == nil)
    }

    @Test("mixed: TIME_WAIT destroyed, workers signalled, PID 1 and another user refused, an unseen holder named")
    func mixed() {
        let sockets = [
            Self.socket(0, state: .timeWait), Self.socket(10), Self.socket(11, state: .established),
            Self.socket(12), Self.socket(13), Self.socket(14),
        ]
        let processes = [
            Self.process(1, "systemd", uid: 0), Self.process(201), Self.process(202), Self.process(203, uid: 33),
        ]
        // 14 has an inode but no process in /proc holds it.
        let holders: [UInt64: [Int32]] = [10: [201, 202], 11: [202], 12: [1], 13: [203]]
        let plan = FreePlan(deciding: Self.evidence(sockets, holders: holders, processes: processes))
        #expect(plan.destroy.map(\.state) == [.timeWait])
        #expect(plan.signal.map(\.process.pid) == [201, 202])
        #expect(plan.signal.last?.sockets.map(\.inode) == [10, 11])
        #expect(
            Self.reasons(plan)
                == [1: .initProcess(unit: nil), 203: .otherUser(uid: 33), nil: .ownerNotFound(scanComplete: true)]
        )
        #expect(plan.refusals.last?.sockets.map(\.inode) == [14])
    }

    @Test("an owner that exited before its facts were read is neither signalled nor refused")
    func vanishedOwner() {
        let plan = FreePlan(deciding: Self.evidence([Self.socket(5)], holders: [5: [4242]], processes: []))
        #expect(plan.signal.isEmpty)
        #expect(Self.reasons(plan) == [nil: .ownerNotFound(scanComplete: true)])
    }

    @Test("nothing is planned when the bind already works")
    func alreadyBindable() {
        var evidence = Self.evidence([Self.socket(5)], holders: [5: [201]], processes: [Self.process(201)])
        evidence.alreadyBindable = true
        let plan = FreePlan(deciding: evidence)
        #expect(plan.isEmpty && plan.refusals.isEmpty && plan.alreadyBindable)
    }

    @Test("/proc parsing: stat fields after a command with spaces and parentheses, Uid, cgroup, CapEff")
    func procParsing() {
        let stat = "42 (a) b (c) S 7 42 42 0 -1 4194560 1 0 0 0 0 0 0 0 20 0 1 0 123456 1000 100"
        #expect(ProcessFacts.parseStat(stat)?.0 == 7)
        #expect(ProcessFacts.parseStat(stat)?.1 == 123_456)
        #expect(ProcessFacts.parseStat("42 (short) S 1") == nil)
        #expect(ProcessFacts.parseUIDs("Name:\tx\nUid:\t1000\t0\t0\t0\n")! == (1000, 0, 0))
        #expect(ProcessFacts.parseCgroups("4:memory:/a\n0::/b\n1:cpu:/a\n") == ["/b", "/a"])
        #expect(FreeCaller.hasKillCapability(status: "CapEff:\t0000000000000020\n"))
        #expect(!FreeCaller.hasKillCapability(status: "CapEff:\t0000000000000000\n"))
    }
}

extension FreePlanTests {
    @Test("a socket whose process could not be read: another user's is refused naming the user, not 'not found'")
    func unreadableOwner() {
        var evidence = Self.evidence(
            [Self.socket(5, uid: 0), Self.socket(6, uid: 1000), Self.socket(7, uid: 33)], holders: [:], processes: []
        )
        evidence.ownerScanComplete = false
        #expect(
            FreePlan(deciding: evidence).refusals.map(\.reason)
                == [.otherUser(uid: 0), .otherUser(uid: 33), .ownerNotFound(scanComplete: false)]
        )
        evidence.caller = Self.root
        #expect(FreePlan(deciding: evidence).refusals.map(\.reason) == [.ownerNotFound(scanComplete: false)])
    }
}

extension FreePlanTests {
    @Test("without CAP_NET_ADMIN sockets no process holds are not planned for SOCK_DESTROY but refused, saying why")
    func noNetAdmin() {
        var evidence = Self.evidence([Self.socket(0, state: .timeWait), Self.socket(5)], holders: [5: [201]],
                                     processes: [Self.process(201)])
        evidence.caller.canDestroySockets = false
        let plan = FreePlan(deciding: evidence)
        #expect(plan.destroy.isEmpty && plan.signal.map(\.process.pid) == [201])
        #expect(plan.refusals.map(\.reason) == [.needsNetAdmin])
        #expect(plan.refusals.first?.sockets.map(\.state) == [.timeWait])
        #expect(FreeCaller.hasCapability(12, status: "CapEff:\t0000000000001000\n"))
    }
}
