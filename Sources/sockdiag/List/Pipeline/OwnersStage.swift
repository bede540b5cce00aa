import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Invocation {
    /// `-p`: collects the matching sockets, finds the owners of those that have an inode with one scan of /proc,
    /// then writes the table or JSON with the Process column.
    ///
    /// The scan reads every process (as ss does), so that a socket shared by several processes lists them all;
    /// it is skipped when no matching socket has an inode (TIME_WAIT and request sockets never do). A line on
    /// stderr says when some processes could not be read.
    func emitWithOwners(
        from source: SocketSource,
        query: SocketQuery,
        into sink: inout OutputSink
    ) throws -> DumpReport? {
        var sockets: [Socket] = []
        let report = try source.forEachSocket(matching: query) { sockets.append($0) }
        sockets = Self.inSSOrder(sockets)
        var inodes = Set<UInt64>(minimumCapacity: sockets.count)
        for socket in sockets where socket.inode != 0 { inodes.insert(socket.inode) }
        let started = Self.monotonicNanoseconds()
        let scan = try SocketOwnerScanner().owners(of: inodes)
        let elapsed = Self.monotonicNanoseconds() - started

        if json {
            var formatter = JSONFormatter()
            formatter.details = details
            sink.withBytes { formatter.writeStart(to: &$0) }
            try emitUnix(from: source, query: query, into: &sink) { socket, bytes in formatter.write(socket, to: &bytes) }
            for socket in sockets {
                sink.withBytes { formatter.write(socket, owners: scan.owners[socket.inode] ?? [], to: &$0) }
                try sink.flushIfNeeded()
            }
            sink.withBytes { formatter.writeEnd(to: &$0) }
        } else {
            var formatter = tableFormatter(for: query)
            if !noHeader {
                sink.withBytes { formatter.writeHeader(processColumn: true, to: &$0) }
            }
            try emitUnix(from: source, query: query, into: &sink) { socket, bytes in formatter.write(socket, to: &bytes) }
            for socket in sockets {
                sink.withBytes { formatter.write(socket, owners: scan.owners[socket.inode] ?? [], to: &$0) }
                try sink.flushIfNeeded()
            }
        }
        try sink.flush()

        let scanned = scan.report
        if let line = Self.partialProcessLine(scanned) { Self.note(line) }
        if verbose {
            if inodes.isEmpty {
                Self.note(
                    "processes: no matching socket has an inode (time-wait, request or closed sockets); /proc not scanned"
                )
            } else {
                let milliseconds = Double(elapsed / 10_000) / 100
                Self.note(
                    "processes: \(scanned.processesScanned) descriptor tables, \(scanned.descriptorsRead) descriptors read for \(inodes.count) socket inodes in \(milliseconds) ms; \(scan.owners.count) have owners, \(scanned.processesUnreadable) processes unreadable, \(scanned.processesVanished) exited meanwhile"
                )
            }
        }
        return report
    }

    /// The stderr line for processes the owner scan could not read, or `nil` when it read them all.
    static func partialProcessLine(_ scanned: SocketOwnerScanReport) -> String? {
        guard scanned.processesUnreadable > 0 else { return nil }
        // "Permission denied", or "3 Permission denied, 1 Bad message" when the reasons differ.
        let errors = scanned.unreadableErrors.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }
        let reason =
            errors.count == 1
            ? "\(errors[0].key)" : errors.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let hint = geteuid() == 0 ? "" : "; run as root"
        return
            "process information is partial: \(scanned.processesUnreadable) of \(scanned.processesScanned + scanned.processesUnreadable) processes could not be read (\(reason)\(hint))"
    }

    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
