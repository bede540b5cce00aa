import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// `SocketInspector.destroy`: SOCK_DESTROY against the kernel, in a private namespace holding ``Population``.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct Destroy {
        static func tcp(_ states: StateSet, port: UInt16? = nil) -> SocketQuery {
            SocketQuery(protocols: [.tcp], states: states, ports: port.map { [PortMatch(.local, [$0])] } ?? [])
        }

        @Test("TIME_WAIT sockets of one port are destroyed and gone; the others stay")
        func timeWait() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let inspector = try namespace.inspector()

            let results = try inspector.destroy(matching: Self.tcp(.timeWait, port: 8000))
            #expect(results.count == Population.serverTimeWaitCount)
            #expect(results.allSatisfy { $0.outcome == .destroyed && $0.socket.state == .timeWait })
            #expect(try inspector.sockets(matching: Self.tcp(.timeWait, port: 8000)).isEmpty)
            let left = try inspector.sockets(matching: Self.tcp(.timeWait))
            #expect(left.count == Population.clientTimeWaitCount)
        }

        @Test("established connections of both families are destroyed (the peer end reset or destroyed too)")
        func established() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let inspector = try namespace.inspector()
            let before = try inspector.sockets(matching: Self.tcp(.established))
            #expect(before.count == 20)

            let results = try inspector.destroy(matching: Self.tcp(.established))
            #expect(results.map(\.socket) == before)
            #expect(results.allSatisfy { $0.outcome == .destroyed || $0.outcome == .alreadyGone })
            #expect(results.filter { $0.outcome == .destroyed }.count >= 10)
            #expect(Set(results.filter { $0.outcome == .destroyed }.map(\.socket.family)) == [.inet, .inet6])
            #expect(try inspector.sockets(matching: Self.tcp(.established)).isEmpty)
        }

        @Test("one socket by its cookie: destroyed once, then already gone; a wrong cookie destroys nothing")
        func oneSocket() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let inspector = try namespace.inspector()
            let connections = try inspector.sockets(matching: Self.tcp(.established, port: 9000))
            let socket = try #require(connections.first)

            var impostor = socket
            impostor.cookie ^= 1
            #expect(try inspector.destroy(impostor) == .alreadyGone)
            #expect(try inspector.sockets(matching: Self.tcp(.established, port: 9000)) == connections)

            #expect(try inspector.destroy(socket) == .destroyed)
            #expect(try inspector.destroy(socket) == .alreadyGone)
            #expect(try inspector.sockets(matching: Self.tcp(.established, port: 9000)).isEmpty)
        }

        @Test("listeners stop listening; the port takes a new SO_REUSEADDR listener while the owner holds the old")
        func listeners() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let inspector = try namespace.inspector()

            let results = try inspector.destroy(matching: Self.tcp(.listening))
            #expect(results.count == 4)
            #expect(results.allSatisfy { $0.outcome == .destroyed })
            #expect(try inspector.sockets(matching: Self.tcp(.listening)).isEmpty)
            // The owner still holds the descriptors: the sockets stay bound (bound-inactive), as the kernel leaves
            // an explicitly bound socket it aborted.
            #expect(try inspector.sockets(matching: Self.tcp(.boundInactive, port: 8000)).count == 1)
            let listener = try namespace.onThread { try LoopbackSockets.tcpListener(Population.listener8000) }
            close(listener)
        }

        @Test("UDP sockets are aborted, not closed: a bound one stays listed")
        func udp() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let inspector = try namespace.inspector()
            let query = SocketQuery(protocols: [.udp], states: .closed, ports: [PortMatch(.local, [7000])])

            let results = try inspector.destroy(matching: query)
            #expect(results.map(\.outcome) == [.destroyed])
            #expect(try inspector.sockets(matching: query).count == 1)
        }
    }
}
