import SockDiag
import SockDiagFormatting
import Testing

/// bind-check's sentences say what the kernel does and name only what exists.
@Suite("bind-check: the words")
struct BindCheckWordsTests {
    static let listener = Socket(
        transport: .tcp, family: .inet, state: .listen, local: Endpoint(address: .v4(.any), port: 8000),
        peer: Endpoint(address: .v4(.any), port: 0), uid: 0, inode: 77
    )

    @Test("the caveat does not call a device a reason for no conflict: a bind without one conflicts with it")
    func caveatIsTheKernels() {
        let sentence = BindCaveat.holdersDoNotConflict.sentence
        #expect(!sentence.contains("(bound to a device"))
        #expect(!sentence.contains("SO_REUSEPORT group of your user"))
        #expect(sentence.contains("VRF") && sentence.contains("closed after the dump"))
    }

    @Test("an owner not found names the user and no option bind-check lacks (-p)")
    func unknownOwner() {
        let sentence = BindRemedy.stopListener(holders: [Self.listener]).sentence { _ in nil }
        #expect(!sentence.contains("-p"), "\(sentence)")
        #expect(sentence.contains("the owner (root (uid 0); "), "\(sentence)")
    }
}

extension BindCheckWordsTests {
    static func plan(signal: [Int32], refuse: [(Int32, FreeRefusal.Reason)]) -> FreePlan {
        let target = BindTarget(transport: .tcp, address: .v4(.any), port: 8000)
        return FreePlan(
            target: target,
            signal: signal.map {
                .init(process: ProcessFacts(pid: $0, command: "web", realUID: 0), sockets: [listener])
            },
            refusals: refuse.map {
                FreeRefusal(process: ProcessFacts(pid: $0.0, command: "init", realUID: 0), reason: $0.1,
                            sockets: [listener])
            }
        )
    }

    @Test("a remedy that stops the holders names sockdiag free where its plan signals them all")
    func namesFree() {
        let advice = FreeAdvice(plan: Self.plan(signal: [201, 202], refuse: []), command: "sockdiag free -N x 8000")
        let sentence = BindRemedy.stopListener(holders: [Self.listener]).sentence(owner: { _ in nil }, free: advice)
        #expect(sentence.hasSuffix("; sockdiag free -N x 8000 does it: SIGTERM to the 2 processes that hold them, "
            + "then a fresh bind proves it"), "\(sentence)")
        let timeWait = BindRemedy.freePort(8000).sentence(owner: { _ in nil }, free: advice)
        #expect(timeWait == "or close them now: sockdiag free -N x 8000")
    }

    @Test("where free's plan refuses (PID 1), the remedy says so and what to do instead, not the command")
    func refusedByFree() {
        let advice = FreeAdvice(
            plan: Self.plan(signal: [], refuse: [(1, .initProcess(unit: "web.socket"))]), command: "sockdiag free 8000"
        )
        let sentence = BindRemedy.stopListener(holders: [Self.listener]).sentence(owner: { _ in nil }, free: advice)
        #expect(!sentence.contains("sockdiag free 8000"), "\(sentence)")
        #expect(sentence.contains("sockdiag free leaves it alone: PID 1 is never signalled"), "\(sentence)")
        #expect(sentence.contains("instead: stop the socket unit: systemctl stop web.socket"), "\(sentence)")
        // A remedy that changes options is not one free carries out.
        let other = BindRemedy.restrictNewSocketToIPv6(holders: [Self.listener])
            .sentence(owner: { _ in nil }, free: advice)
        #expect(!other.contains("sockdiag free"))
    }
}

extension BindCheckWordsTests {
    @Test("without CAP_NET_ADMIN the TIME_WAIT remedy gives root's command, not one that would fail")
    func timeWaitNeedsRoot() {
        let target = BindTarget(transport: .tcp, address: .v4(.any), port: 8000)
        let plan = FreePlan(target: target, refusals: [FreeRefusal(process: nil, reason: .needsNetAdmin, sockets: [])])
        let advice = FreeAdvice(plan: plan, command: "sockdiag free 8000")
        let sentence = BindRemedy.freePort(8000).sentence(owner: { _ in nil }, free: advice)
        #expect(sentence == "or, as root, close them now (SOCK_DESTROY needs CAP_NET_ADMIN): sudo sockdiag free 8000")
        #expect(FreeRefusal.Reason.needsNetAdmin.name == "needs-net-admin")
        #expect(FreeRefusal.Reason.needsNetAdmin.instead(for: target).contains("sudo sockdiag free"))
    }
}
