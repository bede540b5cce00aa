import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `-p`: the processes that hold the listed sockets, from one scan of /proc for the inodes of all of them.
///
/// The scan reads every process (as ss does), so that a socket shared by several processes lists them all. No
/// socket without an inode is looked for: TIME_WAIT and request sockets never have one.
struct OwnersStage {
    let scan: SocketOwnerScan
    /// How many socket inodes were looked for.
    let inodes: Int
    /// How long the scan took.
    let nanoseconds: UInt64

    /// Scans /proc for the owners of the UNIX and internet sockets of `rows`.
    /// - Parameter threads: `-T`: each thread's descriptor table too.
    init(_ rows: [Rows], threads: Bool = false) throws {
        var inodes = Set<UInt64>(minimumCapacity: rows.reduce(0) { $0 + $1.sockets.count + $1.unix.count })
        for namespace in rows {
            for socket in namespace.sockets where socket.inode != 0 { inodes.insert(socket.inode) }
            for socket in namespace.unix where socket.inode != 0 { inodes.insert(UInt64(socket.inode)) }
        }
        let source = try Self.source()
        let started = Self.monotonicNanoseconds()
        scan = try SocketOwnerScanner(source: source).owners(of: inodes, threads: threads)
        nanoseconds = Self.monotonicNanoseconds() - started
        self.inodes = inodes.count
    }

    /// The owner source `SOCKDIAG_OWNERS` names (`auto`, `proc` or `bpf`: for tests and benchmarks), else
    /// automatic.
    static func source() throws -> SocketOwnerSource {
        guard let variable = getenv("SOCKDIAG_OWNERS"), variable.pointee != 0 else { return .automatic }
        let name = String(cString: variable)
        guard let source = SocketOwnerSource(rawValue: name) else {
            throw UsageError("SOCKDIAG_OWNERS must be auto, proc or bpf, not '\(name)'")
        }
        return source
    }

    /// The owners of `socket`, empty when no scanned process holds it.
    @inline(__always)
    func owners(of socket: Socket) -> [SocketOwner] {
        scan.owners[socket.inode] ?? []
    }

    /// The owners of a UNIX socket, empty when no scanned process holds it.
    @inline(__always)
    func owners(of socket: UnixSocket) -> [SocketOwner] {
        scan.owners[UInt64(socket.inode)] ?? []
    }

    /// Says on stderr when some processes could not be read, or none was found (no /proc).
    func notePartial() {
        let scanned = scan.report
        if inodes > 0 && scanned.source == .proc && scanned.processesScanned + scanned.processesUnreadable == 0 {
            StandardError.note("process information is missing: no process found under /proc (is /proc mounted?)")
            return
        }
        guard scanned.processesUnreadable > 0 else { return }
        // "Permission denied", or "3 Permission denied, 1 Bad message" when the reasons differ.
        let errors = scanned.unreadableErrors.sorted { ($1.value, $0.key.rawValue) < ($0.value, $1.key.rawValue) }
        let reason =
            errors.count == 1
            ? "\(errors[0].key)" : errors.map { "\($0.value) \($0.key)" }.joined(separator: ", ")
        let hint = geteuid() == 0 ? "" : "; run as root"
        StandardError.note(
            "process information is partial: \(scanned.processesUnreadable) of \(scanned.processesScanned + scanned.processesUnreadable) processes could not be read (\(reason)\(hint))"
        )
    }

    /// Says on stderr what the scan read and how long it took (`-v`).
    func noteCost() {
        guard inodes > 0 else {
            StandardError.note(
                "processes: no matching socket has an inode (time-wait, request or closed sockets); /proc not scanned"
            )
            return
        }
        let scanned = scan.report
        let milliseconds = Double(nanoseconds / 10_000) / 100
        guard scanned.source == .proc else {
            StandardError.note(
                "processes: BPF task_file iterator for \(inodes) socket inodes in \(milliseconds) ms; \(scan.owners.count) have owners"
            )
            return
        }
        if let reason = scanned.bpfUnavailable { StandardError.note("processes: /proc walk, not BPF: \(reason)") }
        StandardError.note(
            "processes: \(scanned.processesScanned) descriptor tables, \(scanned.descriptorsRead) descriptors read for \(inodes) socket inodes in \(milliseconds) ms; \(scan.owners.count) have owners, \(scanned.processesUnreadable) processes unreadable, \(scanned.processesVanished) exited meanwhile"
        )
    }

    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
