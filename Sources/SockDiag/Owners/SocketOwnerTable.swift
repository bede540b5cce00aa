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
    /// The command name of each pid that has an entry.
    let commands: [Int32: String]
    /// What the scan did.
    public var report: SocketOwnerScanReport

    /// Sorts `entries`.
    init(entries: [Entry], commands: [Int32: String], report: SocketOwnerScanReport) {
        var entries = entries
        entries.sort { ($0.inode, $0.pid, $0.fd) < ($1.inode, $1.pid, $1.fd) }
        self.entries = entries
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
        guard inode != 0 else { return }
        var index = firstIndex(of: inode)
        while index < entries.count, entries[index].inode == inode {
            let entry = entries[index]
            try body(SocketOwner(command: commands[entry.pid] ?? "", pid: entry.pid, fd: entry.fd))
            index += 1
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
    @inline(__always)
    private func firstIndex(of inode: UInt64) -> Int {
        var low = 0
        var high = entries.count
        while low < high {
            let middle = (low + high) / 2
            if entries[middle].inode < inode { low = middle + 1 } else { high = middle }
        }
        return low
    }
}
