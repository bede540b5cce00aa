internal import CSockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A process that holds a socket open: one of its file descriptors refers to the socket.
///
/// What `ss -p` prints as `("nginx",pid=1234,fd=6)`.
public struct SocketOwner: Hashable, Sendable {
    /// The process's command name: `/proc/PID/comm`, at most 15 bytes (the kernel's `TASK_COMM_LEN` less one),
    /// the same name ss takes from `/proc/PID/stat`.
    public var command: String
    /// The process id, as the scanned `/proc` numbers it (its PID namespace).
    public var pid: Int32
    /// The file descriptor that refers to the socket.
    public var fd: Int32
    /// The thread whose descriptor table was read (`ss -T`: the process's own id for its main thread); `nil` when
    /// the scan read processes only.
    public var tid: Int32?

    /// Creates an owner.
    public init(command: String, pid: Int32, fd: Int32, tid: Int32? = nil) {
        self.command = command
        self.pid = pid
        self.fd = fd
        self.tid = tid
    }
}

/// What a scan of `/proc` for socket owners did.
public struct SocketOwnerScanReport: Hashable, Sendable {
    /// Processes whose descriptor directory (`/proc/PID/fd`) was read.
    public var processesScanned = 0
    /// Processes whose descriptor directory could not be read (`EACCES` for another user's process when not
    /// root): any sockets they hold are missing from the result.
    public var processesUnreadable = 0
    /// How many processes could not be read, by error (`EACCES` for another user's process when not root).
    public var unreadableErrors: [Errno: Int] = [:]
    /// Processes that exited while the scan ran (`ENOENT`, `ESRCH`); skipped.
    public var processesVanished = 0
    /// Descriptors whose link was read (`readlinkat(2)` calls).
    public var descriptorsRead = 0
    /// Whether the scan stopped before the last process because every wanted inode had an owner
    /// (`stopWhenAllFound`): other processes or descriptors may hold the same sockets.
    public var stoppedEarly = false
    /// Which source answered: ``SocketOwnerSource/proc`` or ``SocketOwnerSource/bpf`` (never `automatic`). The
    /// BPF iterator counts no processes or descriptors: the counts above are then 0.
    public var source = SocketOwnerSource.proc
    /// Why the automatic choice did not use the BPF iterator (`nil` when it did, or when `proc` was asked for).
    public var bpfUnavailable: String?

    /// Creates an empty report.
    public init() {}

    /// Whether the result lists every owner this `/proc` shows: no process was unreadable and the scan ran to
    /// the end (processes that exited meanwhile do not count).
    public var isComplete: Bool { processesUnreadable == 0 && !stoppedEarly }
}

/// The owners found by ``SocketOwnerScanner/owners(of:stopWhenAllFound:)`` and what the scan did.
public struct SocketOwnerScan: Hashable, Sendable {
    /// The owners of each wanted inode that has at least one, ordered by pid and then descriptor. A wanted inode
    /// without a key has no owner in the scanned processes (see ``report``).
    public var owners: [UInt64: [SocketOwner]]
    /// What the scan did.
    public var report: SocketOwnerScanReport

    /// Creates a scan result.
    public init(owners: [UInt64: [SocketOwner]] = [:], report: SocketOwnerScanReport = SocketOwnerScanReport()) {
        self.owners = owners
        self.report = report
    }
}

