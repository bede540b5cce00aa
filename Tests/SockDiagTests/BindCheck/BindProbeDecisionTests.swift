import Testing

@testable import SockDiag

#if canImport(Glibc)
import Glibc
#endif

/// Which test binds are made next to other sockets, and what the others are inferred to be.
@Suite("bind-check probe decision")
struct BindProbeDecisionTests {
    typealias S = BindCheckRulesTests

    /// Decides for `target` against `onPort`, recording the test binds asked for (`nil`: the address check).
    static func decide(_ target: IPAddress, _ onPort: [Socket], reuseAddress: BindOutcome = .addressInUse,
                       lacksPrivilege: Bool = false) -> (BindProof, [BindOption?]) {
        var asked: [BindOption?] = []
        let proof = BindProof.deciding(
            BindTarget(transport: .tcp, address: target, port: 8000), onPort: onPort, uid: 1000,
            lacksPrivilege: lacksPrivilege
        ) { option in
            asked.append(option)
            return option == nil ? .bound : reuseAddress
        }
        return (proof, asked)
    }

    static func owned(_ socket: Socket, uid: UInt32) -> Socket {
        var socket = socket
        socket.uid = uid
        return socket
    }

    @Test("next to a listener: no bind into the port; all three inferred")
    func listener() {
        let (proof, asked) = Self.decide(S.v4Any, [Self.owned(S.socket(S.v4Any), uid: 33)])
        #expect(asked == [nil])
        #expect(proof == BindProof(plain: .addressInUse, reuseAddress: .addressInUse, reusePort: .addressInUse,
                                   inferred: [.plain, .reuseAddress, .reusePort]))
    }

    @Test("next to sockets that do not overlap (the reported case): nothing bound, every bind inferred ok")
    func disjoint() {
        let (proof, asked) = Self.decide(S.v4Any, [S.socket(S.v6Any, v6Only: true)])
        #expect(asked == [nil])
        #expect(proof.plain == .bound && proof.reuseAddress == .bound && proof.reusePort == .bound)
        #expect(proof.inferred == Set(BindOption.allCases))
    }

    @Test("TIME_WAIT only: the one SO_REUSEADDR test bind; SO_REUSEPORT never bound, untested")
    func timeWait() {
        let timeWait = S.socket(S.v4Loop, state: .timeWait)
        for outcome in [BindOutcome.bound, .addressInUse] {
            let (proof, asked) = Self.decide(S.v4Any, [timeWait], reuseAddress: outcome)
            #expect(asked == [nil, .reuseAddress])
            #expect(proof.reuseAddress == outcome && proof.plain == .addressInUse && proof.reusePort == .untested)
            #expect(proof.inferred == [.plain])
        }
    }

    @Test("SO_REUSEPORT: in use next to another uid's socket, ok next to a group of the caller's uid")
    func reusePort() {
        let other = Self.owned(S.socket(S.v4Any, state: .boundInactive), uid: 33)
        #expect(Self.decide(S.v4Any, [other]).0.reusePort == .addressInUse)
        let mine = Self.owned(S.socket(S.v4Any), uid: 1000)
        #expect(Self.decide(S.v4Any, [mine, mine]).0.reusePort == .bound)
        #expect(Self.decide(S.v4Any, [mine]).0.reusePort == .untested)
    }

    @Test("privilege and the address are settled before the port")
    func privilegeAndAddress() {
        let (denied, asked) = Self.decide(S.v4Any, [S.socket(S.v4Any)], lacksPrivilege: true)
        #expect(asked == [nil] && denied.plain == .permissionDenied && denied.reusePort == .permissionDenied)
        let proof = BindProof.deciding(BindTarget(transport: .tcp, address: S.v4Other, port: 8000),
                                       onPort: [S.socket(S.v4Any)], uid: 0, lacksPrivilege: false) { _ in
            .addressNotAvailable
        }
        #expect(proof.plain == .addressNotAvailable && proof.inferred.isEmpty)
    }

    @Test("orphaned FIN-WAIT-2 is no TIME_WAIT; an IPv4 listener against [::] blames the new socket")
    func classify() {
        var orphan = S.socket(S.v4Loop, state: .finWait2)
        orphan.timer = SocketTimer(kind: .timeWait, expiresMilliseconds: 1000, retransmits: 0)
        let target = BindTarget(transport: .tcp, address: S.v4Any, port: 8000)
        #expect(BindCheckResult.classify([orphan], target: target, autobound: [], uid: 0).map(\.kind) == [.orphanedFinWait])
        let v6Target = BindTarget(transport: .tcp, address: S.v6Any, port: 8000)
        #expect(BindCheckResult.classify([S.socket(S.v4Any)], target: v6Target, autobound: [], uid: 0).map(\.kind)
            == [.ipv4ListenerAgainstDualStackBind])
        #expect(BindCheckResult.classify([S.socket(S.v6Any, v6Only: false)], target: target, autobound: [], uid: 0)
            .map(\.kind) == [.dualStackListener])
    }

    @Test("reserved ports parse as the kernel prints them", arguments: [
        ("", [] as [UInt16], [8000] as [UInt16]), ("8000", [8000], [8001]), ("40000-40010,8000", [40005, 8000], [39999]),
    ])
    func reserved(value: String, inside: [UInt16], outside: [UInt16]) {
        let list = BindCheckResult.reservedPortList(value)
        #expect(inside.allSatisfy { list.contains($0) } && !outside.contains { list.contains($0) })
    }

    @Test("UDP next to live sockets: no bind with an option; plain inferred, SO_REUSEADDR untested")
    func udp() {
        var asked: [BindOption?] = []
        var held = Self.owned(S.socket(S.v4Any, state: .closed), uid: 1000)
        held.transport = .udp
        let target = BindTarget(transport: .udp, address: S.v4Any, port: 8000)
        let proof = BindProof.deciding(target, onPort: [held], uid: 1000, lacksPrivilege: false) { option in
            asked.append(option)
            return .bound
        }
        #expect(asked == [nil])
        #expect(proof == BindProof(plain: .addressInUse, reuseAddress: .untested, reusePort: .untested,
                                   inferred: [.plain]))
        held.uid = 33
        let theirs = BindProof.deciding(target, onPort: [held], uid: 1000, lacksPrivilege: false) { _ in .bound }
        #expect(theirs.reusePort == BindOutcome.addressInUse)
        #expect(theirs.inferred == [BindOption.plain, .reusePort])
    }
}
