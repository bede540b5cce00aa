/// The owners of every socket on the machine, from one scan (``SocketOwnerScanner/allOwners()``): a listing
/// that shows most sockets looks each row's owners up here while the rows stream, instead of keeping every row
/// until a scan for their inodes is done.
///
/// One flat array of 16-byte entries (inode, pid, descriptor) sorted by inode, then pid, then descriptor, and each
/// owning process's command name once: about 16 bytes per socket descriptor. A lookup is a binary search and
/// allocates nothing (``forEachOwner(of:_:)``, ``appendOwners(of:to:)``).
///
/// The table answers as ``SocketOwnerScan/owners`` does for the same sockets (``ownersByInode``), whichever
/// source filled it; it lists processes, not threads (no ``SocketOwner/tid``).
///
/// Thread safety: an immutable value; any number of threads may look up at once.
public struct SocketOwnerTable: Sendable {
    /// One descriptor that refers to a socket.
    struct Entry: Sendable {
        var inode: UInt64
        var pid: Int32
        var fd: Int32
    }

    /// Every socket descriptor, sorted by inode, pid, descriptor.
    let entries: [Entry]
    /// The command name of each process that holds a socket, by process id: what ``forEachDescriptor(of:_:)``'s
    /// process ids name.
    public let commands: [Int32: String]
    /// Sampled inodes of `entries`, to start each lookup near its entry.
    let samples: InodeSamples
    /// What the scan did.
    public var report: SocketOwnerScanReport

    /// Sorts `entries`.
    init(entries: consuming [Entry], commands: [Int32: String], report: SocketOwnerScanReport) {
        Self.sort(&entries)
        self.entries = entries
        samples = InodeSamples(self.entries)
        self.commands = commands
        self.report = report
    }

    /// An empty table.
    public init() {
        self.init(entries: [], commands: [:], report: SocketOwnerScanReport())
    }

    /// How many socket descriptors the table holds.
    public var descriptorCount: Int { entries.count }

    /// Calls `body` with each owner of the socket `inode`, in pid and descriptor order; never for inode 0.
    @inline(__always)
    public func forEachOwner(of inode: UInt64, _ body: (SocketOwner) throws -> Void) rethrows {
        try forEachDescriptor(of: inode) { pid, fd in
            try body(SocketOwner(command: commands[pid] ?? "", pid: pid, fd: fd))
        }
    }

    /// Calls `body` with the process id and descriptor number of each descriptor that refers to the socket `inode`,
    /// in pid and descriptor order; never for inode 0. Allocates nothing and looks no name up (``commands`` has
    /// them): for a caller that formats each process's part of a row once (``forEachOwner(of:_:)`` builds a
    /// ``SocketOwner`` for each).
    @inline(__always)
    public func forEachDescriptor(of inode: UInt64, _ body: (_ pid: Int32, _ fd: Int32) throws -> Void) rethrows {
        guard inode != 0 else { return }
        try entries.withUnsafeBufferPointer { entries in
            var index = firstIndex(of: inode)
            while index < entries.count, entries[index].inode == inode {
                try body(entries[index].pid, entries[index].fd)
                index += 1
            }
        }
    }

    /// Appends the owners of the socket `inode` to `list`, in pid and descriptor order: no allocation when `list`
    /// has room (a caller reuses one list for every row).
    @inline(__always)
    public func appendOwners(of inode: UInt64, to list: inout [SocketOwner]) {
        forEachOwner(of: inode) { list.append($0) }
    }

    /// The owners of the socket `inode`, in pid and descriptor order; empty when no scanned process holds it.
    public func owners(of inode: UInt64) -> [SocketOwner] {
        var list: [SocketOwner] = []
        appendOwners(of: inode, to: &list)
        return list
    }

