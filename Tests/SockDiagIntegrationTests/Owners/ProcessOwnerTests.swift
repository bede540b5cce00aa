import Foundation
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// One `("command",pid=N,fd=M)` of ss's Process column (`("command",pid=N,tid=T,fd=M)` under `-T`), or one
/// element of sockdiag's `process` key.
struct OwnerEntry: Hashable, Sendable, Comparable, CustomStringConvertible, Decodable {
    var command: String
    var pid: Int32
    var fd: Int32
    var tid: Int32?

    init(command: String, pid: Int32, fd: Int32, tid: Int32? = nil) {
        self.command = command
        self.pid = pid
        self.fd = fd
        self.tid = tid
    }

    var description: String { "(\"\(command)\",pid=\(pid),\(tid.map { "tid=\($0)," } ?? "")fd=\(fd))" }

    static func < (lhs: OwnerEntry, rhs: OwnerEntry) -> Bool {
        (lhs.pid, lhs.tid ?? 0, lhs.fd, lhs.command) < (rhs.pid, rhs.tid ?? 0, rhs.fd, rhs.command)
    }
}

/// A socket row with its owners, sorted: what both tools must agree on.
struct OwnedRow: Hashable, Sendable, Comparable, CustomStringConvertible {
    var row: SocketRow
    var owners: [OwnerEntry]

    var description: String { "\(row) \(owners.map(\.description).joined(separator: ","))" }

    static func < (lhs: OwnedRow, rhs: OwnedRow) -> Bool { lhs.description < rhs.description }
}

/// An element of `sockdiag --json -p`: the row's keys plus `process` (null or missing decode as nil).
struct OwnedJSONSocket: Decodable, Sendable {
    var transport: String
    var state: String
    var local: JSONSocket.End
    var peer: JSONSocket.End
    var inode: UInt64
    var process: [OwnerEntry]?

    enum CodingKeys: String, CodingKey {
        case transport = "protocol"
        case state, local, peer, inode, process
    }

    var row: SocketRow {
        get throws { try SocketRows.row(transport: transport, state: state, local: local, peer: peer) }
    }
}

enum ProcessColumn {
    /// The owners in an ss Process column (`users:(("a",pid=1,fd=2),…)`), empty for an empty column.
    static func parseSS(_ column: Substring) throws -> [OwnerEntry] {
        guard !column.isEmpty else { return [] }
        guard column.hasPrefix("users:(("), column.hasSuffix("))") else {
            throw HelperError("not an ss users column: \(column)")
        }
        let pattern = try Regex(#"\("([^"]*)",pid=([0-9]+),(?:tid=([0-9]+),)?fd=([0-9]+)\)"#)
        var owners: [OwnerEntry] = []
        for match in column.matches(of: pattern) {
            guard let command = match.output[1].substring, let pid = match.output[2].substring.flatMap({ Int32($0) }),
                let fd = match.output[4].substring.flatMap({ Int32($0) })
            else { throw HelperError("bad owner in \(column)") }
            let tid = match.output[3].substring.flatMap { Int32($0) }
            owners.append(OwnerEntry(command: String(command), pid: pid, fd: fd, tid: tid))
        }
        guard !owners.isEmpty else { throw HelperError("no owner in \(column)") }
        return owners.sorted()
    }

    /// `ss -tanpH …` output (no Netid column) as rows with owners.
    static func ssRows(_ text: String) throws -> [OwnedRow] {
        try text.split(separator: "\n").map { line in
            let fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            guard fields.count >= 5 else { throw HelperError("short ss row: \(line)") }
            let row = try SocketRows.parseTable(String(fields[0..<5].joined(separator: " ")), netid: "tcp")[0]
            let column = fields.dropFirst(5).joined(separator: " ")
            return OwnedRow(row: row.wildcardAsAny, owners: try parseSS(Substring(column)))
        }.sorted()
    }

    /// `sockdiag --json -p` output as rows with owners, and the decoded elements.
    static func sockdiagRows(_ text: String) throws -> (rows: [OwnedRow], sockets: [OwnedJSONSocket]) {
        let sockets = try JSONDecoder().decode([OwnedJSONSocket].self, from: Data(text.utf8))
        let rows = try sockets.map { OwnedRow(row: try $0.row, owners: ($0.process ?? []).sorted()) }.sorted()
        return (rows, sockets)
    }

    /// This process's command name as /proc shows it.
    static func ownCommand() throws -> String {
        try String(contentsOfFile: "/proc/self/comm", encoding: .utf8).trimmingCharacters(in: .newlines)
    }

    /// The descriptor of each population socket, by inode.
    static func descriptorsByInode(_ population: Population) throws -> [UInt64: Int32] {
        var result: [UInt64: Int32] = [:]
        for fd in population.fds {
            var status = stat()
            guard fstat(fd, &status) == 0 else { throw HelperError.system("fstat") }
            result[UInt64(status.st_ino)] = fd
        }
        return result
    }
}

extension Integration {
    /// `-p`: owners from /proc, against ss and against the descriptors the test itself holds.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    struct ProcessOwners {
        @Test(
            "sockdiag -tanp --json and ss -tanpH list the same owners; each owned socket is this process's descriptor"
        )
        func ownersMatchSS() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }

