import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration.Free {
    /// A Python process in `namespace` (bind-check's holder) that binds `port`: UDP, or a TCP listener.
    static func holder(_ namespace: TestNamespace, port: UInt16, udp: Bool) throws -> BackgroundProcess {
        let kind = udp ? "socket.SOCK_DGRAM" : "socket.SOCK_STREAM"
        let listen = udp ? "" : "; s.listen()"
        return try Integration.BindCheckRules.holder(namespace, """
            s = socket.socket(socket.AF_INET, \(kind)); s.bind(("0.0.0.0", \(port)))\(listen)
            """)
    }

    @Test("--udp: a UDP socket held by a process: SIGTERM frees it, proven by a fresh bind, exit 0")
    func udpHolder() throws {
        let namespace = try TestNamespace()
        defer { namespace.remove() }
        let holder = try Self.holder(namespace, port: 5353, udp: true)
        defer { holder.stop() }
        let report = try Self.free(namespace, ["--udp", "5353", "--yes"])
        #expect(report.status == 0, "\(report.result)")
        #expect(report.planned == [Int(holder.pid)])
        #expect(report.signals.map { $0["result"] as? String } == ["sent"])
        #expect(report.freed && report.summary == "freed: the bind works as asked")
        #expect((report.object["proof"] as? [String: Any])?["bindable"] as? Bool == true)
        #expect(Self.allGone([holder.pid]))
    }

    @Test(
        "run as nobody against root's listener: refused naming root, nothing signalled, exit 1",
        .enabled(if: UnprivilegedSockdiag.canRun, "needs root, setpriv and the user nobody")
    )
    func otherUser() throws {
        let namespace = try TestNamespace()
        defer { namespace.remove() }
        let holder = try Self.holder(namespace, port: 8000, udp: false)
        defer { holder.stop() }
        let nobody = try UnprivilegedSockdiag()
        defer { nobody.remove() }
        // nobody cannot enter a namespace: ip netns exec (as root) runs setpriv, which runs free as nobody inside it.
        let result = try namespace.exec(nobody.command(["free", "8000", "--yes", "--json"]))
        #expect(result.status == 1, "\(result)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)"
        )
        let report = Report(result: result, object: object)
        #expect(report.planned.isEmpty && report.signals.isEmpty, "\(result)")
        let refusal = try #require(report.refusals.first, "\(result)")
        #expect(refusal["reason"] as? String == "other-user", "\(refusal)")
        #expect((refusal["why"] as? String)?.contains("root (uid 0)") == true, "\(refusal)")
        #expect(report.stillHeldBy.contains { $0.contains("root (uid 0)") }, "\(report.stillHeldBy)")
        #expect(PreforkedServer.isRunning(holder.pid))
        // The text says the same.
        let text = try namespace.exec(nobody.command(["free", "8000", "--yes"]))
        #expect(text.status == 1 && text.stdout.contains("it belongs to root (uid 0), whom you may not signal"))
        #expect(PreforkedServer.isRunning(holder.pid))
    }
}

extension Integration.Free {
    @Test(
        "run as nobody against TIME_WAIT: refused up front (SOCK_DESTROY needs CAP_NET_ADMIN), nothing tried, exit 1",
        .enabled(if: UnprivilegedSockdiag.canRun, "needs root, setpriv and the user nobody")
    )
    func timeWaitWithoutNetAdmin() throws {
        let namespace = try TestNamespace()
        defer { namespace.remove() }
        try Self.leaveTimeWait(namespace, port: 8000)
        let before = try Self.cookies(namespace, port: 8000)
        let nobody = try UnprivilegedSockdiag()
        defer { nobody.remove() }
        let result = try namespace.exec(nobody.command(["free", "8000", "--yes", "--json"]))
        #expect(result.status == 1, "\(result)")
        let object = try #require(
            try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any], "\(result)"
        )
        let report = Report(result: result, object: object)
        #expect(report.destroyed.isEmpty, "\(result)")
        #expect(report.refusals.map { $0["reason"] as? String } == ["needs-net-admin"], "\(result)")
        #expect(try Self.cookies(namespace, port: 8000) == before)
        #expect(report.summary?.hasPrefix("not freed") == true, "\(result)")
    }

    @Test(
        "as nobody, TIME_WAIT that SO_REUSEADDR cannot pass: the closing remedy is root's free, not the refused one",
        .enabled(if: UnprivilegedSockdiag.canRun, "needs root, setpriv and the user nobody")
    )
    func timeWaitWithoutReuseAddressAsNobody() throws {
        let namespace = try TestNamespace()
        defer { namespace.remove() }
        _ = try namespace.exec(["sysctl", "-qw", "net.ipv4.tcp_tw_reuse=0"])
        // A server without SO_REUSEADDR closes first: its TIME_WAIT keeps the port even from SO_REUSEADDR binds.
        let script = """
            import socket, time
            l = socket.socket(); l.bind(("127.0.0.1", 8000)); l.listen()
            c = socket.create_connection(("127.0.0.1", 8000)); s, _ = l.accept()
            s.close(); time.sleep(0.1); l.close(); c.close()
            """
        let made = try namespace.exec(["python3", "-c", script])
        try #require(made.status == 0, "\(made)")
        let nobody = try UnprivilegedSockdiag()
        defer { nobody.remove() }
        let text = try namespace.exec(nobody.command(["free", "8000", "--yes"]))
        #expect(text.status == 1, "\(text)")
        #expect(text.stdout.contains("SO_REUSEADDR does not help"), "\(text)")
        #expect(text.stdout.contains("sudo sockdiag free 8000"), "\(text)")
        #expect(!text.stdout.contains("close them now: sockdiag free"), "\(text)")
        let json = try namespace.exec(nobody.command(["free", "8000", "--yes", "--json"]))
        #expect(json.status == 1 && json.stdout.contains("sudo sockdiag free 8000"), "\(json)")
    }
}
