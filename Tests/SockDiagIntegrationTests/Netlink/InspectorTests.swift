import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// The library's `SocketInspector`, queried inside a namespace whose every socket the test made.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct Inspector {
        static let everyTCPSocket = SocketQuery(protocols: [.tcp], states: .all)

        @Test("an all-states TCP dump is exactly the TCP population, with v6only, inodes and TIME_WAIT timers")
        func tcpDump() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let inspector = try namespace.inspector()

            let sockets = try inspector.sockets(matching: Self.everyTCPSocket)
            let listed = sockets.compactMap(SocketRows.expected).sorted()
            let made = population.tcp.sorted()
            expectSame(listed, made, "inspector", "the population")

            func listener(_ port: UInt16) throws -> Socket {
                try #require(sockets.first { $0.state == .listen && $0.local.port == port }, "listener on :\(port)")
            }
            #expect(try listener(8000).v6Only == nil, "IPv4 sockets carry no IPV6_V6ONLY")
            #expect(try listener(8001).v6Only == true, "[::1]:8001 was made IPV6_V6ONLY")
            #expect(try listener(8002).v6Only == false, "[::]:8002 is dual-stack")
            #expect(try listener(8002).family == .inet6)
            #expect(try listener(8002).local.address.isAny)
            #expect(try listener(9000).family == .inet)

            for socket in sockets {
                guard let key = SocketRows.expected(socket) else { continue }
                if socket.state == .timeWait {
                    #expect(socket.inode == 0, "\(key)")
                    #expect(socket.timer.kind == .timeWait, "\(key)")
                    #expect((1...60_000).contains(socket.timer.expiresMilliseconds), "\(key): \(socket.timer)")
                } else {
                    #expect(socket.inode != 0, "\(key)")
                    #expect(socket.inode == population.inodes[key], "\(key): inode is the descriptor's st_ino")
                }
            }
            let mapped = sockets.filter {
                if case .v6(let address) = $0.local.address { return address.isIPv4Mapped }
                return false
            }
            #expect(mapped.count == 2, "the two IPv4 connections accepted by the dual-stack listener")
            #expect(mapped.allSatisfy { $0.local.port == 8002 && $0.state == .established })
        }

        /// Port conditions, and the population's sockets they must select (worked out independently).
        static let portCases:
            [(name: String, ports: [PortMatch], count: Int, selects: @Sendable (ExpectedSocket) -> Bool)] = [
                ("local 8000", [PortMatch(.local, [8000])], 11, { $0.local.port == 8000 }),
                ("peer 8000", [PortMatch(.peer, [8000])], 4, { $0.peer.port == 8000 }),
                ("either 8000", [PortMatch(.either, [8000])], 15, { $0.local.port == 8000 || $0.peer.port == 8000 }),
                (
                    "either 8000 or 9000", [PortMatch(.either, [8000, 9000])], 22,
                    {
                        [8000, 9000].contains($0.local.port) || [8000, 9000].contains($0.peer.port)
                    }
                ),
                (
                    "local 8001, 8002 or 7001", [PortMatch(.local, [8001, 8002, 7001])], 8,
                    {
                        [8001, 8002, 7001].contains($0.local.port)
                    }
                ),
                (
                    "local 8000, 8001 or 8002, and peer 0",
                    [PortMatch(.local, [8000, 8001, 8002]), PortMatch(.peer, [0])], 3,
                    {
                        [8000, 8001, 8002].contains($0.local.port) && $0.peer.port == 0
                    }
                ),
                ("local 9000 and peer 9000", [PortMatch(.local, [9000]), PortMatch(.peer, [9000])], 0, { _ in false }),
                ("either 7000", [PortMatch(.either, [7000])], 2, { $0.local.port == 7000 || $0.peer.port == 7000 }),
            ]

        @Test("port conditions select exactly the expected sockets; .ssDefault hides listeners and TIME_WAIT")
        func portFilters() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let inspector = try namespace.inspector()

            let hiddenByDefault: Set<KernelState> = [.listen, .closed, .timeWait, .synRecv]
            for portCase in Self.portCases {
                let all = try inspector.sockets(matching: SocketQuery(states: .all, ports: portCase.ports))
                    .compactMap(SocketRows.expected).sorted()
                let wanted = population.expected.filter(portCase.selects).sorted()
                expectSame(all, wanted, "inspector", "wanted", "\(portCase.name): ")
                #expect(wanted.count == portCase.count, "\(portCase.name): the population is as planned")

                let byDefault = try inspector.sockets(matching: SocketQuery(ports: portCase.ports))
                    .compactMap(SocketRows.expected).sorted()
                let wantedByDefault = wanted.filter { !hiddenByDefault.contains($0.state) }
                expectSame(byDefault, wantedByDefault, "inspector", "wanted", "\(portCase.name), .ssDefault: ")
            }
            let local8000 = try inspector.sockets(
                matching: SocketQuery(protocols: [.tcp], states: .ssDefault, ports: [PortMatch(.local, [8000])])
            )
            #expect(local8000.count == 4)
            #expect(local8000.allSatisfy { $0.state == .established })
        }

        @Test("an inspector keeps reading its own namespace after a dump stopped early, from any thread")
        func namespaceAfterEarlyStop() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let inspector = try namespace.inspector()

            struct Stop: Error {}
            let made = population.tcp.sorted()
            // Used from the test's own thread, which is not in the namespace.
            let before = try inspector.sockets(matching: Self.everyTCPSocket).compactMap(SocketRows.expected).sorted()
            expectSame(before, made, "inspector", "the namespace")
            var seen = 0
            #expect(throws: Stop.self) {
                try inspector.forEachSocket(matching: Self.everyTCPSocket) { _ in
                    seen += 1
                    throw Stop()
                }
            }
            #expect(seen == 1)
            let after = try inspector.sockets(matching: Self.everyTCPSocket).compactMap(SocketRows.expected).sorted()
            // The rest of the stopped dump is drained, so the same socket (in the creator's namespace) serves on.
            expectSame(after, made, "inspector after the early stop", "the namespace")
        }
    }
}
