import SockDiag
import SockDiagTestSupport
import Testing

@Suite("Aggregation: port rankings and the aggregator")
struct AggregateTests {
    static func tcp(
        _ state: SocketState,
        port: UInt16,
        peer: UInt16? = nil,
        family: AddressFamily = .inet,
        queued: UInt32 = 0,
        backlog: UInt32 = 0
    )
        -> Socket
    {
        let any: IPAddress =
            family == .inet ? .v4(IPv4Address(rawValue: 0x7F00_0001)) : .v6(IPv6Address(high: 0, low: 1))
        return Socket(
            transport: .tcp,
            family: family,
            state: state,
            local: Endpoint(address: any, port: port),
            peer: Endpoint(address: any, port: peer ?? (state == .listen ? 0 : 40_000)),
            receiveQueue: queued,
            sendQueue: backlog
        )
    }

    @Test("TIME_WAIT per local port: most first, ties by lower port, the rest in one bucket")
    func ranking() {
        var sockets: [Socket] = []
        for (port, count) in [(8000, 5), (443, 3), (80, 3), (22, 1), (9000, 2), (65535, 2)] as [(UInt16, Int)] {
            sockets += Array(repeating: Self.tcp(.timeWait, port: port), count: count)
        }
        sockets.append(Self.tcp(.established, port: 8000))
        var aggregator = SocketAggregator(topPorts: 3)
        let aggregate = aggregator.aggregate(sockets)
        #expect(
            aggregate.timeWaitPorts.top == [
                PortCount(port: 8000, count: 5), PortCount(port: 80, count: 3), PortCount(port: 443, count: 3),
            ]
        )
        #expect(aggregate.timeWaitPorts.otherCount == 5)
        #expect(aggregate.timeWaitPorts.otherPorts == 3)
        #expect(aggregate.timeWaitPorts.total == 16)
        #expect(aggregate.timeWaitPorts[8000] == 5)
        #expect(aggregate.timeWaitPorts[22] == nil)
        #expect(aggregate.socketsSeen == 17)
        #expect(aggregate.counts[.tcp, .inet, .timeWait] == 16)
        #expect(aggregate.counts[.tcp, .inet, .established] == 1)
    }

    @Test("K = 0 puts everything in the other bucket; a K beyond the ports keeps them all")
    func rankingBounds() {
        let sockets = [Self.tcp(.timeWait, port: 1), Self.tcp(.timeWait, port: 2), Self.tcp(.timeWait, port: 2)]
        var none = SocketAggregator(topPorts: 0)
        let empty = none.aggregate(sockets).timeWaitPorts
        #expect(empty.top.isEmpty)
        #expect(empty.otherCount == 3 && empty.otherPorts == 2)
        var many = SocketAggregator(topPorts: 100)
        let all = many.aggregate(sockets).timeWaitPorts
        #expect(all.top == [PortCount(port: 2, count: 2), PortCount(port: 1, count: 1)])
        #expect(all.otherCount == 0 && all.otherPorts == 0)
    }

    @Test("listeners: fullest accept queue first, at most K, the rest counted; counters reset between calls")
    func listeners() {
        let sockets = [
            Self.tcp(.listen, port: 80, queued: 0, backlog: 128),
            Self.tcp(.listen, port: 8000, queued: 7, backlog: 10),
            Self.tcp(.listen, port: 8000, family: .inet6, queued: 7, backlog: 10),
            Self.tcp(.listen, port: 22, queued: 0, backlog: 128),
        ]
        var aggregator = SocketAggregator(topPorts: 3)
        let first = aggregator.aggregate(sockets)
        #expect(first.listeners.map(\.local.port) == [8000, 8000, 22])
        #expect(first.listeners.map(\.family) == [.inet, .inet6, .inet])
        #expect(first.listeners[0].queued == 7 && first.listeners[0].backlog == 10)
        #expect(first.otherListeners == 1)
        #expect(
            first.listenerPorts.top == [
                PortCount(port: 8000, count: 2), PortCount(port: 22, count: 1), PortCount(port: 80, count: 1),
            ]
        )
        let second = aggregator.aggregate([Self.tcp(.timeWait, port: 1)])
        #expect(second.listeners.isEmpty && second.otherListeners == 0)
        #expect(second.listenerPorts.total == 0)
        #expect(second.timeWaitPorts.top == [PortCount(port: 1, count: 1)])
    }

    @Test("UDP sockets are counted by state but never ranked as listeners or TIME_WAIT")
    func udpNotRanked() {
        var udp = Self.tcp(.closed, port: 53)
        udp.transport = .udp
        var aggregator = SocketAggregator()
        let aggregate = aggregator.aggregate([udp])
        #expect(aggregate.counts[.udp, .inet, .closed] == 1)
        #expect(aggregate.listenerPorts.total == 0 && aggregate.timeWaitPorts.total == 0)
    }

    @Test("captured replies: header-only aggregation equals aggregating the decoded sockets")
    func fixtures() throws {
        let captures: [(transport: TransportProtocol, bytes: [UInt8])] = try [
            (.udp, Fixtures.bytes("udp4-all.bin")), (.udp, Fixtures.bytes("udp6-all.bin")),
            (.tcp, Fixtures.bytes("tcp4-all.bin")), (.tcp, Fixtures.bytes("tcp6-all.bin")),
        ]
        let sockets = try Fixtures.allSockets()
        var aggregator = SocketAggregator(topPorts: 5)
        let fromHeaders = try aggregator.aggregate(capturedDumps: captures)
        let fromSockets = aggregator.aggregate(sockets)
        #expect(fromHeaders == fromSockets)
        #expect(fromHeaders.socketsSeen == sockets.count)
        #expect(fromHeaders.counts.total() == sockets.count)
        let timeWait = sockets.filter { $0.transport == .tcp && $0.state == .timeWait }
        #expect(fromHeaders.timeWaitPorts.total == timeWait.count)
        #expect(timeWait.count > 0, "the fixtures hold TIME_WAIT sockets")
        let listeners = sockets.filter { $0.transport == .tcp && $0.state == .listen }
        #expect(fromHeaders.listeners.count + fromHeaders.otherListeners == listeners.count)
        #expect(listeners.count > 0, "the fixtures hold listeners")
    }

    @Test("a truncated capture is an error, not a partial aggregate")
    func truncated() throws {
        let bytes = try Fixtures.bytes("tcp4-all.bin")
        var aggregator = SocketAggregator()
        #expect(throws: SockDiagError.self) {
            try aggregator.aggregate(capturedDumps: [(.tcp, Array(bytes.dropLast(7)))])
        }
    }
}

@Suite("SocketCounts")
struct SocketCountsTests {
    @Test("+= adds every protocol, family and state")
    func sum() {
        var a = SocketCounts()
        a.add(.tcp, .inet, .established)
        a.add(.udp, .inet6, .closed)
        var b = SocketCounts()
        b.add(.tcp, .inet, .established)
        b.add(.tcp, .inet6, .timeWait)
        a += b
        #expect(a[.tcp, .inet, .established] == 2)
        #expect(a[.udp, .inet6, .closed] == 1)
        #expect(a[.tcp, .inet6, .timeWait] == 1)
        #expect(a.total() == 4)
    }
}
