import Testing

@testable import SockDiag

@Suite("State names and groups")
struct StateSetTests {
    @Test("every ss state name parses to its kernel state", arguments: [
        ("established", 1), ("syn-sent", 2), ("syn-recv", 3), ("syn-rcv", 3), ("fin-wait-1", 4), ("fin-wait-2", 5),
        ("time-wait", 6), ("closed", 7), ("close", 7), ("unconnected", 7), ("close-wait", 8), ("last-ack", 9),
        ("listening", 10), ("closing", 11), ("bound-inactive", 13), ("TIME-WAIT", 6), ("Listening", 10),
    ])
    func names(name: String, state: UInt8) throws {
        let set = try #require(StateSet.parse(name))
        #expect(set.rawValue == 1 << UInt32(state))
        #expect(set.states == [SocketState(rawValue: state)])
    }

    @Test("unknown names and the kernel-internal new-syn-recv are rejected", arguments: [
        "foo", "", "new-syn-recv", "time_wait", "estab",
    ])
    func unknown(name: String) {
        #expect(StateSet.parse(name) == nil)
    }

    @Test("groups match ss's definitions")
    func groups() {
        // ss sends 0xfff for "all" and 0xb37 by default; bit 0 (UNKNOWN) is never a real state.
        #expect(StateSet.all.rawValue | 1 == 0xFFF)
        #expect(StateSet.ssDefault.rawValue | 1 == 0xB37)
        #expect(StateSet.parse("all") == .all)
        #expect(!StateSet.all.contains(.boundInactive))
        #expect(StateSet.parse("connected") == StateSet.all.subtracting([.listen, .closed]))
        #expect(StateSet.parse("synchronized")?.contains(.synSent) == false)
        #expect(StateSet.parse("synchronized")?.contains(.established) == true)
        #expect(StateSet.parse("bucket")?.states == [.synRecv, .timeWait])
        #expect(StateSet.parse("big") == StateSet.all.subtracting([.synRecv, .timeWait]))
        #expect(StateSet.listening.states == [.closed, .listen])
    }

    @Test("filter names", arguments: [
        (SocketState.established, "established"), (.synRecv, "syn-recv"), (.timeWait, "time-wait"),
        (.closed, "closed"), (.listen, "listening"), (.finWait1, "fin-wait-1"), (.boundInactive, "bound-inactive"),
        (SocketState(rawValue: 42), "unknown-42"),
    ])
    func words(state: SocketState, name: String) {
        #expect(state.name == name)
        if state.rawValue <= 13 && state != .newSynRecv {
            #expect(StateSet.parse(name) == StateSet(state))
        }
    }

    @Test("a query asks UDP only for the states UDP sockets can be in")
    func kernelStates() {
        let timeWait = SocketQuery(states: .timeWait)
        #expect(timeWait.kernelStates(for: .udp) == nil)
        #expect(timeWait.kernelStates(for: .tcp) == .timeWait)
        let all = SocketQuery(states: .all)
        #expect(all.kernelStates(for: .udp) == [.established, .closed])
        #expect(all.kernelStates(for: .tcp)?.contains(.boundInactive) == false)
    }
}
