import SockDiag
import Testing

@Suite("Aggregation: TIME_WAIT by side, SO_REUSEPORT groups, unread data")
struct AggregateSidesTests {
    /// A TCP socket on 127.0.0.1 (::1 for inet6) from local port `local` to peer port `peer`.
    static func tcp(
        _ state: SocketState,
        local: UInt16,
        peer: UInt16 = 0,
        family: AddressFamily = .inet,
        receiveQueue: UInt32 = 0,
        sendQueue: UInt32 = 0
    ) -> Socket {
        AggregateTests.tcp(state, port: local, peer: peer, family: family, queued: receiveQueue, backlog: sendQueue)
    }

    @Test(
        "TIME_WAIT: a local port outside the ephemeral range or with a listener is server side (by local port), the rest client side (by peer port)"
    )
    func timeWaitSides() {
        var sockets: [Socket] = []
        // Server side: 8000 lies outside the range.
        sockets += Array(repeating: Self.tcp(.timeWait, local: 8000, peer: 40_000), count: 3)
        // Client side: ephemeral local ports, towards 5432 (four ports, one socket each) and 443.
        sockets += (0..<4).map { Self.tcp(.timeWait, local: 40_001 + UInt16($0), peer: 5432) }
        sockets.append(Self.tcp(.timeWait, local: 41_000, peer: 443))
        // Server side: 50000 is in the range but a listener's port; the listener comes after its TIME_WAIT.
        sockets += Array(repeating: Self.tcp(.timeWait, local: 50_000, peer: 33_333), count: 2)
        sockets.append(Self.tcp(.listen, local: 50_000))
        var aggregator = SocketAggregator(topPorts: 10, ephemeralPorts: 32768...60999)
        let aggregate = aggregator.aggregate(sockets)
        #expect(aggregate.ephemeralPorts == 32768...60999)
        #expect(
            aggregate.serverTimeWaitPorts.top == [PortCount(port: 8000, count: 3), PortCount(port: 50_000, count: 2)]
        )
        #expect(aggregate.clientTimeWaitPorts.top == [PortCount(port: 5432, count: 4), PortCount(port: 443, count: 1)])
        #expect(aggregate.timeWaitPorts.total == 10)
        #expect(aggregate.timeWaitPorts.top.count == 7)

        // A range that takes in 8000 and no listener there: the same sockets count as client side by peer port.
        var wide = SocketAggregator(topPorts: 10, ephemeralPorts: 1024...65535)
        let widened = wide.aggregate(sockets.filter { $0.local.port != 50_000 })
        #expect(widened.serverTimeWaitPorts.total == 0)
        #expect(widened.clientTimeWaitPorts[40_000] == 3)
        #expect(widened.clientTimeWaitPorts[5432] == 4)
    }

    @Test("The members of an SO_REUSEPORT group are one listener: queues and limits summed, ranked by the sum")
    func reusePortGroups() {
        let sockets = [
            Self.tcp(.listen, local: 8080, receiveQueue: 6, sendQueue: 50),
            Self.tcp(.listen, local: 9090, receiveQueue: 7, sendQueue: 128),
            Self.tcp(.listen, local: 8080, receiveQueue: 2, sendQueue: 1),
            Self.tcp(.listen, local: 8080, family: .inet6, receiveQueue: 1, sendQueue: 10),
            Self.tcp(.listen, local: 22, sendQueue: 128),
        ]
        var aggregator = SocketAggregator(topPorts: 3)
        let aggregate = aggregator.aggregate(sockets)
        #expect(aggregate.listeners.map(\.local.port) == [8080, 9090, 8080])
        #expect(aggregate.listeners.map(\.family) == [.inet, .inet, .inet6])
        #expect(aggregate.listeners[0].queued == 8 && aggregate.listeners[0].backlog == 51)
        #expect(aggregate.listeners[0].members == 2)
        #expect(aggregate.listeners[2].members == 1 && aggregate.listeners[2].queued == 1)
        #expect(aggregate.otherListeners == 1)
        // The per-port ranking still counts sockets.
        #expect(aggregate.listenerPorts[8080] == 3)
    }

    @Test("Unread data of ESTABLISHED and CLOSE_WAIT sockets; Recv-Q and Send-Q summed over TCP as node_exporter")
    func unreadAndQueues() {
        var udp = Self.tcp(.established, local: 53, peer: 53, receiveQueue: 1000)
        udp.transport = .udp
        let sockets = [
            Self.tcp(.established, local: 40_000, peer: 80, receiveQueue: 100, sendQueue: 5),
            Self.tcp(.established, local: 40_001, peer: 80),
            Self.tcp(.closeWait, local: 40_002, peer: 80, receiveQueue: 7),
            Self.tcp(.closeWait, local: 40_003, peer: 80),
            Self.tcp(.finWait1, local: 40_004, peer: 80, receiveQueue: 3, sendQueue: 9),
            Self.tcp(.listen, local: 80, receiveQueue: 2, sendQueue: 128),
            udp,
        ]
        var aggregator = SocketAggregator()
        let aggregate = aggregator.aggregate(sockets)
        #expect(aggregate.unreadEstablished == UnreadData(sockets: 1, bytes: 100))
        #expect(aggregate.unreadCloseWait == UnreadData(sockets: 1, bytes: 7))
        #expect(aggregate.tcpReceiveQueueTotal == 112)
        #expect(aggregate.tcpSendQueueTotal == 142)
    }
}
