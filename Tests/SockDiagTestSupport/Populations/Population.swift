import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// The mixed socket population one test makes inside its namespace, and the exact list of what exists there.
///
/// - TCP listeners: 127.0.0.1:8000, [::1]:8001 (`IPV6_V6ONLY`), [::]:8002 (dual-stack) and 127.0.0.1:9000.
/// - 10 established pairs: 4 to :8000, 2 to [::1]:8001, 2 from IPv4 to the dual-stack :8002 (the server ends
///   have IPv4-mapped addresses), 1 from IPv6 to :8002, 1 to :9000.
/// - 6 server-side TIME_WAIT sockets with local port 8000 (the server closed first).
/// - 4 client-side TIME_WAIT sockets with peer port 9000 (the client closed first).
/// - UDP bound to 127.0.0.1:7000 and [::1]:7001, and one UDP socket connected to 127.0.0.1:7000.
package struct Population: Sendable {
    package static let listener8000 = SocketAddress("127.0.0.1", 8000)
    package static let listener8001 = SocketAddress("::1", 8001)
    package static let listener8002 = SocketAddress("::", 8002)
    package static let listener9000 = SocketAddress("127.0.0.1", 9000)
    package static let udp7000 = SocketAddress("127.0.0.1", 7000)
    package static let udp7001 = SocketAddress("::1", 7001)
    package static let serverTimeWaitCount = 6
    package static let clientTimeWaitCount = 4

    /// The open descriptors, closed by ``close()``.
    package var fds: [Int32] = []
    /// Every socket in the namespace.
    package var expected: [ExpectedSocket] = []
    /// The TIME_WAIT sockets on the server side of port 8000.
    package var serverTimeWait: [ExpectedSocket] = []
    /// The TIME_WAIT sockets on the client side of connections to port 9000.
    package var clientTimeWait: [ExpectedSocket] = []
    /// The inode (`fstat`'s `st_ino`) of each socket that has a descriptor.
    package var inodes: [ExpectedSocket: UInt64] = [:]

    /// The TCP sockets.
    package var tcp: [ExpectedSocket] { expected.filter { $0.transport == "tcp" } }

    /// Closes every descriptor.
    package func close() {
        LoopbackSockets.closeAll(fds)
    }

    /// A new ``TestNamespace`` holding the population. Delete the namespace and close the sockets in two `defer`s:
    /// `defer { namespace.remove() }`, then `defer { population.close() }` (which runs first).
    package static func inNewNamespace() throws -> (namespace: TestNamespace, population: Population) {
        let namespace = try TestNamespace()
        do {
            return (namespace, try build(in: namespace))
        } catch {
            namespace.remove()
            throw error
        }
    }

    /// Makes the population inside `namespace` and waits until every TCP socket has reached its state.
    package static func build(in namespace: TestNamespace) throws -> Population {
        try namespace.onThread {
            var population = Population()
            do {
                try population.fill()
                try population.settle()
                return population
            } catch {
                population.close()
                throw error
            }
        }
    }

    private mutating func keep(_ fd: Int32, _ socket: ExpectedSocket) throws {
        var status = stat()
        guard fstat(fd, &status) == 0 else { throw HelperError.system("fstat") }
        inodes[socket] = UInt64(status.st_ino)
        expected.append(socket)
    }

    private mutating func listener(_ address: SocketAddress, v6Only: Bool? = nil) throws -> Int32 {
        let fd = try LoopbackSockets.tcpListener(address, v6Only: v6Only)
        fds.append(fd)
        try keep(
            fd,
            ExpectedSocket(transport: "tcp", state: .listen, local: address, peer: address.isIPv6 ? .anyV6 : .anyV4)
        )
        return fd
    }

    /// Connects to `address`, accepts on `listener`; returns both ends' descriptors and descriptions.
    private mutating func connection(
        to address: SocketAddress,
        listener: Int32
    ) throws -> (client: Int32, server: Int32, clientSocket: ExpectedSocket, serverSocket: ExpectedSocket) {
        let client = try LoopbackSockets.connected(to: address)
        fds.append(client)
        let server = try LoopbackSockets.accept(listener)
        fds.append(server)
        let clientSocket = ExpectedSocket(
            transport: "tcp",
            state: .established,
            local: try LoopbackSockets.address(of: client),
            peer: try LoopbackSockets.address(of: client, peer: true)
        )
        let serverSocket = ExpectedSocket(
            transport: "tcp",
            state: .established,
            local: try LoopbackSockets.address(of: server),
            peer: try LoopbackSockets.address(of: server, peer: true)
        )
        return (client, server, clientSocket, serverSocket)
    }

    private mutating func established(to address: SocketAddress, listener: Int32, count: Int) throws {
        for _ in 0..<count {
            let pair = try connection(to: address, listener: listener)
            try keep(pair.client, pair.clientSocket)
            try keep(pair.server, pair.serverSocket)
        }
    }

    /// Closes `fd` and forgets it.
    private mutating func closeNow(_ fd: Int32) {
        fds.removeAll { $0 == fd }
        Glibc.close(fd)
    }

    /// The end of a connection that closes first, and so is left in TIME_WAIT.
    private enum ClosingEnd { case client, server }

    /// Makes `count` connections to `address` and closes them, `first` before the other end; once the other end
    /// has seen the FIN (CLOSE_WAIT) it closes too. Returns the ends left in TIME_WAIT.
    private mutating func timeWait(
        to address: SocketAddress,
        listener: Int32,
        count: Int,
        _ first: ClosingEnd
    ) throws -> [ExpectedSocket] {
        var pairs: [(first: Int32, second: Int32, socket: ExpectedSocket)] = []
        for _ in 0..<count {
            let pair = try connection(to: address, listener: listener)
            pairs.append(
                first == .server
                    ? (pair.server, pair.client, pair.serverSocket) : (pair.client, pair.server, pair.clientSocket)
            )
        }
        for pair in pairs { closeNow(pair.first) }
        var sockets: [ExpectedSocket] = []
        for pair in pairs {
            try LoopbackSockets.waitForState(pair.second, LoopbackSockets.tcpCloseWait)
            closeNow(pair.second)
            var socket = pair.socket
            socket.state = .timeWait
            sockets.append(socket)
        }
        return sockets
    }

    private mutating func fill() throws {
        let l8000 = try listener(Self.listener8000)
        let l8001 = try listener(Self.listener8001, v6Only: true)
        let l8002 = try listener(Self.listener8002, v6Only: false)
        let l9000 = try listener(Self.listener9000)

        try established(to: Self.listener8000, listener: l8000, count: 4)
        try established(to: Self.listener8001, listener: l8001, count: 2)
        try established(to: SocketAddress("127.0.0.1", 8002), listener: l8002, count: 2)
        try established(to: SocketAddress("::1", 8002), listener: l8002, count: 1)
        try established(to: Self.listener9000, listener: l9000, count: 1)

        // Server-side TIME_WAIT with local port 8000, then client-side TIME_WAIT with peer port 9000.
        serverTimeWait = try timeWait(to: Self.listener8000, listener: l8000, count: Self.serverTimeWaitCount, .server)
        clientTimeWait = try timeWait(to: Self.listener9000, listener: l9000, count: Self.clientTimeWaitCount, .client)
        expected += serverTimeWait + clientTimeWait

        let udp4 = try LoopbackSockets.udpBound(Self.udp7000)
        fds.append(udp4)
        try keep(udp4, ExpectedSocket(transport: "udp", state: .closed, local: Self.udp7000, peer: .anyV4))
        let udp6 = try LoopbackSockets.udpBound(Self.udp7001)
        fds.append(udp6)
        try keep(udp6, ExpectedSocket(transport: "udp", state: .closed, local: Self.udp7001, peer: .anyV6))
        let connected = try LoopbackSockets.connected(to: Self.udp7000, type: SOCK_DGRAM)
        fds.append(connected)
        try keep(
            connected,
            ExpectedSocket(
                transport: "udp",
                state: .established,
                local: try LoopbackSockets.address(of: connected),
                peer: Self.udp7000
            )
        )
    }

    /// Waits (at most 5 s) until the namespace's TCP tables, read from /proc/thread-self/net/tcp{,6}
    /// independently of the library, hold exactly the states expected: no FIN exchange still under way.
    private func settle() throws {
        var wanted: [UInt8: Int] = [:]
        for socket in tcp { wanted[socket.state.rawValue, default: 0] += 1 }
        var seen: [UInt8: Int] = [:]
        for _ in 0..<1000 {
            seen = try Self.procTCPStates()
            if seen == wanted { return }
            usleep(5_000)
        }
        throw HelperError("TCP states did not settle: want \(wanted), /proc shows \(seen)")
    }

    /// Counts the TCP sockets by state in the calling thread's namespace, from /proc.
    package static func procTCPStates() throws -> [UInt8: Int] {
        var counts: [UInt8: Int] = [:]
        for file in ["/proc/thread-self/net/tcp", "/proc/thread-self/net/tcp6"] {
            let text = try String(contentsOfFile: file, encoding: .utf8)
            for line in text.split(separator: "\n").dropFirst() {
                let fields = line.split(separator: " ")
                guard fields.count > 3, let state = UInt8(fields[3], radix: 16) else {
                    throw HelperError("unexpected line in \(file): \(line)")
                }
                counts[state, default: 0] += 1
            }
        }
        return counts
    }
}
