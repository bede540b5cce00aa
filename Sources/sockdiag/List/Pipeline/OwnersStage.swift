import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `-p`: the processes that hold the listed sockets, from one scan of every process.
///
/// Three paths, the same answer:
/// - **every socket first** (``everySocket()``): for a listing that shows most sockets, the owners of every socket
///   on the machine are scanned *before* the dump, into a ``SocketOwnerTable`` (16 bytes per socket
///   descriptor), and the rows then stream as without `-p`, each looking its owners up: memory is the table's,
///   not the rows'.
/// - **owners kept on the sockets** (``storedOwners()``, tried first for a TCP-only listing of most sockets, see
///   ``Listing/streamWithStoredOwners(from:into:)``): one BPF run attaches each TCP socket's owners to the socket
///   in the kernel, the dump brings them in each row; memory does not grow with the sockets.
/// - **wanted inodes** (``init(_:threads:)``): for a narrow listing (a filter, ports, states without
///   ESTABLISHED, `-T`, `--all-netns`, `-K`), the rows are kept and only their inodes are looked for (with the
///   BPF iterator, a map of them in the kernel): the scan writes back a handful of descriptors instead of every
///   socket's. No socket without an inode is looked for: TIME_WAIT and request sockets never have one.
///
/// The scan reads every process (as ss does), so that a socket shared by several processes lists them all.
struct OwnersStage {
    /// What the scan answered: the owners of the wanted inodes, or the table of every socket.
    enum Answer {
        case inodes(SocketOwnerScan)
        case table(SocketOwnerTable)
        /// The owners kept on the namespace's sockets in the kernel (``storedOwners()``).
        case storage(SocketOwnerStorage)
    }

    let answer: Answer
    /// How many socket inodes were looked for (on the wanted-inodes path).
    let inodes: Int
    /// How long the scan took.
    let nanoseconds: UInt64

    /// What the scan did.
    var report: SocketOwnerScanReport {
        switch answer {
        case .inodes(let scan): scan.report
        case .table(let table): table.report
        case .storage(let storage): storage.report
        }
    }

    /// The table of every socket's owners, on that path.
    var table: SocketOwnerTable? {
        if case .table(let table) = answer { table } else { nil }
    }

    /// The owners kept on the sockets, on that path.
    var storage: SocketOwnerStorage? {
        if case .storage(let storage) = answer { storage } else { nil }
    }

    /// Attaches the owners to the current namespace's internet sockets in the kernel (the every-socket path when
    /// ``storageChoice()`` allows it).
    /// - Throws: ``SockDiagError`` saying why the kernel cannot.
    static func storedOwners() throws -> OwnersStage {
        let started = Self.monotonicNanoseconds()
        let storage = try SocketOwnerScanner(source: .automatic).attachOwners()
        return OwnersStage(answer: .storage(storage), inodes: 0, nanoseconds: Self.monotonicNanoseconds() - started)
    }

    /// The open files (``openFiles()``, an upper bound of the socket descriptors the table would hold) from which
    /// the every-socket path keeps the owners on the sockets in the kernel by default, instead of a table: 524 288
    /// descriptors make an 8 MiB table, more than half of what the listing itself holds (~13.5 MiB, flat). Below,
    /// the table: measured at 100 000 sockets, it is 1.5 times faster (its scan overlaps the dump; the storage is
    /// two kernel allocations per socket); at 1 000 000, the table path takes 1.9 s and 65 MiB, the storage 3.1 s
    /// and 17.5 MiB (and ~340 bytes of kernel memory per socket of the namespace until it exits).
    static let storageThreshold = 524_288

    /// Whether the every-socket path keeps the owners on the sockets in the kernel: `SOCKDIAG_OWNERS=storage`
    /// requires it (`forced`), `bpf` and `proc` take the table, `auto` or nothing tries it first.
    static func storageChoice() -> (tried: Bool, forced: Bool) {
        guard let variable = getenv("SOCKDIAG_OWNERS"), variable.pointee != 0 else { return (true, false) }
        switch String(cString: variable) {
        case "storage": return (true, true)
        case "auto": return (true, false)
        default: return (false, false)
        }
    }

