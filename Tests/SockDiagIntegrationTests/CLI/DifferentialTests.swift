import SockDiagTestSupport
import Testing

extension Integration {
    /// sockdiag against ss, in one namespace at one moment, on the population the test made.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    struct Differential {
        @Test("sockdiag -tuan --json lists what ss -tuanH lists, and both list the population")
        func jsonMatchesSS() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }

            let ours = try namespace.exec([binary, "-tuan", "--json"])
            let theirs = try namespace.exec([ss, "-tuanH"])
            try #require(ours.status == 0 && !ours.signaled, "\(ours)")
            try #require(theirs.status == 0, "\(theirs)")

            let ourRows = try SocketRows.decodeJSON(ours.stdout).map(SocketRows.row).sorted()
            let ssRows = try SocketRows.parseTable(theirs.stdout).map(\.wildcardAsAny).sorted()
            expectSame(ourRows, ssRows, "sockdiag", "ss")

            let madeRows = population.expected.map(SocketRows.row).sorted()
            expectSame(ssRows, madeRows, "ss", "the population")
            let serverTimeWait = ssRows.filter { $0.state == "TIME-WAIT" && $0.localPort == 8000 }
            #expect(serverTimeWait.count == Population.serverTimeWaitCount)
            #expect(ssRows.contains { $0.localAddress == "::ffff:127.0.0.1" && $0.localPort == 8002 })
            #expect(ourRows.count == 4 + 20 + 10 + 3)
        }

        @Test("sockdiag's table reads like ss's, `*` wildcard and brackets included")
        func tableMatchesSS() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }

            let ours = try namespace.exec([binary, "-tuanH"])
            let theirs = try namespace.exec([ss, "-tuanH"])
            try #require(ours.status == 0 && !ours.signaled, "\(ours)")
            try #require(theirs.status == 0, "\(theirs)")

            let ourRows = try SocketRows.parseTable(ours.stdout).sorted()
            let ssRows = try SocketRows.parseTable(theirs.stdout).sorted()
            expectSame(ourRows, ssRows, "sockdiag", "ss")
            #expect(ssRows.count == population.expected.count)
            #expect(ssRows.contains { $0.state == "LISTEN" && $0.localAddress == "*" && $0.localPort == 8002 })
        }

        @Test("rows come in ss's order: UDP then TCP, each family's IPv4 sockets before its IPv6 ones, as the kernel walks")
        func rowOrderMatchesSS() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }

            for arguments in [["-tuanH"], ["-tuanpH"]] {
                let ours = try namespace.exec([binary] + arguments)
                let theirs = try namespace.exec([ss, "-tuanH"])
                try #require(ours.status == 0 && !ours.signaled, "\(ours)")
                try #require(theirs.status == 0, "\(theirs)")
                // Same rows in the same sequence (only the columns both print: netid, state, queues, endpoints).
                let ourRows = try SocketRows.parseTable(ours.stdout).map(\.description)
                let ssRows = try SocketRows.parseTable(theirs.stdout).map(\.description)
                #expect(ourRows == ssRows, "\(arguments): sockdiag\n\(ours.stdout)\nss\n\(theirs.stdout)")
                #expect(ourRows.count == population.expected.count)
            }
            // JSON in the same order.
            let json = try namespace.exec([binary, "-tuan", "--json"])
            try #require(json.status == 0, "\(json)")
            let jsonRows = try SocketRows.decodeJSON(json.stdout).map { try SocketRows.row($0).wildcardAsAny.description }
            let ssRows = try SocketRows.parseTable(try namespace.exec([ss, "-tuanH"]).stdout).map {
                $0.wildcardAsAny.description
            }
            #expect(jsonRows == ssRows)
        }

        /// sockdiag's options and the ss options (and filter) that mean the same.
        static let equivalentOptions: [(sockdiag: [String], ss: [String])] = [
            (["-tun"], ["-tunH"]),
            (["-tuln"], ["-tulnH"]),
            (["-t4an"], ["-t4anH"]),
            (["-u6an"], ["-u6anH"]),
            (["-tan", "--state", "connected"], ["-tanH", "state", "connected"]),
            (
                ["-tan", "--state", "time-wait", "--state", "listening"],
                ["-tanH", "state", "time-wait", "state", "listening"]
            ),
            (["-tan", "--sport", "8002"], ["-tanH", "sport", "=", ":8002"]),
            (["-tuan", "--backend", "proc"], ["-tuanH"]),
            (["--backend", "proc", "--state", "time-wait", "--port", "8000"], ["-tanH", "state", "bucket", "(", "sport", "=", ":8000", "or", "dport", "=", ":8000", ")"]),
            (["-ta", "( sport = :8000 or dport = :9000 )", "and", "not", "src", "[::1]"], ["-taH", "( sport = :8000 or dport = :9000 )", "and", "not", "src", "[::1]"]),
            (["-tan", "--dport", "9000"], ["-tanH", "dport", "=", ":9000"]),
            (
                ["-tan", "--port", "8000", "--port", "9000"],
                [
                    "-tanH", "(", "sport", "=", ":8000", "or", "dport", "=", ":8000", "or", "sport", "=", ":9000", "or",
                    "dport", "=", ":9000", ")",
                ]
            ),
        ]

        @Test("sockdiag and ss agree under equivalent options", arguments: equivalentOptions)
        func optionsMatchSS(sockdiagArguments: [String], ssArguments: [String]) throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }

            let ours = try namespace.exec([binary, "--json"] + sockdiagArguments)
            let theirs = try namespace.exec([ss] + ssArguments)
            try #require(ours.status == 0 && !ours.signaled, "\(ours)")
            try #require(theirs.status == 0, "\(theirs)")

            let ourRows = try SocketRows.decodeJSON(ours.stdout).map(SocketRows.row).sorted()
            // ss leaves the Netid column out when it lists one protocol.
            let onlyProtocol = ssArguments[0].contains("u") ? "udp" : "tcp"
            let ssRows = try SocketRows.parseTable(theirs.stdout, netid: onlyProtocol).map(\.wildcardAsAny).sorted()
            expectSame(ourRows, ssRows, "sockdiag", "ss")
            #expect(!ssRows.isEmpty, "every case selects part of the population")
        }
    }
}
