import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// deploy/prometheus and deploy/grafana against real components: the exporter, Prometheus evaluating the rules
    /// every second and Alertmanager, all on loopback inside a private namespace, started and stopped by PID.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.exporterBinary != nil, "sockdiag-exporter is not built next to the tests"),
        .enabled(
            if: Commands.prometheus != nil && Commands.alertmanager != nil,
            "prometheus and prometheus-alertmanager are not installed (Scripts/setup.sh installs them)"
        )
    )
    struct Alerting {
        @Test(
            "A filling accept queue fires SockdiagAcceptQueueNearlyFull at Alertmanager, which resolves once it is accepted; every dashboard query has data"
        )
        func acceptQueueAlertAndDashboard() throws {
            let started = Date()
            let fixture = try QueuedPopulation()
            defer { fixture.remove() }
            let stack = try MonitoringStack(in: fixture.namespace)
            defer { stack.stop() }

            _ = try stack.prometheus.wait("a scrape of the exporter", seconds: 20) {
                try stack.query(#"up{job="sockdiag"}"#).first?.value == 1 ? true : nil
            }
            #expect(try stack.firingAlerts(port: "8400", netns: fixture.namespace.name).isEmpty)

            // A listener with backlog 4 that nobody accepts from, and 4 clients: its queue is at its limit.
            let trigger = try fixture.namespace.onThread { try QueueTrigger(port: 8400, backlog: 4, clients: 4) }
            defer { trigger.close() }
            let filled = Date()
            let alert = try stack.alertmanager.wait("the alert at Alertmanager", seconds: 30) {
                try stack.firingAlerts(port: "8400", netns: fixture.namespace.name).first
            }
            let fired = Date()
            #expect(alert["severity"] == "warning")
            #expect(alert["address"] == "127.0.0.1" && alert["family"] == "inet")

            // Every panel query of the dashboard returns data from this Prometheus.
            let queries = try Dashboard.queries()
            #expect(queries.count >= 15)
            for query in queries {
                let result = try? stack.prometheus.wait("data for \(query)", seconds: 10) {
                    let samples = try stack.query(query)
                    return samples.isEmpty ? nil : samples
                }
                #expect(result != nil, "no data for dashboard query: \(query)")
            }

            // The listener accepts: the queue empties, the alert resolves.
            try trigger.acceptAll()
            let accepted = Date()
            _ = try stack.alertmanager.wait("the alert resolved at Alertmanager", seconds: 30) {
                try stack.firingAlerts(port: "8400", netns: fixture.namespace.name).isEmpty ? true : nil
            }
            let resolved = Date()
            let figures = String(
                format: "alert after %.1f s, resolved after %.1f s, whole test %.1f s",
                fired.timeIntervalSince(filled),
                resolved.timeIntervalSince(accepted),
                resolved.timeIntervalSince(started)
            )
            print("Integration.Alerting: \(figures)")
        }
    }
}

/// The exporter (`--tcp-info --all-netns`), Prometheus (the rules of deploy/prometheus with every `for:` cut to
/// 2 s, scrape and evaluation every second) and Alertmanager, inside `namespace`, with their files in a temporary
/// directory removed by ``stop()``.
private final class MonitoringStack {
    let namespace: TestNamespace
    let directory: URL
    let exporter: BackgroundProcess
    let alertmanager: BackgroundProcess
    let prometheus: BackgroundProcess

