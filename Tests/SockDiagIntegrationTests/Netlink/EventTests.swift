import Foundation
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// `sockdiag -E`: the sockets the kernel destroys in a namespace, filtered like a dump, one line each, exit 0 on
    /// SIGINT.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct Events {
        /// Closes a UDP socket on :9999 and a bound TCP socket on :8000 until every follower has printed one of them:
        /// then each has joined its groups. Returns each follower's output so far.
        static func probe(_ namespace: TestNamespace, until followers: [BackgroundProcess]) throws -> [String] {
            let deadline = Date().addingTimeInterval(10)
            while Date() < deadline {
                try namespace.onThread {
                    close(try LoopbackSockets.udpBound(SocketAddress("127.0.0.1", 9999)))
                    close(try LoopbackSockets.tcpBound(SocketAddress("127.0.0.1", 8000)))
                }
                usleep(50_000)
                let outputs = followers.map(\.stdout)
                if outputs.allSatisfy({ $0.contains(":9999") || $0.contains(":8000") }) { return outputs }
            }
            throw HelperError("the followers printed no probe: \(followers.map(\.stderr))")
        }

        /// The lines a follower printed after `before`.
        static func lines(_ follower: BackgroundProcess, after before: String) -> [String] {
            String(follower.stdout.dropFirst(before.count)).split(separator: "\n").map(String.init)
        }

        /// `netid local` of a table line with the Netid column (`-E` without a protocol option).
        static func local(_ line: String) -> String {
            let fields = line.split(separator: " ")
            return "\(fields[0]) \(fields[4])"
        }

        @Test("-E prints exactly the sockets closed in the namespace; a filter and --json apply; SIGINT exits 0")
        func destroyedSockets() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let all = try BackgroundProcess(binary, ["-E", "-N", namespace.name], label: "events")
            defer { all.stop() }
            let filtered = try BackgroundProcess(
                binary, ["-EtH", "-N", namespace.name, "sport", "=", ":8000"], label: "events-filtered")
            defer { filtered.stop() }
            let json = try BackgroundProcess(binary, ["-E", "--json", "-N", namespace.name], label: "events-json")
            defer { json.stop() }
            let followers = [all, filtered, json]
            let before = try Self.probe(namespace, until: followers)

            let clientPort = try namespace.onThread {
                let listener = try LoopbackSockets.tcpListener(SocketAddress("127.0.0.1", 8000))
                let client = try LoopbackSockets.connected(to: SocketAddress("127.0.0.1", 8000))
                let accepted = try LoopbackSockets.accept(listener)
                let port = try LoopbackSockets.address(of: client).port
                close(try LoopbackSockets.udpBound(SocketAddress("127.0.0.1", 5353)))
                LoopbackSockets.closeAll([client, accepted, listener])
                return port
            }
            let expected = [
                "tcp 127.0.0.1:8000", "tcp 127.0.0.1:8000", "tcp 127.0.0.1:\(clientPort)", "udp 127.0.0.1:5353",
            ].sorted()
            let printed = try all.wait("four destroyed sockets", seconds: 15) {
                let lines = Self.lines(all, after: before[0])
                return lines.count >= 4 ? lines : nil
            }
            _ = try json.wait("four JSON lines") { Self.lines(json, after: before[2]).count >= 4 ? true : nil }
            usleep(200_000)  // anything more would come now
            for follower in followers { kill(follower.pid, SIGINT) }
            for follower in followers {
                let status = try follower.wait("exit after SIGINT") { follower.exited }
                #expect(status == 0, "\(follower.label): \(follower.stderr)")
            }

            #expect(printed.map(Self.local).sorted() == expected, "\(printed)")
            #expect(printed.allSatisfy { $0.split(separator: " ")[1] == "UNCONN" }, "\(printed)")
            let filteredLines = Self.lines(filtered, after: before[1])
            // -t and one protocol: no Netid column; the filter keeps the listener and the accepted socket.
            #expect(
                filteredLines.count == 2 && filteredLines.allSatisfy { $0.contains("127.0.0.1:8000 ") },
                "\(filteredLines)"
            )
            let objects = try Self.lines(json, after: before[2]).map { line in
                try #require(try JSONSerialization.jsonObject(with: Data(line.utf8)) as? [String: Any])
            }
            let jsonLocals = objects.map { object -> String in
                let local = object["local"] as? [String: Any]
                return "\(object["protocol"] ?? "") \(local?["address"] ?? ""):\(local?["port"] ?? "")"
            }
            #expect(jsonLocals.sorted() == expected, "\(objects)")
        }

        @Test("-E refuses what it cannot do, in one line")
        func refusals() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            for arguments in [
                ["-E", "-s"], ["-E", "-K", "--state", "time-wait"], ["-E", "-x"], ["-E", "-t", "autobound"],
                ["-E", "-p"],
            ] {
                let result = try Commands.run(binary, arguments)
                #expect(result.status == 2 && result.stderrLines.count == 1, "\(arguments): \(result)")
                #expect(result.stderr.contains("-E/--events"), "\(arguments): \(result)")
            }
        }
    }
}
