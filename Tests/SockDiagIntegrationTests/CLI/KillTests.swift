import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// `sockdiag -K`, always inside a private namespace holding ``Population`` (sockets of this test process).
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    struct Kill {
        let binary: String
        let ss: String
        let namespace: TestNamespace
        let population: Population

        init() throws {
            binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            ss = try #require(Commands.ss)
            (namespace, population) = try Population.inNewNamespace()
        }

        /// Closes the sockets and removes the namespace (every test calls it in a `defer`).
        func cleanUp() {
            population.close()
            namespace.remove()
        }

        /// Runs sockdiag in the namespace (`-N`) with `arguments`.
        func sockdiag(_ arguments: [String]) throws -> CommandResult {
            try Commands.run(binary, ["-N", namespace.name] + arguments)
        }

        /// Every TCP and UDP socket in the namespace, as sockdiag's JSON rows, sorted.
        func dump() throws -> [SocketRow] {
            let result = try sockdiag(["-tuan", "--json"])
            try #require(result.status == 0, "\(result)")
            return try SocketRows.decodeJSON(result.stdout).map(SocketRows.row).sorted()
        }

        /// The TCP sockets ss run in the namespace lists (or closes, with `-K`) for `arguments`, by their endpoints
        /// only (with one state selected, ss leaves the State column out): rows with the state `?`.
        func ssRows(_ arguments: [String]) throws -> [SocketRow] {
            let result = try namespace.exec([ss, "-tanH"] + arguments)
            try #require(result.status == 0 && result.stderr.isEmpty, "\(result)")
            return try result.stdout.split(separator: "\n").map { line in
                let fields = line.split(separator: " ")
                try #require(fields.count >= 4, "short ss row: \(line)")
                let local = try SocketRows.endpoint(fields[fields.count - 2], in: line)
                let peer = try SocketRows.endpoint(fields[fields.count - 1], in: line)
                return SocketRow(
                    netid: "tcp", state: "?", localAddress: local.address, localPort: local.port,
                    peerAddress: peer.address, peerPort: peer.port
                ).wildcardAsAny
            }.sorted()
        }

        /// The JSON rows of a `-K` run that must succeed.
        func killed(_ arguments: [String]) throws -> [SocketRow] {
            let result = try sockdiag(["-K", "--json"] + arguments)
            try #require(result.status == 0 && result.stderr.isEmpty, "\(arguments): \(result)")
            return try SocketRows.decodeJSON(result.stdout).map(SocketRows.row).sorted()
        }

        @Test("-K closes TIME_WAIT sockets, a connection and a listener; a dump and ss no longer list them")
        func timeWaitEstablishedListener() throws {
            defer { cleanUp() }
            let before = try dump()

            let timeWait = try killed(["--state", "time-wait", "--sport", "8000"])
            #expect(timeWait.count == Population.serverTimeWaitCount)
            #expect(timeWait.allSatisfy { $0.state == "TIME-WAIT" && $0.localPort == 8000 })
            #expect(try ssRows(["state", "time-wait", "sport", "=", ":8000"]).isEmpty)
            #expect(try ssRows(["state", "time-wait"]).count == Population.clientTimeWaitCount)

            let connection = try killed(["--state", "established", "--dport", "9000"])
            #expect(connection.map(\.peerPort) == [9000])
            // The peer end was reset: neither end is left.
            #expect(try ssRows(["state", "established", "(", "sport", "=", ":9000", "or", "dport", "=", ":9000", ")"]).isEmpty)

            // The port is taken while the listener listens …
            #expect(throws: HelperError.self) {
                try namespace.onThread { close(try LoopbackSockets.tcpListener(Population.listener8000)) }
            }
            let listener = try killed(["-l", "-t", "--sport", "8000"])
            #expect(listener.map(\.state) == ["LISTEN"])
            #expect(try ssRows(["state", "listening", "sport", "=", ":8000"]).isEmpty)
            // … and, once closed, takes a new listener (SO_REUSEADDR: this process still holds the old descriptor,
            // which the kernel leaves bound).
            try namespace.onThread { close(try LoopbackSockets.tcpListener(Population.listener8000)) }

            let after = try dump()
            let gone = Set(before).subtracting(after)
            #expect(gone.isSuperset(of: timeWait + connection + listener))
            #expect(Set(after).isSubset(of: before))
        }

        @Test("raw sockets read from /proc/net/raw (no raw_diag): neither listed as closed nor skipped in silence")
        func rawFromProc() throws {
            defer { cleanUp() }
            let raw = try namespace.onThread { socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP)) }
            try #require(raw >= 0)
            defer { close(raw) }
            let verbose = try sockdiag(["-wa", "-v"])
            try #require(verbose.status == 0 && verbose.stdout.contains("0.0.0.0:1"), "\(verbose)")
            guard verbose.stderr.contains("/proc/net/raw") else {
                // This kernel has raw_diag: its raw sockets have cookies, and -K destroys (aborts) them.
                let result = try sockdiag(["-K", "-wa", "--kill-all"])
                #expect(result.status == 0 && result.stdout.contains("0.0.0.0:1"), "\(result)")
                return
            }
            for arguments in [["-K", "-wa", "--kill-all"], ["-K", "--dry-run", "-wa", "--kill-all"]] {
                let result = try sockdiag(arguments)
                #expect(result.status == 1, "\(arguments): \(result)")
                #expect(!result.stdout.contains("0.0.0.0:1"), "\(arguments): \(result)")
                #expect(result.stderr == "sockdiag: 1 raw socket cannot be closed: read from /proc/net/raw (this kernel "
                    + "has no raw_diag), which gives no socket cookie for SOCK_DESTROY\n", "\(arguments): \(result)")
            }
            #expect(try sockdiag(["-wa"]).stdout.contains("0.0.0.0:1"))
        }

        @Test("--dry-run lists what -K would close and changes nothing")
        func dryRun() throws {
            defer { cleanUp() }
            let before = try dump()
            let result = try sockdiag(["-K", "--dry-run", "--json", "--state", "time-wait"])
            try #require(result.status == 0 && result.stderr.isEmpty, "\(result)")
            let listed = try SocketRows.decodeJSON(result.stdout).map(SocketRows.row).sorted()
            #expect(listed == before.filter { $0.state == "TIME-WAIT" })
            #expect(listed.count == Population.serverTimeWaitCount + Population.clientTimeWaitCount)
            let table = try sockdiag(["-K", "--dry-run", "-H", "--state", "time-wait"])
            // One state selected: no State column, as ss.
            let rows = try SocketRows.parseTable(table.stdout, state: "TIME-WAIT")
            #expect(rows.map(\.wildcardAsAny).sorted() == listed)
            #expect(try dump() == before)
        }

        @Test(
            "-K without CAP_NET_ADMIN: one line, exit 1, nothing closed",
            .enabled(if: UnprivilegedSockdiag.canRun, "needs root, setpriv and the user nobody")
        )
        func unprivileged() throws {
            defer { cleanUp() }
            let nobody = try UnprivilegedSockdiag()
            defer { nobody.remove() }
            let before = try dump()
            for arguments in [["-K", "--state", "time-wait"], ["-K", "--json", "-tl", "--sport", "8000"]] {
                let result = try namespace.exec(nobody.command(arguments))
                #expect(result.status == 1, "\(arguments): \(result)")
                #expect(result.stdout.isEmpty, "\(arguments)")
                #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains("CAP_NET_ADMIN"), "\(arguments)")
            }
            #expect(try dump() == before)
        }

        @Test("a selection nothing narrows is refused (exit 2, nothing closed); --kill-all closes it")
        func unnarrowed() throws {
            defer { cleanUp() }
            let before = try dump()
            for arguments in [["-K"], ["-Kt"], ["-Kta"], ["-K", "-4", "-u"], ["-K", "--dry-run"]] {
                let result = try sockdiag(arguments)
                #expect(result.status == 2, "\(arguments): \(result)")
                #expect(result.stdout.isEmpty)
                #expect(result.stderr.split(separator: "\n").count == 1, "\(arguments): \(result.stderr)")
                #expect(result.stderr.contains("--kill-all") && result.stderr.contains("SSH"))
            }
            #expect(try dump() == before)

            let all = try killed(["-t", "--kill-all"])
            #expect(!all.isEmpty && all.allSatisfy { $0.state == "ESTAB" })
            #expect(try ssRows(["state", "established"]).isEmpty)
        }

        /// Selections for ss and sockdiag that mean the same.
        static let selections: [(sockdiag: [String], ss: [String])] = [
            (["-t", "--state", "time-wait", "--sport", "8000"], ["state", "time-wait", "sport", "=", ":8000"]),
            // One end of each connection: closing it resets the other, which -K (as ss -K) then finds gone and leaves
            // out, while --dry-run lists both ends.
            (["-t", "--state", "established", "--sport", "8001"], ["state", "established", "sport", "=", ":8001"]),
            (["-t", "-l"], ["state", "listening"]),
        ]

        @Test("what -K --dry-run lists is what ss -K closes", arguments: selections)
        func sameAsSS(sockdiagArguments: [String], ssArguments: [String]) throws {
            defer { cleanUp() }
            let planned = try sockdiag(["-K", "--dry-run", "--json"] + sockdiagArguments)
            try #require(planned.status == 0, "\(planned)")
            let ours = try SocketRows.decodeJSON(planned.stdout).map(SocketRows.row).map {
                var row = $0.wildcardAsAny
                row.state = "?"
                return row
            }.sorted()
            let closedBySS = try ssRows(["-K"] + ssArguments)
            #expect(!ours.isEmpty)
            expectSame(ours, closedBySS, "sockdiag -K --dry-run", "ss -K")
        }
    }
}
