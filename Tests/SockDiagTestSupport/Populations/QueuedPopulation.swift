import Foundation
import SockDiag

#if canImport(Glibc)
import Glibc
#endif

/// A namespace with the population, plus a listener on 127.0.0.1:8100 (backlog 7) with 3 connections nobody accepted.
package struct QueuedPopulation {
    package let namespace: TestNamespace
    package let population: Population
    /// The queued listener and its clients.
    package let queuedFDs: [Int32]

    /// (family, address, port, queued, limit) of every listener.
    package static let listeners: [(String, String, String, Double, Double)] = [
        ("inet", "127.0.0.1", "8000", 0, 64), ("inet6", "::1", "8001", 0, 64), ("inet6", "::", "8002", 0, 64),
        ("inet", "127.0.0.1", "9000", 0, 64), ("inet", "127.0.0.1", "8100", 3, 7),
    ]

    package init() throws {
        (namespace, population) = try Population.inNewNamespace()
        do {
            queuedFDs = try namespace.onThread { try Self.queuedListener() }
        } catch {
            population.close()
            namespace.remove()
            throw error
        }
    }

    package func remove() {
        LoopbackSockets.closeAll(queuedFDs)
        population.close()
        namespace.remove()
    }

    /// Every socket in the namespace: the population, the listener, 3 clients and their 3 unaccepted server ends.
    package var socketCount: Int { population.expected.count + 7 }

    /// Sockets by (protocol, family, state name), including zeros for the states the exporter reports.
    package func expectedCounts() -> [Key: Int] {
        var counts: [Key: Int] = [:]
        let tcpStates = [
            "established", "syn-sent", "syn-recv", "fin-wait-1", "fin-wait-2", "time-wait", "closed", "close-wait",
            "last-ack", "listening", "closing",
        ]
        for family in ["inet", "inet6"] {
            for state in tcpStates { counts[Key(transport: "tcp", family: family, state: state)] = 0 }
            for state in ["closed", "established"] { counts[Key(transport: "udp", family: family, state: state)] = 0 }
        }
        for socket in population.expected {
            counts[
                Key(transport: socket.transport, family: socket.family, state: socket.state.filterName),
                default: 0
            ] += 1
        }
        counts[Key(transport: "tcp", family: "inet", state: "listening"), default: 0] += 1
        counts[Key(transport: "tcp", family: "inet", state: "established"), default: 0] += 6
        return counts
    }

    /// node_exporter's tcpstat state names, by sockdiag's.
    package static let nodeStateNames = [
        "established": "established", "syn-sent": "syn_sent", "syn-recv": "syn_recv", "fin-wait-1": "fin_wait1",
        "fin-wait-2": "fin_wait2", "time-wait": "time_wait", "closed": "close", "close-wait": "close_wait",
        "last-ack": "last_ack", "listening": "listen", "closing": "closing",
    ]

    /// ``expectedCounts()`` as the exporter's node_exporter-style series: (metric, state) → sockets, both families
    /// summed; `sockdiag_tcp_connection_states` and `sockdiag_udp_sockets`, zeros included.
    package func expectedStateCounts() -> [NodeKey: Int] {
        var counts: [NodeKey: Int] = [:]
        for (key, count) in expectedCounts() {
            let metric = key.transport == "tcp" ? "sockdiag_tcp_connection_states" : "sockdiag_udp_sockets"
            counts[NodeKey(metric: metric, state: Self.nodeStateNames[key.state] ?? key.state), default: 0] += count
        }
        return counts
    }

    package struct NodeKey: Hashable {
        package var metric: String
        package var state: String
    }

    package struct Key: Hashable {
        package var transport: String
        package var family: String
        package var state: String
    }

    /// Runs the exporter (`-v`) with `arguments`.
    package func startExporter(_ arguments: [String]) throws -> BackgroundProcess {
        try BackgroundProcess(Commands.exporterBinary!, arguments, label: "exporter")
    }

    /// The port from the exporter's `listening on http://ADDRESS:PORT/metrics` line.
    package static func listeningPort(of exporter: BackgroundProcess) throws -> UInt16 {
        try exporter.wait("'listening on' line") {
            guard let range = exporter.stderr.range(of: "listening on http://") else { return nil }
            let rest = exporter.stderr[range.upperBound...]
            guard let end = rest.range(of: "/metrics"), let colon = rest[..<end.lowerBound].lastIndex(of: ":") else {
                return nil
            }
            return UInt16(rest[rest.index(after: colon)..<end.lowerBound])
        }
    }

    /// Listens on 127.0.0.1:8100 with backlog 7 and connects 3 clients that are never accepted; waits until the
    /// accept queue holds them (/proc's rx_queue of a listener is its accept queue).
    private static func queuedListener() throws -> [Int32] {
        let address = SocketAddress("127.0.0.1", 8100)
        let listener = try LoopbackSockets.tcpBound(address)
        var fds = [listener]
        do {
            guard listen(listener, 7) == 0 else { throw HelperError.system("listen \(address)") }
            for _ in 0..<3 { fds.append(try LoopbackSockets.connected(to: address)) }
            for _ in 0..<500 {
                let text = try String(contentsOfFile: "/proc/thread-self/net/tcp", encoding: .utf8)
                let queued = text.split(separator: "\n").dropFirst().contains { line in
                    let fields = line.split(separator: " ")
                    return fields.count > 4 && fields[1] == "0100007F:1FA4" && fields[3] == "0A"
                        && fields[4].hasSuffix(":00000003")
                }
                if queued { return fds }
                usleep(2_000)
            }
            throw HelperError("the accept queue of \(address) did not reach 3")
        } catch {
            LoopbackSockets.closeAll(fds)
            throw error
        }
    }
}
