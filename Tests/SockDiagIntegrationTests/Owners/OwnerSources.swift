import Foundation
import SockDiagTestSupport
import Testing

/// One listing with owners made three ways, one after the other on a population that does not change meanwhile:
/// sockdiag with the BPF iterator (`SOCKDIAG_OWNERS=bpf`), sockdiag with the `/proc` walk (`=proc`), and ss;
/// TCP rows also with the owners kept on the sockets in the kernel (`=storage`).
enum OwnerSources {
    /// An element of `sockdiag -xp --json`: the inode and the owners.
    struct UnixOwned: Decodable {
        var inode: UInt64
        var process: [OwnerEntry]?
    }

    /// Whether `result` wrote nothing on stderr but the walk's note on processes it could not read: this
    /// machine's own (pid 1 of a container is unreadable even to root), never the test's.
    static func quiet(_ result: CommandResult) -> Bool {
        result.stderr.isEmpty
            || result.stderrLines.allSatisfy { $0.hasPrefix("sockdiag: process information is partial: ") }
    }

    /// `sockdiag OPTIONS --json` by both sources, in `namespace`.
    static func sockdiag(_ options: [String], in namespace: TestNamespace) throws -> (bpf: String, proc: String) {
        let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
        let outputs = try ["bpf", "proc"].map { source in
            let result = try namespace.exec(
                ["/usr/bin/env", "SOCKDIAG_OWNERS=\(source)", binary] + options + ["--json"]
            )
            try #require(result.status == 0 && !result.signaled && quiet(result), "\(source): \(result)")
            return result.stdout
        }
        return (outputs[0], outputs[1])
    }

    /// `sockdiag OPTIONS --json` with the owners kept on the sockets in the kernel (`SOCKDIAG_OWNERS=storage`;
    /// listings that do not list most sockets, such as `-T`'s, keep their rows as with `auto`), in `namespace`.
    static func storage(_ options: [String], in namespace: TestNamespace) throws -> String {
        let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
        let result = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=storage", binary] + options + ["--json"])
        try #require(result.status == 0 && !result.signaled && quiet(result), "storage: \(result)")
        return result.stdout
    }

    /// `ss OPTIONS` in `namespace`; allowed two minutes, as `ss -p` and `-T` read every descriptor table of the
    /// machine, which takes tens of seconds while a benchmark population holds 100,000 sockets.
    static func ss(_ options: [String], in namespace: TestNamespace) throws -> String {
        let ss = try #require(Commands.ss)
        let ip = try #require(Commands.ip)
        let result = try Commands.run(ip, ["netns", "exec", namespace.name, ss] + options, timeout: 120)
        try #require(result.status == 0, "\(result)")
        return result.stdout
    }

    /// The TCP rows of `sockdiag OPTIONS` (`-tanp`, `-tanT`…) by both sources and of `ss SS_OPTIONS` (with `H`),
    /// expected the same; BPF's rows are returned.
    @discardableResult
    static func tcpRows(
        in namespace: TestNamespace,
        _ options: [String] = ["-tanp"],
        ss ssOptions: [String] = ["-tanpH"],
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [OwnedRow] {
        let (bpf, proc) = try sockdiag(options, in: namespace)
        let bpfRows = try ProcessColumn.sockdiagRows(bpf).rows
        let procRows = try ProcessColumn.sockdiagRows(proc).rows
        let storageRows = try ProcessColumn.sockdiagRows(try storage(options, in: namespace)).rows
        let ssRows = try ProcessColumn.ssRows(try ss(ssOptions, in: namespace))
        expectSame(bpfRows, procRows, "bpf", "proc", "\(options): ", sourceLocation: sourceLocation)
        expectSame(bpfRows, storageRows, "bpf", "storage", "\(options): ", sourceLocation: sourceLocation)
        expectSame(bpfRows, ssRows, "bpf", "ss", "\(options): ", sourceLocation: sourceLocation)
        return bpfRows
    }

    /// The owners of each UNIX socket `sockdiag -xp` lists by both sources and `ss -xpH` lists, by inode (none:
    /// an empty list), expected the same; BPF's are returned.
    @discardableResult
    static func unixOwners(
        in namespace: TestNamespace,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws -> [UInt64: [OwnerEntry]] {
        let (bpf, proc) = try sockdiag(["-xp"], in: namespace)
        func decoded(_ text: String) throws -> [UInt64: [OwnerEntry]] {
            let sockets = try JSONDecoder().decode([UnixOwned].self, from: Data(text.utf8))
            return Dictionary(sockets.map { ($0.inode, ($0.process ?? []).sorted()) }) { first, _ in first }
        }
        var theirs: [UInt64: [OwnerEntry]] = [:]
        // Netid State Recv-Q Send-Q Local Port Peer Port [Process]: unbound sockets print `*` as their name.
        for line in try ss(["-xpH"], in: namespace).split(separator: "\n") {
            let fields = line.split(separator: " ", omittingEmptySubsequences: true)
            let inode = try #require(fields.count >= 8 ? UInt64(fields[5]) : nil, "ss -xpH row: \(line)")
            theirs[inode] = try ProcessColumn.parseSS(Substring(fields.dropFirst(8).joined(separator: " ")))
        }
        let ours = try decoded(bpf)
        let rows = { (owners: [UInt64: [OwnerEntry]]) in owners.map { "\($0.key) \($0.value)" }.sorted() }
        expectSame(rows(ours), rows(try decoded(proc)), "bpf", "proc", "-xp: ", sourceLocation: sourceLocation)
        expectSame(rows(ours), rows(theirs), "bpf", "ss", "-xp: ", sourceLocation: sourceLocation)
        return ours
    }
}