/// Finds the processes that hold sockets open, as `ss -p` does: it reads the link of every descriptor in
/// `/proc/PID/fd` (`socket:[INODE]`) and matches the inode with ``Socket/inode``.
///
/// Like ss, it reads each process's descriptor table (`/proc/PID/fd`), not each thread's
/// (`/proc/PID/task/TID/fd`): threads normally share their process's table. It lists directories with
/// `getdents64(2)` and reads links with `readlinkat(2)` relative to the open directory, parses the link bytes in
/// place and allocates only for the owners it finds; it reads `/proc/PID/comm` only for processes that own a
/// wanted socket. It never follows a link to its target (no `stat(2)`), so a descriptor on a hung network or FUSE
/// file system cannot block it. Processes that exit during the scan are skipped; processes whose table cannot be
/// read (another user's, when not root) are counted in the report.
///
/// A scan walks every descriptor of every process whatever the query: its cost grows with the number of open
/// descriptors on the machine, not with the number of sockets asked about (about 2–5 µs per descriptor, all of it
/// in the kernel). Only `stopWhenAllFound` shortens it, at the price of completeness.
///
/// Thread safety: a scanner is an immutable value; any number of scans may run at once, on one scanner or many.
/// Each scan allocates its two directory buffers once.
///
/// With ``SocketOwnerSource/automatic`` (the default) a scan asks the kernel instead when it can: a BPF
/// `task_file` iterator walks the descriptors in-kernel and returns only the wanted sockets' (see
/// ``SocketOwnerSource``); the answer is the same.
public struct SocketOwnerScanner: Sendable {
    /// The `/proc` mount that is scanned.
    public let procRoot: String
    /// Which source scans use.
    public let source: SocketOwnerSource
    /// The BPF iterator, loaded by the first scan that uses it and kept by the scanner and its copies.
    let iterator: TaskFileIterator?

    /// Creates a scanner for the processes under `procRoot`.
    ///
    /// Nothing is opened until a scan runs. A scanner that uses the BPF iterator keeps its program and map
    /// loaded (four descriptors) until the scanner and its copies are released: an agent that scans every second
    /// keeps one scanner.
    /// - Parameters:
    ///   - procRoot: A `/proc` mount (pids and owners are those of its PID namespace), or a directory laid out
    ///     like one (`PID/fd/N` links and `PID/comm` files).
    ///   - source: Where the owners come from; ``SocketOwnerSource/automatic`` picks the BPF iterator when it can.
    public init(procRoot: String = "/proc", source: SocketOwnerSource = .automatic) {
        self.procRoot = procRoot
        self.source = source
        iterator = source == .proc ? nil : TaskFileIterator()
    }

    /// Finds the owners of the sockets with the given inodes.
    ///
    /// A socket can have several owners: processes that inherited it across `fork(2)` (a listener shared by
    /// pre-forked workers), received it over a UNIX socket, or hold it under several descriptors (`dup(2)`).
    /// By default the scan reads every process, so every owner is listed, as ss lists them.
    ///
    /// The corresponding C functions are `getdents64(2)`, `openat(2)` and `readlinkat(2)`.
    /// - Parameters:
    ///   - inodes: The socket inodes to resolve (``Socket/inode``). Inode 0 (TIME_WAIT and request sockets, and
    ///     sockets their process has closed, have no file) never has an owner and is ignored. When the set holds
    ///     no other inode, nothing is read.
    ///   - stopWhenAllFound: Stop as soon as every inode has one owner. Faster when few sockets are asked about,
    ///     but then each socket is known to have *at least* the owners listed: processes later in `/proc` (or later
    ///     descriptors of the same process) that share it are not listed, and ``SocketOwnerScanReport/stoppedEarly``
    ///     says so.
    /// - Returns: The owners of each inode that has one, and what the scan did.
    /// - Throws: ``SockDiagError`` only when `procRoot` itself cannot be opened or listed (`procUnavailable`,
    ///   `permissionDenied`, `ioFailed`); a process that cannot be read is counted in the report instead.
    /// - Parameter threads: Read each thread's table too (`/proc/PID/task/TID/fd`, as `ss -T`): every owner then
    ///   carries its ``SocketOwner/tid`` and command name (the thread's), and threads sharing one table list the
    ///   same descriptor once each.
    public func owners(
        of inodes: Set<UInt64>,
        stopWhenAllFound: Bool = false,
        threads: Bool = false
    ) throws(SockDiagError) -> SocketOwnerScan {
        var wanted = inodes
        wanted.remove(0)
        guard !wanted.isEmpty else { return SocketOwnerScan() }
        var bpfUnavailable: String?
        if let iterator {
            switch iteratorScan(iterator, wanted: wanted, threads: threads) {
            case .success(let scan): return scan
            case .failure(let reason): bpfUnavailable = try fallback(from: reason)
            }
        }
        let root = procRoot
        let directory = try openProcRoot()
        defer { close(directory) }
        var walk = OwnerWalk(proc: directory, wanted: wanted, stopWhenAllFound: stopWhenAllFound)
        walk.threads = threads
        defer { walk.deallocate() }
        try walk.run(root: root)
        var scan = walk.result()
        scan.report.bpfUnavailable = bpfUnavailable
        return scan
    }

