import SockDiagTestSupport
import Testing

extension Integration {
    /// The job sockdiag exists for: `sockdiag --state time-wait --port 8000` lists exactly the TIME_WAIT
    /// sockets of port 8000.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct Mission {
        @Test("--state time-wait --port 8000 --json lists exactly the server-side TIME_WAIT sockets of :8000")
        func timeWaitOnPortJSON() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }

            let result = try namespace.exec([binary, "--state", "time-wait", "--port", "8000", "--json"])
            try #require(result.status == 0 && !result.signaled, "\(result)")
            #expect(result.stderr.isEmpty)
            let sockets = try SocketRows.decodeJSON(result.stdout)

            #expect(sockets.count == Population.serverTimeWaitCount)
            #expect(sockets.allSatisfy { $0.state == "time-wait" && $0.local.port == 8000 && $0.transport == "tcp" })
            #expect(!sockets.contains { $0.peer.port == 9000 || $0.local.port == 9000 })
            let listed = Set(sockets.map { SocketAddress($0.peer.address, $0.peer.port) })
            let made = Set(population.serverTimeWait.map(\.peer))
            #expect(listed == made, "the peers are the clients that connected to :8000")
            let clients = Set(population.clientTimeWait.map(\.local))
            #expect(listed.isDisjoint(with: clients), "no client-side TIME_WAIT socket (to :9000) is listed")
        }

        @Test("--state time-wait --port 8000 prints a header and one :8000 row per socket, as ss counts")
        func timeWaitOnPortTable() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }

            let result = try namespace.exec([binary, "--state", "time-wait", "--port", "8000"])
            try #require(result.status == 0 && !result.signaled, "\(result)")
            let lines = result.stdout.split(separator: "\n")
            try #require(lines.count == 1 + Population.serverTimeWaitCount, "\(result.stdout)")
            #expect(lines[0].hasPrefix("Netid"))
            #expect(lines[0].contains("Local Address:Port"))
            // One state selected: no State column, as ss (`ss state time-wait` prints none).
            #expect(!lines[0].contains("State"))
            for row in lines.dropFirst() {
                #expect(row.hasPrefix("tcp "), "\(row)")
                #expect(row.contains(":8000"), "\(row)")
                #expect(!row.contains(":9000"), "\(row)")
            }

            if let ss = Commands.ss {
                let theirs = try namespace.exec(
                    [ss, "-tanH", "state", "time-wait", "(", "sport", "=", ":8000", "or", "dport", "=", ":8000", ")"]
                )
                try #require(theirs.status == 0, "\(theirs)")
                #expect(theirs.stdout.split(separator: "\n").count == lines.count - 1)
            }
        }
    }
}
