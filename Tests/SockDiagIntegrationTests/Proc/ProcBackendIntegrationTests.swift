import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What both backends report the same way: everything but the cookie, interface, v6only, mark, cgroup and timer
/// (which /proc lacks or rounds), and a listener's send queue (the backlog over netlink, 0 in /proc).
struct BackendRow: Hashable, Comparable, CustomStringConvertible {
    var transport: TransportProtocol
    var family: AddressFamily
    var state: UInt8
    var local: String
    var peer: String
    var uid: UInt32
    var inode: UInt64
    var receiveQueue: UInt32
    var sendQueue: UInt32?

    init(_ socket: Socket) {
        transport = socket.transport
        family = socket.family
        state = socket.state.rawValue
        local = socket.local.description
        peer = socket.peer.description
        uid = socket.uid
        inode = socket.inode
        receiveQueue = socket.receiveQueue
        sendQueue = socket.state == .listen ? nil : socket.sendQueue
    }

    var description: String {
        "\(transport)/\(family) st=\(state) \(local) \(peer) uid=\(uid) ino=\(inode) rq=\(receiveQueue) "
            + "sq=\(sendQueue.map(String.init) ?? "-")"
    }

    static func < (lhs: BackendRow, rhs: BackendRow) -> Bool { lhs.description < rhs.description }
}

extension Integration {
    /// The /proc/net backend against the sock_diag backend, in one namespace holding a known population.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct ProcBackend {
        static let everything = SocketQuery(states: .all)

        /// Reads with a ProcSocketReader from a thread inside the namespace (`/proc/thread-self/net`).
        static func procSockets(in namespace: TestNamespace, _ query: SocketQuery) throws -> [Socket] {
            try namespace.onThread { try ProcSocketReader(procRoot: "/proc/thread-self").sockets(matching: query) }
        }

        @Test("/proc and netlink list the same sockets: protocol, family, state, endpoints, uid, inode, queues")
        func sameSockets() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let inspector = try namespace.inspector()

            let fromNetlink = try inspector.sockets(matching: Self.everything)
            let fromProc = try Self.procSockets(in: namespace, Self.everything)
            expectSame(
                fromProc.map(BackendRow.init).sorted(),
                fromNetlink.map(BackendRow.init).sorted(),
                "/proc",
                "netlink"
            )
            // Both are the population, not just equal to each other.
            expectSame(
                fromProc.compactMap(SocketRows.expected).sorted(),
                population.expected.sorted(),
                "/proc",
                "the population"
            )
            for socket in fromProc {
                guard let key = SocketRows.expected(socket) else { continue }
                if socket.state == .timeWait {
                    #expect(socket.inode == 0, "\(key)")
                    #expect(socket.timer.kind == .timeWait, "\(key)")
                    #expect((0...60_000).contains(socket.timer.expiresMilliseconds), "\(key): \(socket.timer)")
                    // The same minisocket over netlink: same timer, the expiry apart by the time between the two
                    // reads plus /proc's rounding to clock ticks.
                    let twin = try #require(fromNetlink.first { $0.local == socket.local && $0.peer == socket.peer })
                    #expect(twin.timer.kind == .timeWait)
                    let apart = abs(Int(twin.timer.expiresMilliseconds) - Int(socket.timer.expiresMilliseconds))
                    #expect(apart <= 2_000, "\(key): /proc \(socket.timer), netlink \(twin.timer)")
                } else {
                    #expect(socket.inode == population.inodes[key], "\(key): inode is the descriptor's st_ino")
                }
                #expect(socket.cookie == 0 && socket.interfaceIndex == 0 && socket.v6Only == nil)
            }
            // What only netlink knows: the backlog of a listener (sendQueue), which /proc shows as 0.
            for listener in fromNetlink where listener.state == .listen {
                let twin = try #require(fromProc.first { $0.state == .listen && $0.local == listener.local })
                #expect(twin.sendQueue == 0)
                #expect(listener.sendQueue > 0)
            }
        }

        @Test("port conditions and the default states select the same sockets on both backends")
        func sameSelections() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let inspector = try namespace.inspector()

            var queries = [SocketQuery(), SocketQuery(protocols: [.tcp], families: [.inet6], states: .listen)]
            for portCase in Integration.Inspector.portCases {
                queries.append(SocketQuery(states: .all, ports: portCase.ports))
            }
            let parsed = try FilterParser.parse([
                "state", "established", "(", "sport", ">=", ":8001", "or", "dst",
                "127.0.0.0/8", ")",
            ])
            queries.append(SocketQuery(states: parsed.states ?? .all, filter: parsed.expression))
            for query in queries {
                let fromNetlink = try inspector.sockets(matching: query).map(BackendRow.init).sorted()
                let fromProc = try Self.procSockets(in: namespace, query).map(BackendRow.init).sorted()
                expectSame(fromProc, fromNetlink, "/proc", "netlink", "\(query.states) \(query.effectiveFilter): ")
            }
        }

        @Test("procRoot /proc/PID reads the namespace of process PID from a thread outside it")
        func otherProcessRoot() throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let ip = try #require(Commands.ip)
            let sleeper = Process()
            sleeper.executableURL = URL(fileURLWithPath: ip)
            sleeper.arguments = ["netns", "exec", namespace.name, "sleep", "30"]
            sleeper.standardInput = FileHandle.nullDevice
            try sleeper.run()
            defer {
                // SIGKILL to this child's pid only (it may have inherited an ignored SIGTERM).
                kill(sleeper.processIdentifier, SIGKILL)
                sleeper.waitUntilExit()
            }
            // `ip netns exec` joins the namespace, then execs sleep in the same process: wait for the join.
            var namespaceFile = stat()
            #expect(stat("/var/run/netns/\(namespace.name)", &namespaceFile) == 0)
            let root = "/proc/\(sleeper.processIdentifier)"
            var joined = false
            for _ in 0..<500 {
                var current = stat()
                if stat("\(root)/ns/net", &current) == 0 && current.st_ino == namespaceFile.st_ino {
                    joined = true
                    break
                }
                usleep(10_000)
            }
            try #require(joined, "the helper process did not join \(namespace.name)")

            let fromPID = try ProcSocketReader(procRoot: root).sockets(matching: Self.everything)
            expectSame(
                fromPID.compactMap(SocketRows.expected).sorted(),
                population.expected.sorted(),
                "/proc/PID",
                "the population"
            )
        }
    }
}