    init(in namespace: TestNamespace) throws {
        self.namespace = namespace
        directory = FileManager.default.temporaryDirectory
            .appendingPathComponent("sockdiag-alerting-\(getpid())-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        var started: [BackgroundProcess] = []
        do {
            try Self.writeConfiguration(to: directory)
            let ip = Commands.ip!
            let inside = ["netns", "exec", namespace.name]
            exporter = try BackgroundProcess(
                ip,
                inside + [Commands.exporterBinary!, "--listen", "127.0.0.1:9474", "--tcp-info", "--all-netns"],
                label: "exporter"
            )
            started.append(exporter)
            alertmanager = try BackgroundProcess(
                ip,
                inside + [
                    Commands.alertmanager!, "--config.file=\(directory.path)/alertmanager.yml",
                    "--storage.path=\(directory.path)/alertmanager", "--web.listen-address=127.0.0.1:9093",
                    "--cluster.listen-address=", "--log.level=warn",
                ],
                label: "alertmanager"
            )
            started.append(alertmanager)
            prometheus = try BackgroundProcess(
                ip,
                inside + [
                    Commands.prometheus!, "--config.file=\(directory.path)/prometheus.yml",
                    "--storage.tsdb.path=\(directory.path)/prometheus", "--web.listen-address=127.0.0.1:9090",
                    "--log.level=warn",
                ],
                label: "prometheus"
            )
            started.append(prometheus)
            _ = try alertmanager.wait("readiness (/-/ready)", seconds: 20) {
                try get(port: 9093, "/-/ready").status == 200 ? true : nil
            }
            _ = try prometheus.wait("readiness (/-/ready)", seconds: 20) {
                try get(port: 9090, "/-/ready").status == 200 ? true : nil
            }
        } catch {
            for process in started.reversed() { process.stop() }
            try? FileManager.default.removeItem(at: directory)
            throw error
        }
    }

    func stop() {
        prometheus.stop()
        alertmanager.stop()
        exporter.stop()
        try? FileManager.default.removeItem(at: directory)
    }

    private static func writeConfiguration(to directory: URL) throws {
        let rulesFile = Dashboard.repository.appendingPathComponent("deploy/prometheus/sockdiag-rules.yml")
        let rules = try String(contentsOf: rulesFile, encoding: .utf8)
        // Every `for:` cut to 2 s, so that the test takes seconds; the expressions are the file's.
        let shortened = rules.replacingOccurrences(
            of: #"(?m)^(\s+for:) \S+$"#,
            with: "$1 2s",
            options: .regularExpression
        )
        try shortened.write(to: directory.appendingPathComponent("rules.yml"), atomically: true, encoding: .utf8)
        try """
        global:
          scrape_interval: 1s
          scrape_timeout: 1s
          evaluation_interval: 1s
        rule_files: ["\(directory.path)/rules.yml"]
        alerting:
          alertmanagers:
            - static_configs:
                - targets: ["127.0.0.1:9093"]
        scrape_configs:
          - job_name: sockdiag
            static_configs:
              - targets: ["127.0.0.1:9474"]
        """.write(to: directory.appendingPathComponent("prometheus.yml"), atomically: true, encoding: .utf8)
        try """
        route:
          receiver: "null"
          group_wait: 0s
          group_interval: 1s
          repeat_interval: 1h
        receivers:
          - name: "null"
        """.write(to: directory.appendingPathComponent("alertmanager.yml"), atomically: true, encoding: .utf8)
    }

    /// A GET inside the namespace, its body de-chunked (Go's server sends larger answers chunked).
    func get(port: UInt16, _ path: String) throws -> HTTPProbe.Response {
        var response = try namespace.onThread { try HTTPProbe.request(port: port, path: path) }
        if response.headers["transfer-encoding"] == "chunked" { response.body = try Self.dechunk(response.body) }
        return response
    }

    private static func dechunk(_ body: String) throws -> String {
        let bytes = Array(body.utf8)
        var whole: [UInt8] = []
        var index = 0
        while let lineEnd = bytes[index...].firstIndex(of: UInt8(ascii: "\r")) {
            let line = String(decoding: bytes[index..<lineEnd], as: UTF8.self)
            guard let size = Int(line.split(separator: ";").first ?? "", radix: 16) else {
                throw HelperError("bad chunk size line: \(line.prefix(40))")
            }
            if size == 0 { return String(decoding: whole, as: UTF8.self) }
            let start = lineEnd + 2
            guard start + size <= bytes.count else { throw HelperError("a chunk is cut short") }
            whole += bytes[start..<start + size]
            index = start + size + 2
            guard index <= bytes.count else { break }
        }
        throw HelperError("no last chunk")
    }

    /// The samples of an instant query: labels and value.
    func query(_ promQL: String) throws -> [(labels: [String: String], value: Double)] {
        let encoded = promQL.addingPercentEncoding(withAllowedCharacters: .alphanumerics)!
        let response = try get(port: 9090, "/api/v1/query?query=\(encoded)")
        guard response.status == 200,
            let json = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [String: Any],
            let data = json["data"] as? [String: Any], let result = data["result"] as? [[String: Any]]
        else { throw HelperError("query \(promQL): \(response)") }
        return result.compactMap { sample in
            guard let value = sample["value"] as? [Any], value.count == 2, let text = value[1] as? String else {
                return nil
            }
            return ((sample["metric"] as? [String: String]) ?? [:], Double(text) ?? .nan)
        }
    }

    /// The labels of the SockdiagAcceptQueueNearlyFull alerts Alertmanager holds for `port` in `netns`.
    func firingAlerts(port: String, netns: String) throws -> [[String: String]] {
        let response = try get(port: 9093, "/api/v2/alerts")
        guard response.status == 200,
            let alerts = try JSONSerialization.jsonObject(with: Data(response.body.utf8)) as? [[String: Any]]
        else { throw HelperError("alertmanager /api/v2/alerts: \(response)") }
        return alerts.compactMap { $0["labels"] as? [String: String] }.filter {
            $0["alertname"] == "SockdiagAcceptQueueNearlyFull" && $0["port"] == port && $0["netns"] == netns
        }
    }
}

/// deploy/grafana/sockdiag.json's panel queries, with the dashboard's variables filled in.
private enum Dashboard {
    /// The package's root, from this file's path.
    static let repository = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent()
        .deletingLastPathComponent().deletingLastPathComponent()