    /// The inode named by a descriptor link: `socket:[INODE]` exactly, as the kernel's sockfs writes it; `nil` for
    /// any other link (files, pipes, anonymous inodes) or a malformed number.
    static func socketInode(link: UnsafeRawBufferPointer) -> UInt64? {
        // "socket:[" as a little-endian 64-bit word.
        let prefix: UInt64 = 0x5B3A_7465_6B63_6F73
        guard link.count >= 10, link.count <= 8 + 20 + 1,
            UInt64(littleEndian: link.loadUnaligned(as: UInt64.self)) == prefix,
            link[link.count - 1] == UInt8(ascii: "]")
        else { return nil }
        var value: UInt64 = 0
        for index in 8..<(link.count - 1) {
            let digit = link[index] &- UInt8(ascii: "0")
            guard digit < 10 else { return nil }
            let (times10, overflow1) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow1, !overflow2 else { return nil }
            value = sum
        }
        return value
    }

    /// The number a `/proc` entry name spells (a pid or a descriptor), read up to its terminating NUL; `nil` for
    /// anything but 1 to 10 decimal digits that fit an `Int32`.
    static func entryNumber(_ name: UnsafePointer<UInt8>) -> Int32? {
        var value: Int64 = 0
        var index = 0
        while name[index] != 0 {
            let digit = name[index] &- UInt8(ascii: "0")
            guard digit < 10, index < 10 else { return nil }
            value = value * 10 + Int64(digit)
            index += 1
        }
        guard index > 0, value <= Int64(Int32.max) else { return nil }
        return Int32(value)
    }
}

/// One scan in progress: the buffers, the wanted inodes and what was found.
struct OwnerWalk {
    /// `getdents64(2)` buffer size for `/proc` and for one process's descriptor directory.
    static let directoryBufferSize = 32 * 1024
    /// Longer than any `socket:[INODE]` link; longer links are truncated, which only other kinds of files have.
    static let linkBufferSize = 64
    /// `PID/task/TID/comm` with a NUL: 2 × 10 digits + 12 bytes, rounded up.
    static let pathBufferSize = 48

    let proc: Int32
    let wanted: Set<UInt64>
    let stopWhenAllFound: Bool
    /// Whether every socket descriptor is kept (``SocketOwnerScanner/allOwners()``), whatever `wanted` holds.
    let everySocket: Bool
    let procEntries: UnsafeMutableRawBufferPointer
    let fdEntries: UnsafeMutableRawBufferPointer
    let link: UnsafeMutableRawBufferPointer
    let path: UnsafeMutableRawBufferPointer
    var owners: [UInt64: [SocketOwner]] = [:]
    /// With ``everySocket``: every socket descriptor, and the command of each process that has one.
    var tableEntries: [SocketOwnerTable.Entry] = []
    var commands: [Int32: String] = [:]
    var report = SocketOwnerScanReport()
    /// Wanted inodes that have no owner yet.
    var remaining: Int
    var done = false
    /// Whether each thread's descriptor table is read too (`ss -T`).
    var threads = false

