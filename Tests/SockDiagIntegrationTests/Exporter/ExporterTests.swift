import Foundation
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// `sockdiag-exporter` in a namespace holding the known population plus a listener with a full accept queue.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.exporterBinary != nil, "sockdiag-exporter is not built next to the tests")
    )
    struct Exporter {
        @Test(
            "/metrics holds the namespace's sockets by state (node_exporter's names, and the legacy metric), TIME_WAIT by side and port, the listeners' queues"
        )
        func metricsMatchThePopulation() throws {
            let fixture = try QueuedPopulation()
            defer { fixture.remove() }
            let exporter = try fixture.startExporter([
                "-N", fixture.namespace.name, "--listen", "127.0.0.1:0", "--legacy-sockets-metric",
            ])
            defer { exporter.stop() }
            let port = try QueuedPopulation.listeningPort(of: exporter)

            let response = try HTTPProbe.request(port: port, path: "/metrics")
            #expect(response.status == 200)
            #expect(response.headers["content-type"]?.hasPrefix("text/plain; version=0.0.4") == true)
            let metrics = Exposition(response.body)

            for (key, count) in fixture.expectedStateCounts() {
                #expect(metrics.value(key.metric, ["state": key.state]) == Double(count), "\(key)")
            }
            #expect(metrics.samples.keys.filter { $0.hasPrefix("sockdiag_tcp_connection_states{") }.count == 13)
            #expect(metrics.samples.keys.filter { $0.hasPrefix("sockdiag_udp_sockets{") }.count == 2)
            for (key, count) in fixture.expectedCounts() {
                let labels = ["protocol": key.transport, "family": key.family, "state": key.state]
                #expect(metrics.value("sockdiag_sockets", labels) == Double(count), "\(labels)")
            }
            // Server side: local port 8000 (a listener's); client side: by the peer's port, 9000, not by the four
            // ephemeral local ports.
            #expect(metrics.value("sockdiag_tcp_time_wait_sockets", ["side": "server", "port": "8000"]) == 6)
            #expect(metrics.value("sockdiag_tcp_time_wait_sockets", ["side": "server", "port": "other"]) == 0)
            #expect(metrics.value("sockdiag_tcp_time_wait_sockets", ["side": "client", "port": "9000"]) == 4)
            #expect(metrics.value("sockdiag_tcp_time_wait_sockets", ["side": "client", "port": "other"]) == 0)
            #expect(metrics.samples.keys.filter { $0.hasPrefix("sockdiag_tcp_time_wait_sockets{") }.count == 4)
            #expect(metrics.value("sockdiag_ephemeral_port_range_size") == 28232)
            for (family, address, port, queued, limit) in QueuedPopulation.listeners {
                let labels = ["family": family, "address": address, "port": port]
                #expect(metrics.value("sockdiag_tcp_listen_queue_length", labels) == queued, "\(labels)")
                #expect(metrics.value("sockdiag_tcp_listen_queue_limit", labels) == limit, "\(labels)")
                #expect(metrics.value("sockdiag_tcp_listen_group_size", labels) == 1, "\(labels)")
            }
            #expect(metrics.value("sockdiag_tcp_listen_queue_other_listeners") == 0)
            #expect(metrics.value("sockdiag_scrape_sockets_seen") == Double(fixture.socketCount))
            #expect(metrics.value("sockdiag_scrape_dumps_total") == 1)
            #expect((metrics.value("sockdiag_scrape_duration_seconds") ?? -1) > 0)
        }

        @Test("--top-ports 2 keeps two listeners and two TIME_WAIT ports; --tcp-info adds the RTT histogram")
        func topPortsAndTCPInfo() throws {
            let fixture = try QueuedPopulation()
            defer { fixture.remove() }
            let exporter = try fixture.startExporter([
                "-N", fixture.namespace.name, "--listen", "127.0.0.1:0", "--top-ports", "2", "--tcp-info",
            ])
            defer { exporter.stop() }
            let port = try QueuedPopulation.listeningPort(of: exporter)
            let metrics = Exposition(try HTTPProbe.request(port: port, path: "/metrics").body)

            // The fullest listener first (8100 with 3 waiting), then the lowest port.
            let listeners = metrics.samples.keys.filter { $0.hasPrefix("sockdiag_tcp_listen_queue_length{") }
            #expect(listeners.count == 2)
            #expect(
                metrics.value(
                    "sockdiag_tcp_listen_queue_length",
                    ["family": "inet", "address": "127.0.0.1", "port": "8100"]
                ) == 3
            )
            #expect(metrics.value("sockdiag_tcp_listen_queue_other_listeners") == 3)
            // TIME_WAIT: one port on each side, none in "other".
            #expect(metrics.value("sockdiag_tcp_time_wait_sockets", ["side": "server", "port": "8000"]) == 6)
            #expect(metrics.value("sockdiag_tcp_time_wait_sockets", ["side": "client", "port": "9000"]) == 4)
            #expect(metrics.value("sockdiag_tcp_time_wait_other_ports", ["side": "server"]) == 0)
            #expect(metrics.value("sockdiag_tcp_time_wait_other_ports", ["side": "client"]) == 0)
            // Every ESTABLISHED TCP socket has a tcp_info and an RTT.
            let established = fixture.expectedCounts().filter {
                $0.key.transport == "tcp" && $0.key.state == "established"
            }
            .map(\.value).reduce(0, +)
            #expect(metrics.value("sockdiag_tcp_rtt_seconds_count") == Double(established))
            #expect(metrics.value("sockdiag_tcp_rtt_seconds_bucket", ["le": "+Inf"]) == Double(established))
            #expect(metrics.value("sockdiag_tcp_retransmitting_sockets") == 0)
        }

        @Test("--all-netns labels each namespace's series: the test namespace's TIME_WAIT and listeners are its own")
        func allNamespaces() throws {
            let fixture = try QueuedPopulation()
            defer { fixture.remove() }
            let exporter = try fixture.startExporter(["--all-netns", "--listen", "127.0.0.1:0"])
            defer { exporter.stop() }
            let port = try QueuedPopulation.listeningPort(of: exporter)
            let metrics = Exposition(try HTTPProbe.request(port: port, path: "/metrics").body)

            let netns = fixture.namespace.name
            #expect(
                metrics.value("sockdiag_tcp_time_wait_sockets", ["netns": netns, "side": "server", "port": "8000"]) == 6
            )
            #expect(
                metrics.value("sockdiag_tcp_time_wait_sockets", ["netns": netns, "side": "client", "port": "9000"]) == 4
            )
            #expect(
                metrics.value(
                    "sockdiag_tcp_listen_queue_length",
                    ["netns": netns, "family": "inet", "address": "127.0.0.1", "port": "8100"]
                ) == 3
            )
            for (key, count) in fixture.expectedStateCounts() {
                #expect(metrics.value(key.metric, ["netns": netns, "state": key.state]) == Double(count), "\(key)")
            }
            #expect((metrics.value("sockdiag_scrape_namespaces", ["outcome": "read"]) ?? 0) >= 2)
            // No series without the label.
            #expect(
                metrics.samples.keys.filter {
                    $0.hasPrefix("sockdiag_tcp_connection_states{") && !$0.contains("netns=")
                }.isEmpty
            )
            #expect(metrics.value("sockdiag_ephemeral_port_range_size", ["netns": netns]) == 28232)
        }

        @Test("404 for other paths, 405 for other methods, and no descriptor left behind by 300 scrapes")
        func errorsAndDescriptors() throws {
            let fixture = try QueuedPopulation()
            defer { fixture.remove() }
            let exporter = try fixture.startExporter(["-N", fixture.namespace.name, "--listen", "127.0.0.1:0"])
            defer { exporter.stop() }
            let port = try QueuedPopulation.listeningPort(of: exporter)

            #expect(try HTTPProbe.request(port: port, path: "/metrics/").status == 404)
            #expect(try HTTPProbe.request(port: port, path: "/metricsx").status == 404)
            let post = try HTTPProbe.request(port: port, method: "POST", path: "/metrics")
            #expect(post.status == 405)
            #expect(post.headers["allow"] == "GET, HEAD")
            #expect(try HTTPProbe.request(port: port, path: "/metrics?x=1").status == 200)

            let before = try descriptorCount(exporter.pid)
            for _ in 0..<300 {
                let response = try HTTPProbe.request(port: port, path: "/metrics")
                guard response.status == 200 else {
                    Issue.record("scrape failed: \(response)")
                    return
                }
            }
            let after = try descriptorCount(exporter.pid)
            #expect(after == before, "descriptors before \(before), after 300 scrapes \(after)")
        }

        @Test("a failed dump answers 500 and the next scrape works again on a new netlink socket")
        func recoversAfterFailedDump() throws {
            let fixture = try QueuedPopulation()
            defer { fixture.remove() }
            let exporter = try fixture.startExporter([
                "-N", fixture.namespace.name, "--listen", "127.0.0.1:0", "-v", "--fail-dumps", "1",
            ])
            defer { exporter.stop() }
            let port = try QueuedPopulation.listeningPort(of: exporter)
            let failed = try HTTPProbe.request(port: port, path: "/metrics")
            #expect(failed.status == 500, "\(failed)")
            let next = try HTTPProbe.request(port: port, path: "/metrics")
            #expect(next.status == 200, "\(next)")
            #expect(
                next.body.contains("sockdiag_tcp_time_wait_sockets{side=\"server\",port=\"8000\"}"),
                "\(next.body)"
            )
            #expect(exporter.stderr.contains("opened a new netlink socket after the failed dump"), "\(exporter.stderr)")
        }

        @Test("Concurrent scrapes share one dump")
        func concurrentScrapesCoalesce() throws {
            let fixture = try QueuedPopulation()
            defer { fixture.remove() }
            // Each dump is held 300 ms, so that the eight requests surely arrive while the first dump runs.
            let exporter = try fixture.startExporter([
                "-N", fixture.namespace.name, "--listen", "127.0.0.1:0", "--dump-delay-ms", "300", "-v",
            ])
            defer { exporter.stop() }
            let port = try QueuedPopulation.listeningPort(of: exporter)

            let connections = try (0..<8).map { _ in try HTTPProbe.connect(port: port) }
            for fd in connections { try HTTPProbe.send(fd, path: "/metrics") }
            let responses = try connections.map { try HTTPProbe.receive($0) }
            #expect(responses.allSatisfy { $0.status == 200 })
            // Every request of one dump got the same text.
            #expect(
                Set(responses.map(\.body)).count
                    == Set(responses.map { Exposition($0.body).value("sockdiag_scrape_dumps_total") }).count
            )

            let after = Exposition(try HTTPProbe.request(port: port, path: "/metrics").body)
            let dumps = after.value("sockdiag_scrape_dumps_total") ?? 0
            #expect(after.value("sockdiag_scrape_requests_total") == 9)
            #expect(dumps <= 3, "9 requests (8 at once) took \(dumps) dumps; stderr:\n\(exporter.stderr)")
            #expect(exporter.stderr.contains("for 8 requests") || exporter.stderr.contains("for 7 requests"))
        }

        @Test(
            "A real Prometheus scraping the exporter sees TIME_WAIT on port 8000 and the listener queues",
            .enabled(if: Commands.prometheus != nil, "prometheus is not installed (Scripts/setup.sh installs it)")
        )
        func prometheusScrapesTheExporter() throws {
            let fixture = try QueuedPopulation()
            defer { fixture.remove() }
            let ip = Commands.ip!
            let namespace = fixture.namespace
            // Both inside the namespace (ip netns exec execs the program: the PID is theirs), on fixed ports: the
            // namespace is private.
            let exporter = try BackgroundProcess(
                ip,
                [
                    "netns", "exec", namespace.name, Commands.exporterBinary!, "--listen", "127.0.0.1:9474",
                    "--top-ports", "20",
                ],
                label: "exporter"
            )
            defer { exporter.stop() }
            _ = try QueuedPopulation.listeningPort(of: exporter)

            let directory = FileManager.default.temporaryDirectory
                .appendingPathComponent("sockdiag-prometheus-\(getpid())-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
            defer { try? FileManager.default.removeItem(at: directory) }
            let config = directory.appendingPathComponent("prometheus.yml")
            try """
            global:
              scrape_interval: 1s
              scrape_timeout: 1s
            scrape_configs:
              - job_name: sockdiag
                static_configs:
                  - targets: ["127.0.0.1:9474"]
            """.write(to: config, atomically: true, encoding: .utf8)
            let prometheus = try BackgroundProcess(
                ip,
                [
                    "netns", "exec", namespace.name, Commands.prometheus!,
                    "--config.file=\(config.path)",
                    "--storage.tsdb.path=\(directory.appendingPathComponent("data").path)",
                    "--web.listen-address=127.0.0.1:9090",
                    "--log.level=warn",
                ],
                label: "prometheus"
            )
            defer { prometheus.stop() }

            func get(_ path: String) throws -> HTTPProbe.Response {
                try namespace.onThread { try HTTPProbe.request(port: 9090, path: path) }
            }
            /// The value of a query's only sample, once Prometheus has one.
            func query(_ promQL: String) throws -> Double? {
                let encoded = promQL.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
                let response = try get("/api/v1/query?query=\(encoded)")
                guard response.status == 200,
                    let json = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any],
                    let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]],
                    result.count == 1, let value = result[0]["value"] as? [Any], value.count == 2,
                    let text = value[1] as? String
                else { return nil }
                return Double(text)
            }

            _ = try prometheus.wait("readiness (/-/ready)", seconds: 20) {
                try get("/-/ready").status == 200 ? true : nil
            }
            // The first scrape comes within one scrape interval of start.
            let timeWait = try prometheus.wait("a scrape of the exporter", seconds: 15) {
                try query(#"sockdiag_tcp_time_wait_sockets{side="server",port="8000"}"#)
            }
            #expect(timeWait == 6)
            #expect(try query(#"up{job="sockdiag"}"#) == 1)
            #expect(try query(#"sockdiag_tcp_listen_queue_length{port="8100"}"#) == 3)
            #expect(try query(#"sockdiag_tcp_listen_queue_limit{port="8100"}"#) == 7)
            #expect(try query(#"sockdiag_tcp_listen_queue_length{address="127.0.0.1",port="8000"}"#) == 0)
            #expect(try query(#"sockdiag_tcp_listen_queue_limit{address="127.0.0.1",port="8000"}"#) == 64)
            #expect(try query(#"sockdiag_tcp_listen_queue_limit{family="inet6",address="::1",port="8001"}"#) == 64)
        }
    }

    /// `sockdiag exporter` runs the sibling binary.
    @Suite(.enabled(if: Commands.sockdiagBinary != nil, "sockdiag is not built next to the tests"))
    struct ExporterDispatch {
        @Test(
            "sockdiag exporter passes its arguments to sockdiag-exporter (a bad --listen is one line, exit 2)",
            .enabled(if: Commands.exporterBinary != nil, "sockdiag-exporter is not built next to the tests")
        )
        func dispatch() throws {
            let result = try Commands.run(Commands.sockdiagBinary!, ["exporter", "--listen", "nowhere"])
            #expect(result.status == 2)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.contains("--listen takes IPV4:PORT or [IPV6]:PORT"))
            let help = try Commands.run(Commands.sockdiagBinary!, ["exporter", "--help"])
            #expect(help.status == 0)
            #expect(help.stdout.contains("--top-ports"))
        }

        @Test(
            "A -N namespace that does not exist is bad input: one line, exit 2, as for sockdiag and bind-check",
            .enabled(if: Commands.exporterBinary != nil, "sockdiag-exporter is not built next to the tests")
        )
        func missingNamespace() throws {
            let arguments = ["exporter", "-N", "sockdiag-no-such-namespace", "--listen", "127.0.0.1:0"]
            let result = try Commands.run(Commands.sockdiagBinary!, arguments)
            #expect(result.status == 2)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.contains("no network namespace 'sockdiag-no-such-namespace'"))
        }

        @Test("Without sockdiag-exporter beside it, sockdiag exporter says so in one line and exits 1")
        func missingExporter() throws {
            let copy = try ExecutableCopy(of: Commands.sockdiagBinary!, prefix: "sockdiag-lonely")
            defer { copy.remove() }
            let result = try Commands.run(copy.path, ["exporter"])
            #expect(result.status == 1)
            #expect(result.stderrLines.count == 1)
            #expect(result.stderr.contains("sockdiag-exporter is not there"))
        }
    }
}

private func descriptorCount(_ pid: Int32) throws -> Int {
    try FileManager.default.contentsOfDirectory(atPath: "/proc/\(pid)/fd").count
}