            let ours = try namespace.exec([binary, "-tanp", "--json"])
            let theirs = try namespace.exec([ss, "-tanpH"])
            try #require(ours.status == 0 && !ours.signaled, "\(ours)")
            try #require(theirs.status == 0, "\(theirs)")

            let (ourRows, sockets) = try ProcessColumn.sockdiagRows(ours.stdout)
            let ssRows = try ProcessColumn.ssRows(theirs.stdout)
            expectSame(ourRows, ssRows, "sockdiag", "ss")
            #expect(ourRows.count == population.tcp.count)

            // Independently of ss: the owners are exactly this process and the descriptor the test holds.
            let command = try ProcessColumn.ownCommand()
            let fds = try ProcessColumn.descriptorsByInode(population)
            var owned = 0
            for socket in sockets {
                let row = try socket.row
                if socket.inode == 0 {
                    #expect(socket.process == nil, "\(row) has no file, so no owner")
                    #expect(socket.state == "time-wait")
                } else {
                    let fd = try #require(fds[socket.inode], "inode \(socket.inode) is not one of the test's sockets")
                    #expect(socket.process == [OwnerEntry(command: command, pid: getpid(), fd: fd)], "\(row)")
                    owned += 1
                }
            }
            #expect(owned == population.tcp.count - Population.serverTimeWaitCount - Population.clientTimeWaitCount)
        }

        @Test("--port 8000 -p lists only the sockets of port 8000, with the owners ss gives them")
        func narrowQuery() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }

            let ours = try namespace.exec([binary, "-tan", "--port", "8000", "-p", "--json"])
            let theirs = try namespace.exec([ss, "-tanpH", "( sport = :8000 or dport = :8000 )"])
            try #require(ours.status == 0 && !ours.signaled, "\(ours)")
            try #require(theirs.status == 0, "\(theirs)")

            let (ourRows, _) = try ProcessColumn.sockdiagRows(ours.stdout)
            let ssRows = try ProcessColumn.ssRows(theirs.stdout)
            expectSame(ourRows, ssRows, "sockdiag", "ss")
            let expected = population.tcp.filter { $0.local.port == 8000 || $0.peer.port == 8000 }
            #expect(ourRows.count == expected.count)
            #expect(ourRows.allSatisfy { $0.row.localPort == 8000 || $0.row.peerPort == 8000 })
            #expect(ourRows.contains { $0.row.state == "LISTEN" && $0.owners.count == 1 })
        }

        @Test("TIME_WAIT sockets have no owner and say so; /proc is not scanned when only they match")
        func timeWaitHasNoOwner() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }

            let table = try namespace.exec([binary, "-tan", "--state", "time-wait", "-p", "-v"])
            try #require(table.status == 0 && !table.signaled, "\(table)")
            let lines = table.stdout.split(separator: "\n")
            #expect(lines.first?.hasSuffix("Process") == true, "\(table)")
            let rows = lines.dropFirst()
            #expect(rows.count == Population.serverTimeWaitCount + Population.clientTimeWaitCount, "\(table)")
            // One state selected: no State column, as ss.
            #expect(lines.first?.hasPrefix("Recv-Q") == true, "\(table)")
            #expect(rows.allSatisfy { $0.hasSuffix(" (no process: time-wait)") }, "\(table)")
            #expect(table.stderr.contains("/proc not scanned"), "\(table)")
            #expect(!table.stderr.contains("partial"), "nothing was scanned, so nothing is partial: \(table)")

            let json = try namespace.exec([binary, "-tan", "--state", "time-wait", "-p", "--json"])
            try #require(json.status == 0 && !json.signaled, "\(json)")
            let objects = try #require(
                try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]]
            )
            #expect(objects.count == rows.count)
            #expect(objects.allSatisfy { $0["process"] is NSNull && $0["inode"] as? Int == 0 }, "\(json)")
        }

        @Test(
            "as nobody: sockets are still listed, other users' owners are unknown, and one stderr line says so",
            .enabled(if: UnprivilegedSockdiag.canRun, "needs root, setpriv, the user nobody and the group nogroup")
        )
        func unprivileged() throws {
            let nobody = try UnprivilegedSockdiag()
            defer { nobody.remove() }

            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }

            let result = try namespace.exec(nobody.command(["-tanp"]))
            #expect(result.status == 0 && !result.signaled, "\(result)")
            let rows = result.stdout.split(separator: "\n").dropFirst()
            #expect(rows.count == population.tcp.count, "\(result)")
            // The test runs as root: nobody cannot read its descriptors.
            #expect(
                rows.filter { $0.hasSuffix(" (no process found)") }.count
                    == population.tcp.count - Population.serverTimeWaitCount - Population.clientTimeWaitCount,
                "\(result)"
            )
            #expect(!rows.contains { $0.contains("users:(") }, "\(result)")
            let lines = result.stderrLines
            try #require(lines.count == 1, "\(result)")
            let pattern = try Regex(
                #"^sockdiag: process information is partial: [0-9]+ of [0-9]+ processes could not be read \(Permission denied; run as root\)$"#
            )
            #expect(lines[0].wholeMatch(of: pattern) != nil, "\(result)")
        }
    }
}
