import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// `sockdiag bind-check`, one test per cause, each in a private namespace.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct BindCheck {
        struct Report {
            var status: Int32
            var object: [String: Any]
            var verdict: String { object["verdict"] as? String ?? "" }
            var causes: [[String: Any]] { object["causes"] as? [[String: Any]] ?? [] }
            var causeKinds: [String] { causes.compactMap { $0["kind"] as? String } }
            var remedies: [String] { object["remedies"] as? [String] ?? [] }
            func sockets(_ kind: String) -> [[String: Any]] {
                causes.first { $0["kind"] as? String == kind }?["sockets"] as? [[String: Any]] ?? []
            }
        }

        static func check(_ namespace: TestNamespace, _ arguments: [String], as user: [String] = []) throws -> Report {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let result = try namespace.exec(user + [binary, "bind-check", "--json"] + arguments)
            // The only stderr line allowed: owner information was partial (a process /proc would not show).
            let stray = result.stderrLines.filter { !$0.isEmpty && !$0.hasPrefix("sockdiag: owner information is partial") }
            try #require(!result.signaled && stray.isEmpty, "\(result)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                "\(result)"
            )
            return Report(status: result.status, object: object)
        }

        static func inode(_ fd: Int32) -> Int {
            var info = stat()
            fstat(fd, &info)
            return Int(info.st_ino)
        }

        @Test("a free port: verdict free, exit 0, and the test binds leave no socket behind")
        func free() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let report = try Self.check(namespace, ["8000"])
            #expect(report.status == 0)
            #expect(report.verdict == "free")
            #expect(report.object["bindable"] as? Bool == true)
            #expect(report.causes.isEmpty)
            // The library's own test binds, then a dump that includes bound-but-inactive sockets.
            let left = try namespace.onThread { () -> Int in
                let target = BindTarget(transport: .tcp, address: .v4(.any), port: 8000)
                let proof = BindProof.run(target)
                guard proof.plain == .bound, proof.reuseAddress == .bound, proof.reusePort == .bound else { return -1 }
                let query = SocketQuery(states: StateSet.all.union(.boundInactive), filter: .port(.local, 8000))
                return try SocketInspector().sockets(matching: query).count
            }
            #expect(left == 0)
        }

        @Test("a listener: in use, the listener's socket as evidence, stop-or-restart remedy")
        func listener() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let fd = try namespace.onThread { try LoopbackSockets.tcpListener(SocketAddress("127.0.0.1", 8000)) }
            defer { close(fd) }
            let report = try Self.check(namespace, ["8000"])
            #expect(report.status == 1)
            #expect(report.verdict == "in-use")
            #expect(report.causeKinds == ["listener"])
            #expect(report.sockets("listener").first?["inode"] as? Int == Self.inode(fd))
            // The owner is this test process, by pid and descriptor, and the remedy names it.
            let process = report.sockets("listener").first?["process"] as? [[String: Any]] ?? []
            #expect(process.contains { $0["pid"] as? Int == Int(getpid()) && $0["fd"] as? Int == Int(fd) })
            #expect(report.remedies.contains { $0.contains("stop or restart") && $0.contains("(pid \(getpid()))") })
            #expect(report.remedies.contains { $0.contains("SO_REUSEADDR does not help") })
            // Another address is free.
            #expect(try Self.check(namespace, ["127.0.0.2:8000"]).verdict == "free")
        }

        @Test("TIME_WAIT: free only with SO_REUSEADDR, frees by itself, and --reuseaddr exits 0")
        func timeWait() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            try namespace.onThread {
                let listener = try LoopbackSockets.tcpListener(SocketAddress("127.0.0.1", 8000))
                for _ in 0..<3 {
                    let client = try LoopbackSockets.connected(to: SocketAddress("127.0.0.1", 8000))
                    let server = try LoopbackSockets.accept(listener)
                    close(server)  // the server closes first: its side keeps TIME_WAIT on port 8000
                    try LoopbackSockets.waitForState(client, LoopbackSockets.tcpCloseWait)
                    close(client)
                }
                close(listener)
            }
            usleep(100_000)
            let report = try Self.check(namespace, ["8000"])
            #expect(report.status == 1)
            #expect(report.verdict == "free-with-reuseaddr")
            #expect(report.object["bindable_with_reuseaddr"] as? Bool == true)
            #expect(report.causeKinds == ["time-wait"])
            #expect(report.sockets("time-wait").count == 3)
            let expiry = report.causes.first?["expires_ms"] as? Int ?? 0
            #expect((1...60_000).contains(expiry))
            #expect(report.remedies.contains { $0.contains("SO_REUSEADDR") })
            #expect(report.remedies.contains { $0.hasPrefix("or wait ") })
            #expect(try Self.check(namespace, ["8000", "--reuseaddr"]).status == 0)
        }

        @Test("--wait returns at once when free, and gives up with exit 1 at its timeout, silently when piped")
        func wait() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let free = try namespace.exec([binary, "bind-check", "8000", "--wait", "5"])
            #expect(free.status == 0 && free.stdout.contains("verdict:  free"))
            let fd = try namespace.onThread { try LoopbackSockets.tcpListener(SocketAddress("0.0.0.0", 8000)) }
            defer { close(fd) }
            let start = Date()
            let busy = try namespace.exec([binary, "bind-check", "8000", "--wait=1"])
            let elapsed = Date().timeIntervalSince(start)
            #expect(busy.status == 1)
            #expect(elapsed >= 1 && elapsed < 5, "\(elapsed) s")
            #expect(busy.stderr.isEmpty || busy.stderr.hasPrefix("sockdiag: owner information is partial"))
            #expect(busy.stdout.contains("verdict:  in use"))
        }

        @Test("a socket bound but not listening: named, with its inode")
        func boundInactive() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let fd = try namespace.onThread { try LoopbackSockets.tcpBound(SocketAddress("127.0.0.1", 8500)) }
            defer { close(fd) }
            let report = try Self.check(namespace, ["8500"])
            // The holder set SO_REUSEADDR (as servers do), so a bind with it would share the port; a plain one fails.
            #expect(report.verdict == "free-with-reuseaddr")
            #expect(report.object["bindable"] as? Bool == false)
            #expect(report.causeKinds == ["bound-inactive"])
            #expect(report.sockets("bound-inactive").first?["inode"] as? Int == Self.inode(fd))
            let process = report.sockets("bound-inactive").first?["process"] as? [[String: Any]] ?? []
            #expect(process.contains { $0["pid"] as? Int == Int(getpid()) })
            #expect(report.remedies.contains { $0.contains("without listening") })
        }

        @Test("an IPv6 wildcard listener without IPV6_V6ONLY holds the IPv4 port; with it, IPv4 is free")
        func dualStack() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let dual = try namespace.onThread { try LoopbackSockets.tcpListener(SocketAddress("::", 9000), v6Only: false) }
            defer { close(dual) }
            let report = try Self.check(namespace, ["0.0.0.0:9000"])
            #expect(report.verdict == "in-use")
            #expect(report.causeKinds == ["dual-stack-listener"])
            #expect(report.remedies.contains { $0.contains("IPV6_V6ONLY") })
            let only = try namespace.onThread { try LoopbackSockets.tcpListener(SocketAddress("::", 9001), v6Only: true) }
            defer { close(only) }
            #expect(try Self.check(namespace, ["0.0.0.0:9001"]).verdict == "free")
            #expect(try Self.check(namespace, ["[::]:9001"]).causeKinds == ["listener"])
        }

        @Test("an outgoing connection's ephemeral port: named, with the reserved-ports remedy")
        func ephemeralPort() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let (client, server, listener) = try namespace.onThread { () -> (Int32, Int32, Int32) in
                let listener = try LoopbackSockets.tcpListener(SocketAddress("127.0.0.1", 9100))
                let client = try LoopbackSockets.connected(to: SocketAddress("127.0.0.1", 9100))
                return (client, try LoopbackSockets.accept(listener), listener)
            }
            defer { LoopbackSockets.closeAll([client, server, listener]) }
            let port = try LoopbackSockets.address(of: client).port
            let report = try Self.check(namespace, ["127.0.0.1:\(port)"])
            #expect(report.verdict == "in-use" || report.verdict == "free-with-reuseaddr")
            #expect(report.causeKinds == ["ephemeral-port"])
            #expect(report.remedies.contains { $0.contains("ip_local_reserved_ports=\(port)") })
        }

        static let setpriv = Commands.find("setpriv")

        @Test(
            "a privileged port as an unprivileged user: needs privilege, not in use",
            .enabled(if: setpriv != nil, "needs setpriv to run as nobody")
        )
        func privileged() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let nobody = [Self.setpriv!, "--reuid=nobody", "--regid=nogroup", "--clear-groups"]
            let report = try Self.check(namespace, ["80"], as: nobody)
            #expect(report.status == 1)
            #expect(report.verdict == "needs-privilege")
            #expect(report.causes.isEmpty)
            #expect(report.remedies.contains { $0.contains("CAP_NET_BIND_SERVICE") })
            #expect(try Self.check(namespace, ["8080"], as: nobody).verdict == "free")
        }

        /// A Python that an unprivileged user can run (a pyenv under /root is not).
        static let systemPython: String? = ["/usr/bin/python3", "/bin/python3"].first { (path: String) in access(path, X_OK) == 0 }

        @Test(
            "a SO_REUSEPORT group of another user: in use even with SO_REUSEPORT",
            .enabled(if: setpriv != nil && systemPython != nil, "needs setpriv and /usr/bin/python3 to hold sockets as nobody")
        )
        func reusePortGroup() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let ready = URL(fileURLWithPath: "/tmp/sockdiag-reuseport-\(getpid())")
            defer { try? FileManager.default.removeItem(at: ready) }
            let script = """
                import socket, sys, time
                held = []
                for _ in range(2):
                    s = socket.socket(); s.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
                    s.bind(("0.0.0.0", 9200)); s.listen(); held.append(s)
                open(sys.argv[1], "w").write("ready")
                time.sleep(30)
                """
            let holder = Process()
            holder.executableURL = URL(fileURLWithPath: try #require(Commands.find("ip")))
            holder.arguments = ["netns", "exec", namespace.name, Self.setpriv!, "--reuid=nobody", "--regid=nogroup",
                                "--clear-groups", Self.systemPython!, "-c", script, ready.path]
            try holder.run()
            defer {
                kill(holder.processIdentifier, SIGKILL)
                holder.waitUntilExit()
            }
            for _ in 0..<100 where !FileManager.default.fileExists(atPath: ready.path) { usleep(50_000) }
            let report = try Self.check(namespace, ["9200"])
            #expect(report.verdict == "in-use")
            #expect(report.object["bindable_with_reuseport"] as? Bool == false)
            #expect(report.causeKinds == ["reuseport-group"])
            #expect(report.sockets("reuseport-group").count == 2)
            #expect(report.remedies.contains { $0.contains("SO_REUSEPORT joins only groups of the same user") })
        }

        @Test("-N enters a named namespace from outside; an unknown one is a usage error")
        func namedNamespace() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let fd = try namespace.onThread { try LoopbackSockets.tcpListener(SocketAddress("0.0.0.0", 8000)) }
            defer { close(fd) }
            let inside = try Commands.run(binary, ["bind-check", "8000", "-N", namespace.name, "--json"])
            #expect(inside.status == 1)
            #expect(inside.stdout.contains("\"verdict\":\"in-use\""))
            #expect(inside.stdout.contains("-N \(namespace.name)"))
            // The listing takes -N too.
            let listed = try Commands.run(binary, ["-tl", "-N", namespace.name, "--json"])
            #expect(listed.status == 0)
            #expect(listed.stdout.contains("\"local\":{\"address\":\"0.0.0.0\",\"port\":8000}"))
            let listedUnknown = try Commands.run(binary, ["-tl", "--net", "sockdiag-no-such-namespace"])
            #expect(listedUnknown.status == 2 && listedUnknown.stderrLines.count == 1)
            let unknown = try Commands.run(binary, ["bind-check", "8000", "-N", "sockdiag-no-such-namespace"])
            #expect(unknown.status == 2)
            #expect(unknown.stderrLines.count == 1)
            #expect(unknown.stderrLines.first?.contains("no network namespace 'sockdiag-no-such-namespace'") == true)
        }
    }

    /// Bad input to bind-check: one line, exit 2 (no root needed).
    @Suite struct BindCheckInput {
        @Test("bad targets and options exit 2 with one line", arguments: [
            (["0"], "port"), (["70000"], "port"), (["abc"], "port"), (["300.1.1.1:80"], "address"),
            (["::1:80"], "brackets"), (["[::1"], "]"), (["8000", "--reuseaddr", "--reuseport"], "contradict"),
            ([], "Missing"), (["8000", "--wait", "0"], "--wait"),
        ] as [([String], String)])
        func badInput(arguments: [String], word: String) throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let result = try Commands.run(binary, ["bind-check"] + arguments)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(result.stderrLines.first?.hasPrefix("sockdiag: ") == true)
            #expect(result.stderrLines.first?.contains(word) == true, "\(result)")
            #expect(result.stdout.isEmpty)
        }
    }
}
