import Foundation
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// The exporter's connection limits: idle clients, slow clients and garbage cannot starve a scrape.
    ///
    /// Each test serves from inside a private namespace (`ip netns exec`, which execs: the PID is the exporter's),
    /// and every client connects to its loopback there.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.exporterBinary != nil, "sockdiag-exporter is not built next to the tests"),
        .enabled(if: Commands.find("prlimit") != nil, "prlimit (util-linux) is not installed")
    )
    struct ExporterLimits {
        /// A scrape must be answered, to the last byte, within this many seconds.
        static let scrapeBound = 2.0

        @Test(
            "At 64 descriptors, with hundreds of idle and slowloris clients, every scrape is answered within 2 s",
            arguments: [[], ["--max-connections", "16"]]
        )
        func starvedExporterStillAnswers(limits: [String]) throws {
            let served = try ServedExporter(["--listen", "127.0.0.1:0"] + limits, descriptors: 64)
            defer { served.stop() }
            let (namespace, exporter, port) = (served.namespace, served.process, served.port)

            var idle: [Int32] = []
            var slow: [Int32] = []
            defer { LoopbackSockets.closeAll(idle + slow) }
            var latencies: [Double] = []
            for round in 0..<5 {
                // 40 idle clients and 8 that start a request and never finish it, then a header line on every
                // slow client so far (a slowloris keeps its request going), then a scrape.
                let clients = try namespace.onThread { try Self.clients(port: port, idle: 40, slow: 8) }
                idle += clients.idle
                slow += clients.slow
                try namespace.onThread { [slow] in
                    for fd in slow { try? HTTPProbe.sendRaw(fd, "X-Round: \(round)\r\n") }
                }
                let (response, seconds) = try namespace.onThread {
                    try HTTPProbe.request(port: port, path: "/metrics", within: Self.scrapeBound)
                }
                #expect(response.status == 200, "\(response)")
                latencies.append(seconds)
            }
            // Not spinning: less than a quarter of a CPU second in a second of being held.
            let before = try exporter.cpuSeconds()
            usleep(1_000_000)
            let cpu = try exporter.cpuSeconds() - before
            #expect(cpu < 0.25, "the exporter used \(cpu) s of CPU in 1 s")

            let (last, _) = try namespace.onThread {
                try HTTPProbe.request(port: port, path: "/metrics", within: Self.scrapeBound)
            }
            let metrics = Exposition(last.body)
            let evicted = metrics.value("sockdiag_http_connections_closed_total", ["reason": "evicted"]) ?? 0
            let open = metrics.value("sockdiag_http_connections") ?? -1
            let cap = limits.isEmpty ? 32 : 16
            #expect(evicted > 0)
            #expect(open >= 1 && open <= Double(cap), "\(open) connections open, at most \(cap)")
            if limits.isEmpty {
                #expect(exporter.stderr.contains("--max-connections 256 lowered to 32"), "\(exporter.stderr)")
            }
            print(
                "exporter starvation (\(limits.isEmpty ? "default limits" : limits.joined(separator: " "))):",
                "\(idle.count) idle and \(slow.count) slowloris client connections held, RLIMIT_NOFILE 64, at most \(cap) served at once,",
                "\(Int(evicted)) evicted; scrape latencies (s):",
                latencies.map { String(format: "%.3f", $0) }.joined(separator: " "),
                String(format: "; CPU %.2f s in 1 s held", cpu)
            )
        }

        @Test("A garbage request gets 400 and the connection is closed; so does a 404 on a keep-alive connection")
        func errorsClose() throws {
            let served = try ServedExporter(["--listen", "127.0.0.1:0"])
            defer { served.stop() }
            let (namespace, port) = (served.namespace, served.port)

            for (request, status) in [
                ("GARBAGE \u{1}\u{2}\r\n\r\n", "400"), ("GET /index.html HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "404"),
                ("DELETE /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n", "405"),
            ] {
                let closed = try namespace.onThread { () -> HTTPProbe.Closed? in
                    guard let fd = try HTTPProbe.connect(port: port, within: 2) else { return nil }
                    try HTTPProbe.sendRaw(fd, request)
                    return HTTPProbe.waitUntilClosed(fd, within: 2)
                }
                #expect(
                    closed?.received.hasPrefix("HTTP/1.1 \(status)") == true,
                    "\(request.debugDescription): \(String(describing: closed))"
                )
            }
        }

        @Test("Closed: idle after --idle-timeout, a slowloris after --header-timeout, keep-alive after its answer")
        func timeoutsClose() throws {
            let served = try ServedExporter(["--listen", "127.0.0.1:0", "--idle-timeout", "1", "--header-timeout", "2"])
            defer { served.stop() }
            let (namespace, port) = (served.namespace, served.port)

            let idle = try namespace.onThread { () -> HTTPProbe.Closed? in
                guard let fd = try HTTPProbe.connect(port: port, within: 2) else { return nil }
                return HTTPProbe.waitUntilClosed(fd, within: 4)
            }
            #expect(idle.map { (0.9...2.5).contains($0.seconds) } == true, "idle: \(String(describing: idle))")

            // A header line every 0.3 s: never idle for a second, but the head is not complete after 2 s.
            let slow = try namespace.onThread { try Self.trickle(port: port, every: 0.3, for: 5) }
            #expect(slow.map { (1.9...3.5).contains($0) } == true, "slowloris closed after \(String(describing: slow))")

            let keepAlive = try namespace.onThread { () -> HTTPProbe.Closed? in
                guard let fd = try HTTPProbe.connect(port: port, within: 2) else { return nil }
                try HTTPProbe.sendRaw(fd, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n")
                return HTTPProbe.waitUntilClosed(fd, within: 4)
            }
            #expect(keepAlive?.received.hasPrefix("HTTP/1.1 200") == true, "\(String(describing: keepAlive))")
            #expect(keepAlive.map { (0.9...3).contains($0.seconds) } == true, "\(String(describing: keepAlive))")
        }

        @Test("accept() failing with EMFILE: no busy loop, an idle client gives way, and serving resumes")
        func acceptFailureRecovers() throws {
            let served = try ServedExporter(["--listen", "127.0.0.1:0"])
            defer { served.stop() }
            let (namespace, exporter, port) = (served.namespace, served.process, served.port)
            let base = try exporter.descriptorCount()

            // Four idle clients, accepted; then no descriptor left: the next accept() fails with EMFILE.
            var idle = try namespace.onThread { try Self.clients(port: port, idle: 4, slow: 0).idle }
            defer { LoopbackSockets.closeAll(idle) }
            _ = try exporter.wait("4 accepted connections") { try exporter.descriptorCount() == base + 4 ? true : nil }
            try exporter.limitDescriptors(to: try exporter.lowestFreeDescriptor())
            let (response, seconds) = try namespace.onThread {
                try HTTPProbe.request(port: port, path: "/metrics", within: Self.scrapeBound)
            }
            #expect(response.status == 200, "\(response)")

            // No descriptor at all and nobody to give way (the clients are gone): the pending scrape waits, without
            // spinning, until descriptors are back.
            LoopbackSockets.closeAll(idle)
            idle = []
            _ = try exporter.wait("the idle connections closed") { try exporter.descriptorCount() == base ? true : nil }
            try exporter.limitDescriptors(to: 1)
            let pending = try namespace.onThread { () -> Int32? in
                guard let fd = try HTTPProbe.connect(port: port, within: 2) else { return nil }
                try HTTPProbe.sendRaw(fd, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n")
                return fd
            }
            let fd = try #require(pending)
            let before = try exporter.cpuSeconds()
            usleep(1_500_000)
            let cpu = try exporter.cpuSeconds() - before
            #expect(cpu < 0.25, "the exporter used \(cpu) s of CPU in 1.5 s without descriptors")
            try exporter.limitDescriptors(to: 1024)
            let answer = HTTPProbe.waitUntilClosed(fd, within: Self.scrapeBound)
            #expect(answer?.received.hasPrefix("HTTP/1.1 200") == true, "\(String(describing: answer))")
            #expect(exporter.stderr.contains("Too many open files"), "\(exporter.stderr)")
            print(
                "exporter EMFILE: scrape at the limit answered in \(String(format: "%.3f", seconds)) s,",
                String(format: "CPU %.2f s in 1.5 s without descriptors,", cpu),
                "answered \(answer.map { String(format: "%.3f", $0.seconds) } ?? "never") s after the limit rose"
            )
        }

        /// `idle` connections that send nothing and `slow` ones that send an unfinished request head; a connection
        /// that does not complete within 0.5 s (the exporter's accept queue is full) is not counted.
        private static func clients(port: UInt16, idle: Int, slow: Int) throws -> (idle: [Int32], slow: [Int32]) {
            var fds: (idle: [Int32], slow: [Int32]) = ([], [])
            for index in 0..<(idle + slow) {
                guard let fd = try HTTPProbe.connect(port: port, within: 0.5) else { continue }
                if index < idle {
                    fds.idle.append(fd)
                } else {
                    fds.slow.append(fd)
                    try? HTTPProbe.sendRaw(fd, "GET /metrics HTTP/1.1\r\nHost: 127.0.0.1\r\n")
                }
            }
            return fds
        }

        /// Starts a request and sends one more header line every `interval` seconds, never ending the head: after
        /// how many seconds the server closed the connection, or `nil` if it was still open after `seconds`.
        private static func trickle(port: UInt16, every interval: Double, for seconds: Double) throws -> Double? {
            guard let fd = try HTTPProbe.connect(port: port, within: 2) else { return nil }
            defer { close(fd) }
            let start = Date()
            try HTTPProbe.sendRaw(fd, "GET /metrics HTTP/1.1\r\n")
            var line = 0
            while Date().timeIntervalSince(start) < seconds {
                usleep(UInt32(interval * 1_000_000))
                var byte: UInt8 = 0
                let count = recv(fd, &byte, 1, Int32(MSG_DONTWAIT))
                if count == 0 || (count < 0 && errno != EAGAIN) { return Date().timeIntervalSince(start) }
                line += 1
                do {
                    try HTTPProbe.sendRaw(fd, "X-Line-\(line): \(line)\r\n")
                } catch {
                    return Date().timeIntervalSince(start)
                }
            }
            return nil
        }
    }
}

extension Integration {
    /// The limits' options: bounded, and a bad value is one line and exit 2.
    @Suite(.enabled(if: Commands.exporterBinary != nil, "sockdiag-exporter is not built next to the tests"))
    struct ExporterLimitOptions {
        @Test(
            "Out-of-range limits are one line, exit 2",
            arguments: [
                (["--idle-timeout", "0"], "--idle-timeout takes a number from 1 to 3600, not 0"),
                (["--idle-timeout", "3601"], "--idle-timeout takes a number from 1 to 3600, not 3601"),
                (["--header-timeout", "301"], "--header-timeout takes a number from 1 to 300, not 301"),
                (["--max-connections", "0"], "--max-connections takes a number from 1 to 16384, not 0"),
                (["--max-connections", "16385"], "--max-connections takes a number from 1 to 16384, not 16385"),
                (["--max-connections", "many"], "--max-connections"),
                // A hidden test option whose value once reached a UInt32 multiplication that trapped.
                (["--dump-delay-ms", "4294968"], "--dump-delay-ms takes a number from 0 to 60000, not 4294968"),
            ]
        )
        func badLimits(arguments: [String], message: String) throws {
            let result = try Commands.run(Commands.exporterBinary!, ["--listen", "127.0.0.1:0"] + arguments)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines.count == 1, "\(result.stderr)")
            #expect(result.stderr.contains(message), "\(result.stderr)")
        }

        @Test("--help documents the limits and their defaults")
        func help() throws {
            let help = try Commands.run(Commands.exporterBinary!, ["--help"])
            #expect(help.status == 0)
            for option in ["--idle-timeout <seconds>", "--header-timeout <seconds>", "--max-connections <n>"] {
                #expect(help.stdout.contains(option), "\(option)")
            }
            #expect(help.stdout.contains("(default: 30)") && help.stdout.contains("(default: 256)"))
        }
    }
}

/// The exporter serving inside a namespace of its own (`ip netns exec`, which execs: the PID is the exporter's), under
/// `prlimit --nofile=N:N` when `descriptors` is given, and its port; ``stop()`` ends it and removes the namespace.
private struct ServedExporter {
    let namespace: TestNamespace
    let process: BackgroundProcess
    let port: UInt16

    init(_ arguments: [String], descriptors: Int? = nil) throws {
        namespace = try TestNamespace()
        let limit = descriptors.map { [Commands.find("prlimit")!, "--nofile=\($0):\($0)", "--"] } ?? []
        do {
            process = try BackgroundProcess(
                Commands.ip!,
                ["netns", "exec", namespace.name] + limit + [Commands.exporterBinary!] + arguments,
                label: "exporter"
            )
        } catch {
            namespace.remove()
            throw error
        }
        do {
            port = try QueuedPopulation.listeningPort(of: process)
        } catch {
            process.stop()
            namespace.remove()
            throw error
        }
    }

    func stop() {
        process.stop()
        namespace.remove()
    }
}
