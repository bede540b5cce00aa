import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// `sockdiag free`, each test in a private namespace, against processes it started.
    @Suite(
        .enabled(
            if: TestNamespace.canCreate && PreforkedServer.python != nil,
            "needs root, `ip netns` and /usr/bin/python3 (the pre-forked server)"
        )
    )
    struct Free {
        struct Report {
            var result: CommandResult
            var object: [String: Any]
            var status: Int32 { result.status }
            var plan: [String: Any] { object["plan"] as? [String: Any] ?? [:] }
            var planned: [Int] { (plan["signal"] as? [[String: Any]] ?? []).compactMap { $0["pid"] as? Int } }
            var refusals: [[String: Any]] { plan["leave_alone"] as? [[String: Any]] ?? [] }
            var done: [String: Any] { object["done"] as? [String: Any] ?? [:] }
            var signals: [[String: Any]] { done["signals"] as? [[String: Any]] ?? [] }
            var destroyed: [[String: Any]] { done["destroyed"] as? [[String: Any]] ?? [] }
            var freed: Bool { object["freed"] as? Bool == true }
            var stillHeldBy: [String] { object["still_held_by"] as? [String] ?? [] }
            var summary: String? { object["summary"] as? String }
        }

        /// `sockdiag free --json -N NAMESPACE ARGUMENTS`, from outside the namespace (standard input /dev/null).
        static func free(_ namespace: TestNamespace, _ arguments: [String]) throws -> Report {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let result = try Commands.run(binary, ["free", "--json", "-N", namespace.name] + arguments)
            try #require(!result.signaled && !result.timedOut, "\(result)")
            let object = try #require(
                try JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [String: Any],
                "\(result)"
            )
            return Report(result: result, object: object)
        }

        /// The cookies of every socket on `port` in the namespace, bound-inactive included.
        static func cookies(_ namespace: TestNamespace, port: UInt16) throws -> Set<UInt64> {
            try namespace.onThread {
                let query = SocketQuery(states: StateSet.all.union(.boundInactive), filter: .port(.local, port))
                return Set(try SocketInspector().sockets(matching: query).map(\.cookie))
            }
        }

        /// Three TIME_WAIT sockets on 127.0.0.1:`port`, left by this process (the server side closes first).
        static func leaveTimeWait(_ namespace: TestNamespace, port: UInt16) throws {
            try namespace.onThread {
                let listener = try LoopbackSockets.tcpListener(SocketAddress("127.0.0.1", port))
                defer { close(listener) }
                for _ in 0..<3 {
                    let client = try LoopbackSockets.connected(to: SocketAddress("127.0.0.1", port))
                    let server = try LoopbackSockets.accept(listener)
                    close(server)
                    try LoopbackSockets.waitForState(client, LoopbackSockets.tcpCloseWait)
                    close(client)
                }
            }
        }

        /// Waits up to 2 s for none of `pids` to run.
        static func allGone(_ pids: [pid_t]) -> Bool {
            for _ in 0..<100 {
                if !pids.contains(where: PreforkedServer.isRunning) { return true }
                usleep(20_000)
            }
            return false
        }

        @Test("a pre-forked server: master and every worker get SIGTERM, the port becomes bindable, exit 0")
        func preForked() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let server = try PreforkedServer(in: namespace, port: 8000, workers: 3)
            defer { server.stop() }
            let report = try Self.free(namespace, ["8000", "--yes"])
            #expect(report.status == 0, "\(report.result)")
            #expect(Set(report.planned) == Set(server.pids.map(Int.init)))
            #expect(report.signals.count == 4)
            #expect(report.signals.allSatisfy { $0["signal"] as? String == "SIGTERM" })
            #expect(report.signals.allSatisfy { $0["result"] as? String == "sent" })
            #expect(report.freed && report.refusals.isEmpty)
            #expect((report.object["proof"] as? [String: Any])?["bindable"] as? Bool == true)
            #expect(Self.allGone(server.pids))
        }

        @Test("a TIME_WAIT-held port: its sockets are destroyed, nobody is signalled, exit 0")
        func timeWait() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            try Self.leaveTimeWait(namespace, port: 8000)
            let report = try Self.free(namespace, ["8000", "--yes"])
            #expect(report.status == 0, "\(report.result)")
            #expect((report.plan["destroy"] as? [Any])?.count == 3)
            #expect(report.destroyed.count == 3)
            #expect(report.destroyed.allSatisfy { $0["outcome"] as? String == "destroyed" })
            #expect(report.signals.isEmpty && report.freed)
            #expect(try Self.cookies(namespace, port: 8000).isEmpty)
        }

        @Test("--dry-run: the plan, nothing signalled, nothing destroyed, exit 1 while the port is busy")
        func dryRun() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            try Self.leaveTimeWait(namespace, port: 8000)
            let server = try PreforkedServer(in: namespace, port: 8000, workers: 2)
            defer { server.stop() }
            let before = try Self.cookies(namespace, port: 8000)
            let report = try Self.free(namespace, ["8000", "--dry-run"])
            #expect(report.status == 1, "\(report.result)")
            #expect(report.object["dry_run"] as? Bool == true && report.object["done"] is NSNull)
            #expect(Set(report.planned) == Set(server.pids.map(Int.init)))
            #expect((report.plan["destroy"] as? [Any])?.count == 3)
            #expect(server.pids.allSatisfy(PreforkedServer.isRunning))
            #expect(try Self.cookies(namespace, port: 8000) == before)
            // The text form says the same and nothing else happens.
            let binary = try #require(Commands.sockdiagBinary)
            let text = try Commands.run(binary, ["free", "-N", namespace.name, "8000", "--dry-run"])
            #expect(text.status == 1 && text.stdout.contains("send SIGTERM to (3 processes)"))
            #expect(text.stdout.contains("close with SOCK_DESTROY (3 sockets"))
            #expect(text.stdout.hasSuffix("dry run: nothing was done\n"))
            #expect(server.pids.allSatisfy(PreforkedServer.isRunning))
            #expect(try Self.cookies(namespace, port: 8000) == before)
        }

        @Test("a server that ignores SIGTERM: exit 1 after --timeout, naming it; with --force it is killed, exit 0")
        func ignoresTerm() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let server = try PreforkedServer(in: namespace, port: 8000, workers: 1, ignoringTerm: true)
            defer { server.stop() }
            let start = Date()
            let stubborn = try Self.free(namespace, ["8000", "--yes", "--timeout", "1"])
            #expect(Date().timeIntervalSince(start) >= 1)
            #expect(stubborn.status == 1, "\(stubborn.result)")
            #expect(stubborn.done["timed_out"] as? Bool == true)
            #expect(stubborn.stillHeldBy.contains { $0.contains("(pid \(server.master.pid))") })
            #expect(stubborn.summary?.contains("run free again with --force") == true, "\(stubborn.result)")
            #expect(server.pids.allSatisfy(PreforkedServer.isRunning))
            let forced = try Self.free(namespace, ["8000", "--yes", "--timeout", "1", "--force"])
            #expect(forced.status == 0, "\(forced.result)")
            let killed = forced.signals.filter { $0["signal"] as? String == "SIGKILL" }.compactMap { $0["pid"] as? Int }
            #expect(Set(killed) == Set(server.pids.map(Int.init)))
            #expect(Self.allGone(server.pids))
        }

        @Test("standard input not a terminal and neither --yes nor --dry-run: exit 2, one line, nothing signalled")
        func noTerminal() throws {
            let binary = try #require(Commands.sockdiagBinary)
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let server = try PreforkedServer(in: namespace, port: 8000, workers: 1)
            defer { server.stop() }
            let result = try Commands.run(binary, ["free", "-N", namespace.name, "8000"])
            #expect(result.status == 2 && result.stderrLines.count == 1 && result.stdout.isEmpty, "\(result)")
            #expect(result.stderr.contains("--yes"))
            #expect(server.pids.allSatisfy(PreforkedServer.isRunning))
        }

        static let script = Commands.find("script")

        @Test(
            "on a terminal it asks: `n` changes nothing (exit 1), `y` frees the port (exit 0)",
            .enabled(if: script != nil, "needs script(1) for a pseudo-terminal")
        )
        func asks() throws {
            let binary = try #require(Commands.sockdiagBinary)
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let server = try PreforkedServer(in: namespace, port: 8000, workers: 1)
            defer { server.stop() }
            func answer(_ word: String) throws -> CommandResult {
                // script(1) runs free on a pseudo-terminal and types what its standard input holds.
                let command = "\(binary) free -N \(namespace.name) 8000"
                return try Commands.run("/bin/sh", ["-c", "echo \(word) | \(Self.script!) -qec '\(command)' /dev/null"])
            }
            let declined = try answer("n")
            #expect(declined.status == 1 && declined.stdout.contains("go ahead? [y/N]"), "\(declined)")
            #expect(declined.stdout.contains("nothing was done") && !declined.stdout.contains("done:"))
            #expect(server.pids.allSatisfy(PreforkedServer.isRunning))
            let agreed = try answer("y")
            #expect(agreed.status == 0 && agreed.stdout.contains("result:   freed"), "\(agreed)")
            #expect(Self.allGone(server.pids))
        }

        @Test("a port held by sockdiag's own ancestor (this test process): left alone, named, exit 1")
        func ancestor() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let fd = try namespace.onThread { try LoopbackSockets.tcpListener(SocketAddress("0.0.0.0", 8000)) }
            defer { close(fd) }
            let report = try Self.free(namespace, ["8000", "--yes"])
            #expect(report.status == 1, "\(report.result)")
            #expect(report.planned.isEmpty && report.signals.isEmpty)
            #expect(report.refusals.first?["reason"] as? String == "ancestor")
            #expect(report.refusals.first?["pid"] as? Int == Int(getpid()))
            #expect(report.stillHeldBy.contains { $0.contains("(pid \(getpid()))") })
        }

        @Test("processes gone before the signal: `gone`, nothing sent; a pid with another start time: `replaced`")
        func alreadyGone() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let target = BindTarget(transport: .tcp, address: .v4(.any), port: 8000)
            let options = FreeOptions(timeout: 1)
            let server = try PreforkedServer(in: namespace, port: 8000, workers: 1)
            defer { server.stop() }
            var plan = try namespace.onThread {
                FreePlan(deciding: try SocketInspector().freeEvidence(for: target, options: options))
            }
            #expect(Set(plan.signal.map(\.process.pid)) == Set(server.pids))
            // The worker's entry as if its pid had been reused: another start time.
            let worker = try #require(plan.signal.firstIndex { $0.process.pid == server.workers[0] })
            plan.signal[worker].process.startTime += 1
            // The master is gone before free runs.
            kill(server.master.pid, SIGKILL)
            _ = try server.master.wait("exit", seconds: 5) { server.master.exited }
            let altered = plan
            let outcome = try namespace.onThread { try SocketInspector().free(altered, options: options) }
            let results = Dictionary(uniqueKeysWithValues: outcome.signals.map { ($0.process.pid, $0.result) })
            #expect(results[server.master.pid] == .gone)
            #expect(results[server.workers[0]] == .replaced)
            #expect(server.isRunning(worker: server.workers[0]))
            // The worker still holds the listener: not freed, and it is named.
            #expect(!outcome.freed && outcome.timedOut)
            #expect(outcome.remainingOwners.values.joined().contains { $0.pid == server.workers[0] })
        }
    }

    /// Bad input to free: one line, exit 2 (no root needed).
    @Suite struct FreeInput {
        @Test("bad targets and options exit 2 with one line", arguments: [
            (["0"], "port"), (["8000", "--timeout", "0"], "--timeout"), (["8000", "--timeout", "nan"], "--timeout"),
            (["8000", "--dry-run", "--yes"], "contradict"), (["8000", "--reuseaddr", "--reuseport"], "contradict"),
            ([], "Missing"),
        ] as [([String], String)])
        func badInput(arguments: [String], word: String) throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let result = try Commands.run(binary, ["free"] + arguments)
            #expect(result.status == 2, "\(result)")
            #expect(result.stderrLines.count == 1, "\(result)")
            #expect(result.stderrLines.first?.contains(word) == true, "\(result)")
            #expect(result.stdout.isEmpty)
        }
    }
}
