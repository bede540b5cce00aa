import SockDiagTestSupport
import Testing

@testable import SockDiag

@Suite("Decoding captured inet_diag dumps")
struct FixtureDecodingTests {
    @Test("the four captures decode to exactly what ss printed at the same moment")
    func matchesSS() throws {
        let decoded = try Fixtures.allSockets().map { SocketRow($0, queues: true) }
        let printed = try SocketRows.parseTable(Fixtures.text("ss-tuanH.txt"), queues: true).map(\.wildcardAsAny)
        #expect(printed.count == 19)
        #expect(decoded.count == printed.count)
        #expect(Set(decoded) == Set(printed))
        // Same order as ss too: both walk the kernel's replies in order.
        #expect(decoded == printed)
    }

    @Test("IPv4 TCP: listeners, established pairs, TIME_WAIT minisockets without owner")
    func tcp4() throws {
        let sockets = try Fixtures.decode(Fixtures.bytes("tcp4-all.bin"), transport: .tcp)
        #expect(sockets.allSatisfy { $0.family == .inet && $0.transport == .tcp })
        let listeners = sockets.filter { $0.state == .listen }
        #expect(Set(listeners.map(\.local.port)) == [8000, 9000])
        for listener in listeners {
            #expect(listener.inode != 0)
            #expect(listener.sendQueue == 16)  // backlog
            #expect(listener.peer == Endpoint(address: .v4(.any), port: 0))
            #expect(listener.local.address == .v4(.loopback))
        }
        let timeWait = sockets.filter { $0.state == .timeWait }
        #expect(timeWait.count == 4)
        for socket in timeWait {
            #expect(socket.inode == 0)
            #expect(socket.uid == 0)
            #expect(socket.receiveQueue == 0 && socket.sendQueue == 0)
            #expect(socket.timer.kind == .timeWait)
            #expect((1...60_000).contains(socket.timer.expiresMilliseconds))
            #expect(socket.v6Only == nil)
        }
        #expect(timeWait.filter { $0.local.port == 8000 }.count == 2)
        #expect(timeWait.filter { $0.peer.port == 9000 }.count == 2)
        let established = sockets.filter { $0.state == .established }
        #expect(established.count == 3)
        #expect(established.contains { $0.local.port == 8000 && $0.receiveQueue == 5 })
        #expect(Set(sockets.map(\.cookie)).count == sockets.count)
    }

    @Test("IPv6 TCP: v6only flags, the dual-stack wildcard and IPv4-mapped peers")
    func tcp6() throws {
        let sockets = try Fixtures.decode(Fixtures.bytes("tcp6-all.bin"), transport: .tcp)
        #expect(sockets.allSatisfy { $0.family == .inet6 })
        let v6only = try #require(sockets.first { $0.state == .listen && $0.local.port == 8001 })
        #expect(v6only.v6Only == true)
        #expect(v6only.local.address == .v6(.loopback))
        let dual = try #require(sockets.first { $0.state == .listen && $0.local.port == 8002 })
        #expect(dual.v6Only == false)
        #expect(dual.local.address.isAny)
        let mapped = try #require(sockets.first { $0.local.port == 8002 && $0.state == .established })
        guard case .v6(let address) = mapped.local.address else {
            Issue.record("expected an IPv6 address")
            return
        }
        #expect(address.isIPv4Mapped)
        #expect(address.ipv4Mapped == .loopback)
        #expect(address.description == "::ffff:127.0.0.1")
        // Established sockets carry no SKV6ONLY attribute.
        #expect(mapped.v6Only == nil)
        #expect(sockets.filter { $0.state == .timeWait }.count == 1)
    }

    @Test("UDP: unconnected sockets are closed, connected ones established")
    func udp() throws {
        let v4 = try Fixtures.decode(Fixtures.bytes("udp4-all.bin"), transport: .udp)
        #expect(v4.map(\.state) == [.closed, .established])
        #expect(v4[1].peer == Endpoint(address: .v4(.loopback), port: 5353))
        let v6 = try Fixtures.decode(Fixtures.bytes("udp6-all.bin"), transport: .udp)
        #expect(v6.map(\.local.port) == [5353, 5354])
        #expect(v6.map(\.v6Only) == [true, false])
        #expect(v6.allSatisfy { $0.transport == .udp && $0.inode != 0 })
    }

    @Test("bound-inactive sockets come back as TCP_CLOSE and are named only when asked for")
    func boundInactive() throws {
        let bytes = try Fixtures.bytes("tcp4-bound-inactive.bin")
        let flagged = try Fixtures.decode(bytes, transport: .tcp, boundInactiveRequested: true)
        #expect(flagged.count == 1)
        #expect(flagged.first?.state == .boundInactive)
        #expect(flagged.first?.local == Endpoint(address: .v4(.loopback), port: 8500))
        let plain = try Fixtures.decode(bytes, transport: .tcp, boundInactiveRequested: false)
        #expect(plain.first?.state == .closed)
    }
}