    init(proc: Int32, wanted: Set<UInt64>, stopWhenAllFound: Bool, everySocket: Bool = false) {
        self.proc = proc
        self.wanted = wanted
        self.stopWhenAllFound = stopWhenAllFound
        self.everySocket = everySocket
        remaining = wanted.count
        let size = 2 * Self.directoryBufferSize + Self.linkBufferSize + Self.pathBufferSize
        let block = UnsafeMutableRawBufferPointer.allocate(byteCount: size, alignment: 8)
        // Not zero: no code may rely on the bytes the kernel leaves alone (record padding) being zero.
        block.initializeMemory(as: UInt8.self, repeating: 0xFF)
        procEntries = UnsafeMutableRawBufferPointer(rebasing: block[0..<Self.directoryBufferSize])
        fdEntries = UnsafeMutableRawBufferPointer(
            rebasing: block[Self.directoryBufferSize..<(2 * Self.directoryBufferSize)]
        )
        let linkStart = 2 * Self.directoryBufferSize
        link = UnsafeMutableRawBufferPointer(rebasing: block[linkStart..<(linkStart + Self.linkBufferSize)])
        path = UnsafeMutableRawBufferPointer(rebasing: block[(linkStart + Self.linkBufferSize)...])
        if !everySocket { owners.reserveCapacity(min(wanted.count, 1 << 20)) }
    }

    func deallocate() {
        procEntries.baseAddress!.deallocate()
    }

    func result() -> SocketOwnerScan {
        var owners = self.owners
        // Directory order is pid and descriptor order on /proc, but not on every file system: sort what needs it.
        for (inode, list) in owners where list.count > 1 {
            owners[inode] = list.sorted { ($0.pid, $0.tid ?? 0, $0.fd) < ($1.pid, $1.tid ?? 0, $1.fd) }
        }
        return SocketOwnerScan(owners: owners, report: report)
    }

    mutating func run(root: String) throws(SockDiagError) {
        let proc = self.proc
        let buffer = procEntries
        while !done {
            let filled = try procSystemCall("read directory", path: root) {
                CSockDiag_getdents64(proc, buffer.baseAddress, buffer.count)
            }
            if filled == 0 { break }
            var offset = 0
            while offset < filled && !done {
                let (name, next) = try DirectoryRecords.entry(in: buffer, at: offset, filled: filled, path: root)
                offset = next
                guard let pid = SocketOwnerScanner.entryNumber(name) else { continue }
                scanProcess(pid: pid, tid: threads ? pid : nil, name: name)
                if threads && !done { scanThreads(of: pid) }
            }
        }
        report.stoppedEarly = done
    }

    /// Writes `NAME/suffix` and a NUL into the path buffer.
    func setPath(_ name: UnsafePointer<UInt8>, _ suffix: StaticString) -> UnsafePointer<CChar> {
        let out = path.baseAddress!.assumingMemoryBound(to: UInt8.self)
        var count = 0
        while name[count] != 0 {
            out[count] = name[count]
            count += 1
        }
        out[count] = UInt8(ascii: "/")
        (out + count + 1).update(from: suffix.utf8Start, count: suffix.utf8CodeUnitCount)
        out[count + 1 + suffix.utf8CodeUnitCount] = 0
        return UnsafeRawPointer(out).assumingMemoryBound(to: CChar.self)
    }

    /// Counts a process that could not be read.
    mutating func unreadable(_ error: Errno) {
        report.processesUnreadable += 1
        report.unreadableErrors[error, default: 0] += 1
    }

    /// Counts a process skipped for `error`: vanished when it has exited (or its entry is gone), else unreadable.
    mutating func skipped(_ error: Errno) {
        if error == .noSuchFileOrDirectory || error == .noSuchProcess {
            report.processesVanished += 1
        } else {
            unreadable(error)
        }
    }

