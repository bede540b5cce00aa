#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension SocketOwnerScanner {
    /// The owners of every socket that a process holds, as one table to look sockets up in
    /// (``SocketOwnerTable``).
    ///
    /// For a caller that wants the owners of most sockets (a full listing): the scan needs no set of wanted
    /// inodes, so the sockets can be read after it and handled one at a time. Its cost is that of any scan (every
    /// descriptor of every process is visited, in-kernel with the BPF iterator); its memory is about 16 bytes per
    /// socket descriptor on the machine, however many sockets the caller then reads. Processes only, never
    /// threads (``SocketOwner/tid`` is `nil`); the source is chosen as for ``owners(of:stopWhenAllFound:threads:)``
    /// and the answer is the same.
    /// - Returns: The table, with what the scan did in ``SocketOwnerTable/report``.
    /// - Throws: ``SockDiagError`` as ``owners(of:stopWhenAllFound:threads:)`` does.
    public func allOwners() throws(SockDiagError) -> SocketOwnerTable {
        var bpfUnavailable: String?
        if let iterator {
            switch iteratorTable(iterator) {
            case .success(let table): return table
            case .failure(let reason): bpfUnavailable = try fallback(from: reason)
            }
        }
        let directory = try openProcRoot()
        defer { close(directory) }
        var walk = OwnerWalk(proc: directory, wanted: [], stopWhenAllFound: false, everySocket: true)
        defer { walk.deallocate() }
        try walk.run(root: procRoot)
        var report = walk.report
        report.bpfUnavailable = bpfUnavailable
        // Moved out of the walk, so that sorting them does not copy them (the walk would still share them).
        var entries: [SocketOwnerTable.Entry] = []
        swap(&entries, &walk.tableEntries)
        return SocketOwnerTable(entries: consume entries, commands: walk.commands, report: report)
    }

    /// Why the iterator's failure leads to the `/proc` walk (for the report); throws when the source is forced.
    func fallback(from reason: BTFError) throws(SockDiagError) -> String {
        guard source == .automatic else {
            throw SockDiagError(
                code: .requestRejected,
                operation: "BPF task_file iterator",
                message: "the BPF owner iterator cannot be used: \(reason)"
            )
        }
        return reason.description
    }

    /// How many files are open on the machine (the first field of `/proc/sys/fs/file-nr`; 0 when unreadable): an
    /// upper bound of the socket descriptors a scan finds, to reserve the table once. The pages of the
    /// reservation that the scan does not fill are never touched, so they cost no memory.
    static func openFileEstimate() -> Int {
        let file = open("/proc/sys/fs/file-nr", O_RDONLY | O_CLOEXEC)
        guard file >= 0 else { return 0 }
        defer { close(file) }
        var bytes = [UInt8](repeating: 0, count: 64)
        let length = bytes.withUnsafeMutableBytes { read(file, $0.baseAddress, $0.count) }
        var count = 0
        for byte in bytes.prefix(max(length, 0)) {
            guard byte >= UInt8(ascii: "0"), byte <= UInt8(ascii: "9") else { break }
            count = count * 10 + Int(byte - UInt8(ascii: "0"))
        }
        return min(count, 1 << 26)
    }

    /// Opens ``procRoot`` as a directory.
    func openProcRoot() throws(SockDiagError) -> Int32 {
        let root = procRoot
        return try procSystemCall("open", path: root) {
            root.withCString { open($0, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }
        }
    }

    /// The table from the BPF iterator, or why it cannot answer.
    func iteratorTable(_ iterator: TaskFileIterator) -> Result<SocketOwnerTable, BTFError> {
        let privileged = source == .automatic
        if let reason = TaskFileIterator.unavailability(procRoot: procRoot, threads: false, privileged: privileged) {
            return .failure(BTFError(reason))
        }
        do throws(BTFError) {
            var entries: [SocketOwnerTable.Entry] = []
            entries.reserveCapacity(Self.openFileEstimate())
            let commands = try iterator.everySocket(into: &entries)
            var report = SocketOwnerScanReport()
            report.source = .bpf
            // Consumed: a second reference would make the sort copy them (1.5 MB at 100 000 sockets).
            return .success(SocketOwnerTable(entries: consume entries, commands: commands, report: report))
        } catch {
            return .failure(error)
        }
    }
}
