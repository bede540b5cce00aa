import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// TCP sockets bound to a port but neither listening nor connected (`TCP_BOUND_INACTIVE`, kernel 6.8+).
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct BoundInactive {
        @Test("a bound, not listening TCP socket is listed as bound-inactive only when asked for")
        func boundInactive() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let fds = try namespace.onThread {
                let bound = try LoopbackSockets.tcpBound(SocketAddress("127.0.0.1", 8500))
                do {
                    return [bound, try LoopbackSockets.tcpListener(SocketAddress("127.0.0.1", 8501))]
                } catch {
                    close(bound)
                    throw error
                }
            }
            defer { LoopbackSockets.closeAll(fds) }
            let inspector = try namespace.inspector()

            func ports(_ states: StateSet, _ protocols: [TransportProtocol] = [.tcp]) throws -> [String] {
                try inspector.sockets(matching: SocketQuery(protocols: protocols, states: states))
                    .map { "\($0.state.rawValue):\($0.local.port)" }.sorted()
            }
            // 13 is TCP_BOUND_INACTIVE, 10 TCP_LISTEN.
            #expect(try ports(.boundInactive) == ["13:8500"])
            #expect(try ports(.boundInactive, [.udp, .tcp]) == ["13:8500"])
            #expect(try ports(StateSet.all.union(.boundInactive)) == ["10:8501", "13:8500"])
            #expect(try ports(.all) == ["10:8501"])
            #expect(try ports(.closed) == [])
            #expect(try ports(.ssDefault) == [])
            #expect(try ports(.listening) == ["10:8501"])
            let bound = try #require(
                inspector.sockets(matching: SocketQuery(protocols: [.tcp], states: .boundInactive)).first
            )
            #expect(bound.state == .boundInactive)
            #expect(bound.local == Endpoint(address: .v4(.loopback), port: 8500))
            #expect(bound.inode != 0)

            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let asked = try namespace.exec([binary, "-tB", "--json"])
            try #require(asked.status == 0 && !asked.signaled, "\(asked)")
            let listed = try SocketRows.decodeJSON(asked.stdout)
            #expect(listed.map(\.state) == ["bound-inactive"])
            #expect(listed.first?.local.port == 8500)
            #expect(listed.first?.local.address == "127.0.0.1")

            for arguments in [["-tan"], ["-tln"], ["-tn"], ["-tan", "--state", "closed"]] {
                let result = try namespace.exec([binary, "--json"] + arguments)
                try #require(result.status == 0 && !result.signaled, "\(arguments): \(result)")
                let states = try SocketRows.decodeJSON(result.stdout).map(\.state)
                #expect(!states.contains("bound-inactive"), "\(arguments)")
            }
            let both = try namespace.exec([binary, "-taB", "--json"])
            #expect(try SocketRows.decodeJSON(both.stdout).map(\.state).sorted() == ["bound-inactive", "listening"])
        }
    }
}