    /// Scans one descriptor table: `name` (`PID`, or `PID/task/TID` with `tid`) relative to /proc.
    mutating func scanProcess(pid: Int32, tid: Int32?, name: UnsafePointer<UInt8>) {
        let proc = self.proc
        let fdPath = setPath(name, "fd")
        let directory: Int32
        switch valueOrErrno({ openat(proc, fdPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC) }) {
        case .success(let opened): directory = opened
        case .failure(let error):
            skipped(error)
            return
        }
        defer { close(directory) }
        var command: String?
        let entries = fdEntries
        while true {
            let filled: Int
            switch valueOrErrno({ CSockDiag_getdents64(directory, entries.baseAddress, entries.count) }) {
            case .success(let count): filled = count
            case .failure(let error):
                skipped(error)
                return
            }
            if filled == 0 { break }
            var offset = 0
            while offset < filled {
                guard
                    let (entryName, next) = try? DirectoryRecords.entry(
                        in: entries,
                        at: offset,
                        filled: filled,
                        path: ""
                    )
                else {
                    unreadable(.badMessage)
                    return
                }
                offset = next
                guard let fd = SocketOwnerScanner.entryNumber(entryName) else { continue }
                report.descriptorsRead += 1
                let inode: UInt64
                switch wantedInode(linkedBy: entryName, in: directory) {
                case .success(let found?): inode = found
                case .success(nil): continue
                case .failure(let error):
                    unreadable(error)
                    return
                }
                if command == nil {
                    switch readCommand(name) {
                    case .success(let text): command = text
                    case .failure(let error):
                        skipped(error)
                        return
                    }
                }
                if everySocket {
                    tableEntries.append(SocketOwnerTable.Entry(inode: inode, pid: pid, fd: fd))
                    if commands[pid] == nil { commands[pid] = command }
                    continue
                }
                let owner = SocketOwner(command: command!, pid: pid, fd: fd, tid: tid)
                // One lookup: append, and learn whether the list was empty.
                if Self.append(owner, to: &owners[inode, default: []]) == 1 {
                    remaining -= 1
                    if stopWhenAllFound && remaining == 0 {
                        report.processesScanned += 1
                        done = true
                        return
                    }
                }
            }
        }
        report.processesScanned += 1
    }

    /// The wanted socket inode that the descriptor link `entry` of the open descriptor directory names: `nil` for
    /// another link, or a descriptor closed since the listing (`ENOENT`); the error when the process has become
    /// unreadable (it changed credentials meanwhile).
    @inline(__always)
    func wantedInode(linkedBy entry: UnsafePointer<UInt8>, in directory: Int32) -> Result<UInt64?, Errno> {
        let link = self.link
        let path = UnsafeRawPointer(entry).assumingMemoryBound(to: CChar.self)
        let start = link.baseAddress!.assumingMemoryBound(to: CChar.self)
        switch valueOrErrno({ readlinkat(directory, path, start, link.count) }) {
        case .success(let length):
            let target = UnsafeRawBufferPointer(start: link.baseAddress, count: length)
            guard let inode = SocketOwnerScanner.socketInode(link: target), everySocket || wanted.contains(inode)
            else {
                return .success(nil)
            }
            return .success(inode)
        case .failure(let error):
            return error == .permissionDenied || error == .notPermitted ? .failure(error) : .success(nil)
        }
    }

    /// Appends `owner` and returns the new count.
    static func append(_ owner: SocketOwner, to list: inout [SocketOwner]) -> Int {
        list.append(owner)
        return list.count
    }

    /// `NAME/comm` without its newline.
    func readCommand(_ name: UnsafePointer<UInt8>) -> Result<String, Errno> {
        let commPath = setPath(name, "comm")
        let proc = self.proc
        let link = self.link
        return valueOrErrno { openat(proc, commPath, O_RDONLY | O_CLOEXEC) }.flatMap { file in
            defer { close(file) }
            return valueOrErrno { read(file, link.baseAddress, link.count) }.map { length in
                var bytes = UnsafeRawBufferPointer(start: link.baseAddress, count: length)
                if bytes.last == UInt8(ascii: "\n") { bytes = UnsafeRawBufferPointer(rebasing: bytes.dropLast()) }
                return String(decoding: bytes, as: UTF8.self)
            }
        }
    }
}