    static func queries() throws -> [String] {
        let url = repository.appendingPathComponent("deploy/grafana/sockdiag.json")
        guard let json = try JSONSerialization.jsonObject(with: Data(contentsOf: url)) as? [String: Any] else {
            throw HelperError("\(url.path) is not a JSON object")
        }
        var expressions: [String] = []
        func collect(_ panels: [[String: Any]]) {
            for panel in panels {
                for target in panel["targets"] as? [[String: Any]] ?? [] {
                    if let expr = target["expr"] as? String { expressions.append(expr) }
                }
                collect(panel["panels"] as? [[String: Any]] ?? [])
            }
        }
        collect(json["panels"] as? [[String: Any]] ?? [])
        return expressions.map {
            $0.replacingOccurrences(of: "$instance", with: ".*").replacingOccurrences(of: "$job", with: ".*")
                .replacingOccurrences(of: "$__rate_interval", with: "1m")
        }
    }
}

/// A TCP listener nobody accepts from, with clients in its accept queue.
private struct QueueTrigger: Sendable {
    let listener: Int32
    let clients: [Int32]
    private let accepted = LockedDescriptors()

    init(port: UInt16, backlog: Int32, clients count: Int) throws {
        let address = SocketAddress("127.0.0.1", port)
        listener = try LoopbackSockets.tcpBound(address)
        var clients: [Int32] = []
        do {
            guard listen(listener, backlog) == 0 else { throw HelperError.system("listen \(address)") }
            for _ in 0..<count { clients.append(try LoopbackSockets.connected(to: address)) }
        } catch {
            LoopbackSockets.closeAll(clients + [listener])
            throw error
        }
        self.clients = clients
    }

    /// Accepts every queued connection (kept open: the queue empties, nothing else changes).
    func acceptAll() throws {
        for _ in clients { accepted.append(try LoopbackSockets.accept(listener)) }
    }

    func close() {
        LoopbackSockets.closeAll(accepted.all + clients + [listener])
    }
}

private final class LockedDescriptors: @unchecked Sendable {
    private let lock = NSLock()
    private var fds: [Int32] = []
    func append(_ fd: Int32) { lock.withLock { fds.append(fd) } }
    var all: [Int32] { lock.withLock { fds } }
}
