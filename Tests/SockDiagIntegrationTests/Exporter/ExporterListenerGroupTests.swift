import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// The exporter's listener series for a real `SO_REUSEPORT` group, and its HTTP details (HEAD, the landing page).
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.exporterBinary != nil, "sockdiag-exporter is not built next to the tests")
    )
    struct ExporterListenerGroup {
        /// A group on 127.0.0.1:8300: one member (backlog 50) with 6 connections queued before the second
        /// (backlog 1) joins, then 2 more connections, which the kernel hands to either member.
        @Test("An SO_REUSEPORT group is one series: queues and limits summed (8 of 51), and its size (2)")
        func reusePortGroupIsSummed() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let fds = try namespace.onThread { try Self.reusePortGroup() }
            defer { LoopbackSockets.closeAll(fds) }
            let (exporter, port) = try Self.exporter(for: namespace)
            defer { exporter.stop() }
            let metrics = Exposition(try HTTPProbe.request(port: port, path: "/metrics").body)

            let labels = ["family": "inet", "address": "127.0.0.1", "port": "8300"]
            #expect(metrics.value("sockdiag_tcp_listen_queue_length", labels) == 8)
            #expect(metrics.value("sockdiag_tcp_listen_queue_limit", labels) == 51)
            #expect(metrics.value("sockdiag_tcp_listen_group_size", labels) == 2)
            #expect(metrics.value("sockdiag_tcp_listen_queue_other_listeners") == 0)
        }

        @Test(
            "-N reads the namespace's own ip_local_port_range: widened to take in 8000, its TIME_WAIT stays server side (a listener's port)"
        )
        func timeWaitSidesWithAWideRange() throws {
            let fixture = try QueuedPopulation()
            defer { fixture.remove() }
            let sysctl = try fixture.namespace.exec(["sysctl", "-qw", "net.ipv4.ip_local_port_range=1024 65000"])
            try #require(sysctl.status == 0, "\(sysctl)")
            let exporter = try fixture.startExporter(["-N", fixture.namespace.name, "--listen", "127.0.0.1:0"])
            defer { exporter.stop() }
            let port = try QueuedPopulation.listeningPort(of: exporter)
            let metrics = Exposition(try HTTPProbe.request(port: port, path: "/metrics").body)
            #expect(metrics.value("sockdiag_ephemeral_port_range_size") == 63977)
            #expect(metrics.value("sockdiag_tcp_time_wait_sockets", ["side": "server", "port": "8000"]) == 6)
            #expect(metrics.value("sockdiag_tcp_time_wait_sockets", ["side": "client", "port": "9000"]) == 4)
            #expect(metrics.samples.keys.filter { $0.hasPrefix("sockdiag_tcp_time_wait_sockets{") }.count == 4)
        }

        @Test("HEAD /metrics answers as GET without a body; / is a landing page linking to /metrics")
        func headAndLandingPage() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let (exporter, port) = try Self.exporter(for: namespace)
            defer { exporter.stop() }

            let head = try HTTPProbe.request(port: port, method: "HEAD", path: "/metrics")
            #expect(head.status == 200, "\(head)")
            #expect(head.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            #expect(Int(head.headers["content-length"] ?? "") ?? 0 > 100, "\(head.headers)")
            #expect(head.body.isEmpty, "\(head.body.prefix(200))")

            let landing = try HTTPProbe.request(port: port, path: "/")
            #expect(landing.status == 200, "\(landing)")
            #expect(landing.headers["content-type"]?.hasPrefix("text/html") == true)
            #expect(landing.body.contains(#"<a href="/metrics">"#), "\(landing.body)")
            #expect(try HTTPProbe.request(port: port, method: "HEAD", path: "/").status == 200)

            let post = try HTTPProbe.request(port: port, method: "POST", path: "/metrics")
            #expect(post.status == 405)
            #expect(post.headers["allow"] == "GET, HEAD")
            #expect(try HTTPProbe.request(port: port, path: "/index.html").status == 404)
        }

        /// The exporter of `namespace` (`-N`) and its port.
        private static func exporter(for namespace: TestNamespace) throws -> (BackgroundProcess, UInt16) {
            let exporter = try BackgroundProcess(
                Commands.exporterBinary!,
                ["-N", namespace.name, "--listen", "127.0.0.1:0"],
                label: "exporter"
            )
            do {
                return (exporter, try QueuedPopulation.listeningPort(of: exporter))
            } catch {
                exporter.stop()
                throw error
            }
        }

        /// Builds the group inside the namespace and waits until its queues hold the 8 connections; returns every
        /// descriptor (members first).
        private static func reusePortGroup() throws -> [Int32] {
            let address = SocketAddress("127.0.0.1", 8300)
            var fds: [Int32] = []
            do {
                fds.append(try member(address, backlog: 50))
                for _ in 0..<6 { fds.append(try LoopbackSockets.connected(to: address)) }
                try waitForQueued(6)
                fds.append(try member(address, backlog: 1))
                // The second member holds up to 2 (backlog + 1): neither member overflows whatever the hash says.
                for _ in 0..<2 { fds.append(try LoopbackSockets.connected(to: address)) }
                try waitForQueued(8)
                return fds
            } catch {
                LoopbackSockets.closeAll(fds)
                throw error
            }
        }

        private static func member(_ address: SocketAddress, backlog: Int32) throws -> Int32 {
            let fd = try LoopbackSockets.socket(for: address, type: SOCK_STREAM)
            do {
                try LoopbackSockets.setOption(fd, SOL_SOCKET, SO_REUSEPORT, 1, "SO_REUSEPORT")
                try LoopbackSockets.bind(fd, address)
                guard listen(fd, backlog) == 0 else { throw HelperError.system("listen \(address)") }
                return fd
            } catch {
                close(fd)
                throw error
            }
        }

        /// Waits until the listeners on 127.0.0.1:8300 hold `count` connections in all (/proc's rx_queue of a
        /// listener is its accept queue).
        private static func waitForQueued(_ count: Int) throws {
            for _ in 0..<500 {
                let text = try String(contentsOfFile: "/proc/thread-self/net/tcp", encoding: .utf8)
                let queued = text.split(separator: "\n").dropFirst().reduce(0) { sum, line in
                    let fields = line.split(separator: " ")
                    guard fields.count > 4, fields[1] == "0100007F:206C", fields[3] == "0A",
                        let rx = fields[4].split(separator: ":").last, let value = Int(rx, radix: 16)
                    else { return sum }
                    return sum + value
                }
                if queued == count { return }
                usleep(2_000)
            }
            throw HelperError("the accept queues of 127.0.0.1:8300 did not reach \(count)")
        }
    }
}