    /// Whether `listing` takes the every-socket path: `-p` on one namespace, by process (not `-T`), with no
    /// filter or port condition and ESTABLISHED among the states (the default, `-a`, `-t`…: the states that
    /// hold most sockets of a busy machine). Measured at 100 000 sockets: the table path holds ~16 bytes per
    /// socket instead of every row (~130 bytes) and its owners, and writes rows as they arrive; a narrow listing
    /// (`--sport 9000`, `-l`) keeps the wanted-inodes path, where the kernel writes back only the few wanted
    /// descriptors.
    ///
    /// The table holds every socket descriptor of the machine, whatever its namespace (a descriptor does not say
    /// which): when the listed namespace holds few of them (another namespace with a million sockets), the table
    /// would cost more than keeping this namespace's rows. So, on a machine with 65 536 open files or more (the
    /// first field of `/proc/sys/fs/file-nr`, an upper bound of its socket descriptors; below that the table is
    /// at most 1 MiB), the path also needs the namespace's sockets (`sockets: used` in
    /// `/proc/thread-self/net/sockstat`) to be at least an eighth of those files: 16 bytes per descriptor of the
    /// machine against ~130 per row of the namespace. Either path gives the same answer; when a count cannot be
    /// read, the table.
    static func streams(_ listing: Listing) -> Bool {
        guard listsMostSockets(listing) else { return false }
        guard let sockets = Self.namespaceSockets(), let files = Self.openFiles() else { return true }
        return tableIsSmaller(namespaceSockets: sockets, openFiles: files)
    }

    /// Whether `listing` is `-p` on one namespace, by process (not `-T`), with no filter or port condition and
    /// ESTABLISHED among the states: the listings that the every-socket paths serve (``streams(_:)`` adds a size
    /// rule for the table; owners kept on the sockets need none).
    static func listsMostSockets(_ listing: Listing) -> Bool {
        let options = listing.options
        let query = listing.query
        guard options.processes, !options.display.threads, case .all = query.filter, query.ports.isEmpty else {
            return false
        }
        return query.states.contains(.established)
    }

    /// Whether the table of every socket descriptor (at most `openFiles`) is small (under 1 MiB) or no larger
    /// than the rows of the namespace's `namespaceSockets` sockets would be.
    static func tableIsSmaller(namespaceSockets: Int, openFiles: Int) -> Bool {
        openFiles < 65_536 || namespaceSockets * 8 >= openFiles
    }

    /// The sockets of the current thread's network namespace: `sockets: used N` in its `sockstat`.
    static func namespaceSockets() -> Int? {
        guard let text = Self.smallFile("/proc/thread-self/net/sockstat"),
            let line = text.split(separator: "\n").first(where: { $0.hasPrefix("sockets: used ") })
        else { return nil }
        return Int(line.dropFirst("sockets: used ".count).prefix { $0.isNumber })
    }

    /// The files open on the machine: the first field of `/proc/sys/fs/file-nr`.
    static func openFiles() -> Int? {
        guard let text = Self.smallFile("/proc/sys/fs/file-nr") else { return nil }
        return Int(text.prefix { $0.isNumber })
    }

    /// The first 4 KiB of the file at `path`, or `nil` when it cannot be read.
    private static func smallFile(_ path: String) -> String? {
        let file = open(path, O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return nil }
        defer { close(file) }
        var bytes = [UInt8](repeating: 0, count: 4096)
        let length = bytes.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
        guard length > 0 else { return nil }
        return String(decoding: bytes.prefix(length), as: UTF8.self)
    }

    /// How many bytes of the dump's first replies may wait while the every-socket scan runs
    /// (``startEverySocket(readAhead:)``). Measured at 100 000 sockets (`-tanp`, 11 interleaved runs; `-tan` 103 ms):
    /// 166 ms with none, 149 ms with 3 MB, 142 ms with 4 MB, 139 ms with 6 MB; peak RSS is the same up to 4 MB (the
    /// kept replies are given back as they are replayed, before ss's output batch fills) and 1.5 MB more at 6 MB.
    static let readAheadLimit = 4_000_000

    /// Starts the scan of every socket's owners (the every-socket path) on a thread of its own; `readAhead` opens
    /// when it is over.
    static func startEverySocket(readAhead: DumpReadAhead?) throws -> PendingOwnerTable {
        try SocketOwnerScanner(source: try Self.source()).startAllOwners(readAhead: readAhead)
    }

