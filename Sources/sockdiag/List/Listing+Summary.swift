import SockDiag
import SockDiagFormatting

extension Listing {
    /// What `-s` counts: every TCP and UDP socket.
    static let everySocket = SocketQuery(protocols: [.tcp, .udp], states: .all)

    /// Writes `-s`'s totals, and the blank line that parts them from the table when sockets follow (as ss).
    func writeSummary(_ totals: SocketSummary, into sink: inout OutputSink) {
        let json = options.json
        sink.withBytes {
            json ? SummaryFormatter.writeJSON(totals, to: &$0) : SummaryFormatter.writeText(totals, to: &$0)
        }
        if options.selection.asksForSockets && !json { sink.withBytes { $0.append(UInt8(ascii: "\n")) } }
    }

    /// `--all-netns -s`: one summary totalled over every namespace read: each namespace's counts and its own kernel
    /// counters (read inside it, once its inspector is open), the machine-wide ones (TCP allocated, orphans) once.
    func summarizeEveryNamespace(_ scan: NetworkNamespaceScan, outcome: inout SweepOutcome) throws -> SocketSummary {
        let everySocket = Self.everySocket
        var values: [(KernelSocketStatistics, SocketCounts)] = []
        let sweep = try scan.sweep(concurrency: NetworkNamespaceScan.defaultConcurrency) { namespace, inspector in
            // Read after the inspector opened: subtract its own netlink socket from "sockets: used".
            var kernel = try namespace.run { KernelSocketStatistics.read(procRoot: "/proc/thread-self") }
            kernel.socketsUsed = max(0, kernel.socketsUsed - 1)
            return (kernel, try inspector.count(matching: everySocket))
        } deliver: { _, value in
            values.append(value)
        }
        outcome.record(sweep)
        var kernel = KernelSocketStatistics()
        var counts = SocketCounts()
        for (index, (theirs, theirCounts)) in values.enumerated() {
            if index == 0 {
                kernel.tcpAllocated = theirs.tcpAllocated
                kernel.tcpOrphans = theirs.tcpOrphans
            }
            kernel.socketsUsed += theirs.socketsUsed
            kernel.tcpInUse4 += theirs.tcpInUse4
            kernel.tcpInUse6 += theirs.tcpInUse6
            kernel.tcpTimeWait += theirs.tcpTimeWait
            kernel.udpInUse4 += theirs.udpInUse4
            kernel.udpInUse6 += theirs.udpInUse6
            kernel.rawInUse4 += theirs.rawInUse4
            kernel.rawInUse6 += theirs.rawInUse6
            kernel.fragmentsInUse4 += theirs.fragmentsInUse4
            kernel.fragmentsInUse6 += theirs.fragmentsInUse6
            kernel.tcpCurrentlyEstablished += theirs.tcpCurrentlyEstablished
            counts += theirCounts
        }
        return SocketSummary(counts: counts, kernel: kernel)
    }
}
