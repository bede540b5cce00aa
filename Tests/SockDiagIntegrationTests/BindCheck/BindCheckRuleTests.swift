import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// bind-check's rules for causes and remedies (issue 11), and the probe that leaves nothing behind; each in
    /// private namespaces, the holders Python processes the test starts.
    @Suite(.enabled(
        if: TestNamespace.canCreate && BindCheck.systemPython != nil && BindCheck.setpriv != nil,
        "needs root, `ip netns`, setpriv and /usr/bin/python3"
    ))
    struct BindCheckRules {
        typealias Report = BindCheck.Report

        /// A Python holder in `namespace` (as `nobody` when `asNobody`): runs `script`, prints `ready`, sleeps.
        static func holder(_ namespace: TestNamespace, _ script: String, asNobody: Bool = false) throws
            -> BackgroundProcess
        {
            let ip = try #require(Commands.find("ip"))
            let user = asNobody ? [BindCheck.setpriv!, "--reuid=65534", "--regid=65534", "--clear-groups"] : []
            let body = "import socket, os, sys, time\n" + script + "\nprint('ready', flush=True)\ntime.sleep(60)\n"
            let process = try BackgroundProcess(
                ip, ["netns", "exec", namespace.name] + user + [BindCheck.systemPython!, "-c", body], label: "holder"
            )
            _ = try process.wait("ready") { process.stdout.contains("ready") ? true : nil }
            return process
        }

        /// The outcomes of a fixed sequence of test binds: plain, SO_REUSEADDR, SO_REUSEPORT x [::], 0.0.0.0,
        /// 127.0.0.1 (SO_REUSEPORT first: what a polluted fast path lets through).
        static func matrix(_ namespace: TestNamespace, port: UInt16) throws -> [String] {
            try namespace.onThread {
                var outcomes: [String] = []
                for option in [SO_REUSEPORT, SO_REUSEADDR, nil] as [Int32?] {
                    for address in [IPAddress.v6(.any), .v4(.any), .v4(.loopback)] {
                        let target = BindTarget(transport: .tcp, address: address, port: port)
                        outcomes.append("\(option.map(String.init) ?? "plain") \(address): "
                            + "\(BindProof.bind(target, option: option))")
                    }
                }
                return outcomes
            }
        }

        @Test("the probe leaves nothing behind: after bind-check, binds to the port behave as in a twin namespace")
        func probeLeavesNothing() throws {
            let binary = try #require(Commands.sockdiagBinary)
            let checked = try TestNamespace()
            defer { checked.remove() }
            let twin = try TestNamespace()
            defer { twin.remove() }
            let listeners = try [checked, twin].map { namespace in
                try namespace.onThread { try LoopbackSockets.tcpListener(SocketAddress("::", 7000), v6Only: true) }
            }
            defer { LoopbackSockets.closeAll(listeners) }
            let run = try Commands.run(binary, ["bind-check", "0.0.0.0:7000", "-N", checked.name, "--json"])
            #expect(run.status == 0, "\(run)")
            #expect(run.stdout.contains("\"inferred\":[\"plain\",\"reuseaddr\",\"reuseport\"]"), "\(run)")
            let after = try Self.matrix(checked, port: 7000)
            let before = try Self.matrix(twin, port: 7000)
            #expect(after == before)
            #expect(before.first == "\(SO_REUSEPORT) ::: EADDRINUSE")
        }

        static let timeWaitScript = """
            def pair(port, reuse):
                l = socket.socket()
                if reuse: l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                l.bind(("127.0.0.1", port)); l.listen()
                c = socket.create_connection(("127.0.0.1", port)); s, _ = l.accept()
                s.close(); time.sleep(0.1); l.close(); return c
            pair(7100, False).close()
            kept = pair(7102, False)
            time.sleep(0.2)
            """

        @Test("TIME_WAIT without SO_REUSEADDR: not recommended; orphaned FIN-WAIT-2 apart; no user; text = JSON")
        func timeWaitWithoutReuseAddress() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            _ = try namespace.exec(["sysctl", "-qw", "net.ipv4.tcp_tw_reuse=0"])
            let holder = try Self.holder(namespace, Self.timeWaitScript)
            defer { holder.stop() }
            let report = try BindCheck.check(namespace, ["7100", "--suggest", "0"])
            #expect(report.verdict == "in-use")
            let proof = report.object["proof"] as? [String: Any] ?? [:]
            #expect(proof["reuseaddr"] as? String == "EADDRINUSE")
            #expect((proof["inferred"] as? [String])?.contains("reuseaddr") == false)
            #expect(report.causeKinds == ["time-wait"])
            #expect(report.sockets("time-wait").allSatisfy { $0["user"] is NSNull })
            #expect(report.remedies.contains { $0.contains("SO_REUSEADDR does not help") })
            #expect(report.remedies.contains { $0.contains("sockdiag free 7100") })
            #expect(!report.remedies.contains { $0.hasPrefix("set SO_REUSEADDR") })
            let orphan = try BindCheck.check(namespace, ["7102", "--suggest", "0"])
            #expect(orphan.causeKinds == ["orphaned-fin-wait-2"])
            #expect(!orphan.causes.contains { ($0["description"] as? String ?? "").contains("TIME_WAIT sockets") })
            // Text and JSON agree: the verdict, the remedies.
            let binary = try #require(Commands.sockdiagBinary)
            let text = try namespace.exec([binary, "bind-check", "7100", "--suggest", "0"]).stdout
            // The two runs are apart in time: a countdown ("wait 60 s") may have ticked between them.
            func seconds(_ text: String) -> String { text.replacing(/\d+ s\b/, with: "N s") }
            let summary = seconds(report.object["summary"] as? String ?? "?")
            #expect(seconds(text).contains("verdict:  \(summary)\n"))
            for remedy in report.remedies { #expect(seconds(text).contains("  - \(seconds(remedy))\n")) }
            #expect(!text.contains("root (uid 0)"))
        }

        @Test("a pre-forked server: every worker is named, and a partial owner scan counts right")
        func preforked() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let script = """
                l = socket.socket(); l.bind(("0.0.0.0", 7200)); l.listen()
                parent = os.getpid()
                for _ in range(3):
                    if os.fork() == 0:
                        while os.getppid() == parent: time.sleep(0.05)
                        os._exit(0)
                time.sleep(0.2)
                """
            let holder = try Self.holder(namespace, script)
            defer { holder.stop() }
            let report = try BindCheck.check(namespace, ["7200"])
            let listeners = report.sockets("listener")
            let owners = (listeners.first?["process"] as? [[String: Any]] ?? []).compactMap { $0["pid"] as? Int }
            #expect(Set(owners).count == 4, "\(owners)")
            let stop = report.remedies.first { $0.hasPrefix("stop or restart") } ?? ""
            for pid in owners { #expect(stop.contains("(pid \(pid))"), "\(stop)") }
            // As nobody most of /proc cannot be read: the note counts the unreadable among all processes.
            let binary = try #require(Commands.sockdiagBinary)
            let nobody = try namespace.exec([BindCheck.setpriv!, "--reuid=65534", "--regid=65534", "--clear-groups",
                                             binary, "bind-check", "7200"])
            let note = nobody.stderrLines.first { $0.contains("owner information is partial") } ?? ""
            let numbers = note.split(separator: " ").compactMap { Int($0) }
            #expect(numbers.count >= 2 && numbers[0] <= numbers[1], "\(note)")
        }

        @Test("an IPv4 listener against a bind to [::]: the new socket is blamed, not the listener")
        func ipv4ListenerAgainstDualStackBind() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let fd = try namespace.onThread { try LoopbackSockets.tcpListener(SocketAddress("0.0.0.0", 7300)) }
            defer { close(fd) }
            let report = try BindCheck.check(namespace, ["[::]:7300"])
            #expect(report.verdict == "in-use")
            #expect(report.causeKinds == ["ipv4-listener-against-dual-stack-bind"])
            #expect(report.remedies.contains { $0.contains("IPV6_V6ONLY on the new socket") })
            #expect(!report.remedies.contains { $0.contains("listens on the IPv6 wildcard") })
        }

        @Test("a lone SO_REUSEPORT listener of another uid is named with what works")
        func loneReusePortListener() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let script = """
                l = socket.socket(); l.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1)
                l.bind(("0.0.0.0", 7400)); l.listen()
                """
            let holder = try Self.holder(namespace, script, asNobody: true)
            defer { holder.stop() }
            let report = try BindCheck.check(namespace, ["7400"])
            #expect(report.verdict == "in-use")
            #expect(report.object["bindable_with_reuseport"] as? Bool == false)
            #expect(report.remedies.contains {
                $0.contains("a listener of uid 65534") && $0.contains("run as uid 65534 with SO_REUSEPORT")
            })
        }

        @Test("an ephemeral-port holder: the reserved-ports remedy keeps the existing list")
        func reservedPortsMerged() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            _ = try namespace.exec(["sysctl", "-qw", "net.ipv4.ip_local_reserved_ports=40000-40010"])
            let (client, server, listener) = try namespace.onThread { () -> (Int32, Int32, Int32) in
                let listener = try LoopbackSockets.tcpListener(SocketAddress("127.0.0.1", 7500))
                let client = try LoopbackSockets.connected(to: SocketAddress("127.0.0.1", 7500))
                return (client, try LoopbackSockets.accept(listener), listener)
            }
            defer { LoopbackSockets.closeAll([client, server, listener]) }
            let port = try LoopbackSockets.address(of: client).port
            let report = try BindCheck.check(namespace, ["127.0.0.1:\(port)"])
            #expect(report.remedies.contains { $0.contains("ip_local_reserved_ports=40000-40010,\(port) ") })
        }

        @Test("a privileged port that is also in use says both")
        func privilegedAndInUse() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let fd = try namespace.onThread { try LoopbackSockets.tcpListener(SocketAddress("0.0.0.0", 80)) }
            defer { close(fd) }
            let nobody = [BindCheck.setpriv!, "--reuid=65534", "--regid=65534", "--clear-groups"]
            let report = try BindCheck.check(namespace, ["80"], as: nobody)
            #expect(report.verdict == "needs-privilege")
            #expect((report.object["summary"] as? String ?? "").contains("in use too"))
            #expect(!(report.object["summary"] as? String ?? "").contains("not in use"))
            #expect(report.causeKinds == ["listener"])
            #expect(report.remedies.contains { $0.contains("CAP_NET_BIND_SERVICE") })
            #expect(report.remedies.contains { $0.hasPrefix("stop or restart") })
        }

        @Test("UDP with SO_REUSEADDR: the remedy says the new socket would take the datagrams")
        func udpSharing() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let holder = try Self.holder(namespace, """
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1); u.bind(("0.0.0.0", 7600))
                """, asNobody: true)
            defer { holder.stop() }
            let report = try BindCheck.check(namespace, ["7600", "--udp"])
            #expect(report.causeKinds == ["udp-socket"])
            #expect(report.remedies.contains { $0.contains("new socket take the unicast datagrams") })
        }

        @Test("UDP: no test bind next to live sockets (it would take their datagrams): plain and other uid inferred")
        func udpNoTestBind() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            // Root's socket with both options: a root test bind with either would succeed and share the port.
            let holder = try Self.holder(namespace, """
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEADDR, 1)
                u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1); u.bind(("0.0.0.0", 7601))
                """)
            defer { holder.stop() }
            let report = try BindCheck.check(namespace, ["7601", "--udp"])
            let proof = try #require(report.object["proof"] as? [String: Any])
            #expect(proof["plain"] as? String == "EADDRINUSE")
            #expect(proof["reuseaddr"] as? String == "untested" && proof["reuseport"] as? String == "untested")
            #expect(proof["inferred"] as? [String] == ["plain"])
            #expect(report.verdict == "in-use" && report.status == 1)
            #expect(report.object["summary"] as? String
                == "in use: bind() fails with EADDRINUSE (SO_REUSEADDR and SO_REUSEPORT untested)")
            #expect((proof["inference"] as? String)?.contains("take their datagrams") == true)
            // Another user's socket: SO_REUSEPORT cannot share with it, inferred.
            let theirs = try Self.holder(namespace, """
                u = socket.socket(socket.AF_INET, socket.SOCK_DGRAM)
                u.setsockopt(socket.SOL_SOCKET, socket.SO_REUSEPORT, 1); u.bind(("127.0.0.1", 7602))
                """, asNobody: true)
            defer { theirs.stop() }
            let other = try BindCheck.check(namespace, ["7602", "--udp"])
            let otherProof = try #require(other.object["proof"] as? [String: Any])
            #expect(otherProof["reuseport"] as? String == "EADDRINUSE")
            #expect(Set(otherProof["inferred"] as? [String] ?? []) == ["plain", "reuseport"])
        }

        @Test("the remedy names sockdiag free where free would signal every holder, and why not where it refuses")
        func remedyNamesFree() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let server = try PreforkedServer(in: namespace, port: 7700, workers: 2)
            defer { server.stop() }
            let report = try BindCheck.check(namespace, ["7700"])
            let stop = try #require(report.remedies.first { $0.hasPrefix("stop or restart") }, "\(report.remedies)")
            #expect(stop.contains("; sockdiag free 7700 does it: SIGTERM to the 3 processes that hold them"), "\(stop)")
            #expect(server.pids.allSatisfy(PreforkedServer.isRunning))
            // A listener of this test process, an ancestor of bind-check: free would refuse, and the remedy says so.
            let fd = try namespace.onThread { try LoopbackSockets.tcpListener(SocketAddress("0.0.0.0", 7701)) }
            defer { close(fd) }
            let mine = try BindCheck.check(namespace, ["7701"])
            let refused = try #require(mine.remedies.first { $0.hasPrefix("stop or restart") }, "\(mine.remedies)")
            #expect(!refused.contains("sockdiag free 7701"), "\(refused)")
            #expect(refused.contains("sockdiag free leaves it alone: it runs this sockdiag"), "\(refused)")
        }

        @Test("TIME_WAIT next to a live listener: no 'or wait N s' as if waiting freed the port")
        func timeWaitBehindListener() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let server = try PreforkedServer(in: namespace, port: 7702, workers: 1)
            defer { server.stop() }
            try namespace.onThread {
                // The worker accepts and closes first: the TIME_WAIT is the server's, on port 7702.
                let client = try LoopbackSockets.connected(to: SocketAddress("127.0.0.1", 7702))
                try LoopbackSockets.waitForState(client, LoopbackSockets.tcpCloseWait)
                close(client)
            }
            let report = try BindCheck.check(namespace, ["7702"])
            #expect(report.causeKinds == ["listener", "time-wait"], "\(report.object)")
            #expect(!report.remedies.contains { $0.hasPrefix("or wait") }, "\(report.remedies)")
            #expect(report.remedies.contains { $0.contains("waiting alone does not free it") }, "\(report.remedies)")
        }

        @Test("--suggest: the nearest free ports, outside ip_local_port_range first, in text and JSON")
        func suggest() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            _ = try namespace.exec(["sysctl", "-qw", "net.ipv4.ip_local_port_range=9001 9100"])
            let fds = try namespace.onThread {
                try [9000, 8999, 9050, 9049, 9051].map { try LoopbackSockets.tcpListener(SocketAddress("0.0.0.0", $0)) }
            }
            defer { LoopbackSockets.closeAll(fds) }
            func ports(_ report: Report) -> [Int] {
                (report.object["suggestions"] as? [[String: Any]] ?? []).compactMap { $0["port"] as? Int }
            }
            let below = try BindCheck.check(namespace, ["9000"])
            #expect(ports(below) == [8998, 8997, 8996])
            let inside = try BindCheck.check(namespace, ["9050", "--suggest", "3"])
            #expect(ports(inside) == [9101, 8998, 9102])
            #expect(ports(try BindCheck.check(namespace, ["9050", "--suggest", "0"])).isEmpty)
            #expect(ports(try BindCheck.check(namespace, ["9002"])).isEmpty)  // free: nothing to suggest
            let many = try BindCheck.check(namespace, ["9050", "--suggest", "100"])
            let flags = (many.object["suggestions"] as? [[String: Any]] ?? [])
                .compactMap { $0["in_ephemeral_range"] as? Bool }
            #expect(flags.count == 100 && flags.allSatisfy { !$0 })
            let binary = try #require(Commands.sockdiagBinary)
            let text = try namespace.exec([binary, "bind-check", "9050"]).stdout
            #expect(text.contains("ports:    9101, 8998, 9102: a plain bind() works on each now\n"), "\(text)")
        }
    }
}