    /// Every socket's owners, as ``SocketOwnerScanner/owners(of:stopWhenAllFound:threads:)`` lists them.
    public var ownersByInode: [UInt64: [SocketOwner]] {
        var owners: [UInt64: [SocketOwner]] = [:]
        for entry in entries {
            owners[entry.inode, default: []].append(
                SocketOwner(command: commands[entry.pid] ?? "", pid: entry.pid, fd: entry.fd)
            )
        }
        return owners
    }

    /// The index of the first entry whose inode is not below `inode`.
    ///
    /// A bisection of 100 000 entries costs about ten cache misses a row (the rows come in the kernel's hash
    /// order). Instead: the sampled inodes (``InodeSamples``, in cache) bound the few entries that can hold
    /// `inode`; socket inodes come from one counter, so between two samples they are spread nearly evenly, and the
    /// entry lies near where `inode` would if they were; the search widens from that guess (1, 2, 4… entries) and
    /// bisects what it has bracketed: one cache line of entries in the common case.
    @inline(__always)
    private func firstIndex(of inode: UInt64) -> Int {
        let segment = samples.segment(of: inode, count: entries.count)
        // Invariant: the entry at `low` is below `inode` (or `low` is before the segment), the entry at `high` is
        // not (or `high` is the end).
        var low = segment.low - 1
        var high = segment.high
        guard high - low > 1 else { return high }
        return entries.withUnsafeBufferPointer { entries in
            let fraction = Double(inode &- segment.lowInode) / Double(segment.highInode &- segment.lowInode)
            let guess = min(high - 1, segment.low + Int(fraction * Double(high - segment.low)))
            var step = 1
            if entries[guess].inode < inode {
                low = guess
                while guess + step < high, entries[guess + step].inode < inode {
                    low = guess + step
                    step *= 2
                }
                high = min(high, guess + step)
            } else {
                high = guess
                while guess - step > low, entries[guess - step].inode >= inode {
                    high = guess - step
                    step *= 2
                }
                low = max(low, guess - step)
            }
            while high - low > 1 {
                let middle = (low + high) / 2
                if entries[middle].inode < inode { low = middle } else { high = middle }
            }
            return high
        }
    }
}

/// Every k-th inode of a ``SocketOwnerTable``'s sorted entries (at most 1 024: 8 KiB, in cache): where an inode
/// can be among the entries, before a lookup touches them.
struct InodeSamples: Sendable {
    /// Entry indexes `low..<high` hold the first entry not below an inode (or it is `high`); `lowInode` and
    /// `highInode` bound their inodes (for interpolation).
    struct Segment {
        var low: Int
        var high: Int
        var lowInode: UInt64
        var highInode: UInt64
    }

    /// The entries from one sample to the next.
    let stride: Int
    /// The inode of every `stride`-th entry, from the first.
    let inodes: [UInt64]
    /// The last entry's inode.
    let last: UInt64

    static let limit = 1024

    init(_ entries: [SocketOwnerTable.Entry]) {
        stride = max(1, (entries.count + Self.limit - 1) / Self.limit)
        inodes = Swift.stride(from: 0, to: entries.count, by: stride).map { entries[$0].inode }
        last = entries.last?.inode ?? 0
    }

    /// The segment of entries that holds the first entry not below `inode`, of `count` entries.
    @inline(__always)
    func segment(of inode: UInt64, count: Int) -> Segment {
        inodes.withUnsafeBufferPointer { inodes in
            // The first sample not below `inode`: entries up to the one before it are below.
            var low = 0
            var high = inodes.count
            while low < high {
                let middle = (low + high) / 2
                if inodes[middle] < inode { low = middle + 1 } else { high = middle }
            }
            guard low > 0 else { return Segment(low: 0, high: 0, lowInode: 0, highInode: 0) }
            let highInode = low < inodes.count ? inodes[low] : last
            return Segment(
                low: (low - 1) * stride + 1,
                high: min(count, low * stride),
                lowInode: inodes[low - 1],
                highInode: max(highInode, inodes[low - 1] + 1)
            )
        }
    }
}