    private init(answer: Answer, inodes: Int, nanoseconds: UInt64) {
        self.answer = answer
        self.inodes = inodes
        self.nanoseconds = nanoseconds
    }

    /// The every-socket path's answer, once `pending` is over.
    /// - Throws: What the scan threw.
    init(_ pending: PendingOwnerTable) throws {
        answer = .table(try pending.table())
        inodes = 0
        nanoseconds = pending.nanoseconds
    }

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
        answer = .inodes(try SocketOwnerScanner(source: source).owners(of: inodes, threads: threads))
        nanoseconds = Self.monotonicNanoseconds() - started
        self.inodes = inodes.count
    }

    /// The owner source `SOCKDIAG_OWNERS` names (`auto`, `proc` or `bpf`: for tests and benchmarks; `storage`
    /// is automatic here, see ``storageChoice()``), else automatic.
    static func source() throws -> SocketOwnerSource {
        guard let variable = getenv("SOCKDIAG_OWNERS"), variable.pointee != 0 else { return .automatic }
        let name = String(cString: variable)
        if name == "storage" { return .automatic }
        guard let source = SocketOwnerSource(rawValue: name) else {
            throw UsageError("SOCKDIAG_OWNERS must be auto, proc, bpf or storage, not '\(name)'")
        }
        return source
    }

    /// The owners of `socket`, empty when no scanned process holds it.
    @inline(__always)
    func owners(of socket: Socket) -> [SocketOwner] {
        owners(ofInode: socket.inode)
    }

    /// The owners of a UNIX socket, empty when no scanned process holds it.
    @inline(__always)
    func owners(of socket: UnixSocket) -> [SocketOwner] {
        owners(ofInode: UInt64(socket.inode))
    }

    private func owners(ofInode inode: UInt64) -> [SocketOwner] {
        switch answer {
        case .inodes(let scan): scan.owners[inode] ?? []
        case .table(let table): table.owners(of: inode)
        case .storage: []
        }
    }

    /// Says on stderr when some processes could not be read, or none was found (no /proc).
    func notePartial() {
        let scanned = report
        let scannedEverySocket = table != nil || storage != nil
        if (inodes > 0 || scannedEverySocket) && scanned.source == .proc
            && scanned.processesScanned + scanned.processesUnreadable == 0
        {
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
        guard inodes > 0 || table != nil || storage != nil else {
            StandardError.note(
                "processes: no matching socket has an inode (time-wait, request or closed sockets); /proc not scanned"
            )
            return
        }
        let scanned = report
        let milliseconds = Double(nanoseconds / 10_000) / 100
        // The path: every socket's owners before the dump (rows streamed), or the matched rows' inodes after it.
        let what: String
        switch answer {
        case .table(let table):
            what = "every socket (\(table.descriptorCount) socket descriptors; rows streamed, the dump started meanwhile) in \(milliseconds) ms"
        case .storage(let storage):
            what =
                "every socket, owners kept on the namespace's sockets in the kernel (BPF socket storage; "
                + "\(storage.overflowCount) kept here: past a socket's fourth, or refused a record; rows streamed) in "
                + "\(milliseconds) ms"
        case .inodes(let scan):
            what = "\(inodes) socket inodes (rows kept) in \(milliseconds) ms; \(scan.owners.count) have owners"
        }
        guard scanned.source == .proc else {
            StandardError.note("processes: BPF task_file iterator for \(what)")
            return
        }
        if let reason = scanned.bpfUnavailable { StandardError.note("processes: /proc walk, not BPF: \(reason)") }
        StandardError.note(
            "processes: /proc walk of \(scanned.processesScanned) descriptor tables, \(scanned.descriptorsRead) descriptors read, for \(what); \(scanned.processesUnreadable) processes unreadable, \(scanned.processesVanished) exited meanwhile"
        )
    }

    static func monotonicNanoseconds() -> UInt64 {
        var now = timespec()
        clock_gettime(CLOCK_MONOTONIC, &now)
        return UInt64(now.tv_sec) * 1_000_000_000 + UInt64(now.tv_nsec)
    }
}
