#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The owners of every TCP socket of one network namespace, attached by the kernel to the sockets themselves, for
/// one dump that streams them (``SocketOwnerScanner/attachOwners(namespaceInode:)``). TCP only: inet_diag puts
/// the records in TCP's replies, not in UDP's or raw's.
///
/// One run of a BPF `task_file` iterator visits every descriptor of every process and records, in a BPF
/// socket-storage map, the first four (pid, descriptor) of each socket on the socket; a dump whose query carries
/// this object (``SocketQuery/owners``) asks inet_diag to put each socket's record in its reply, where
/// ``Socket/storedOwners`` reads it. User space keeps only each owning process's name and the owners past the
/// fourth of a socket (a listener shared by pre-forked workers, a passed descriptor), or of a socket the kernel
/// would not keep a record on: memory does not grow with the sockets. ``appendOwners(of:to:)`` lists a socket's owners as ``SocketOwnerTable`` does: by process, in pid
/// and descriptor order, no threads.
///
/// The kernel keeps the records (about 0.4 KiB per socket, in its own memory) until the map's last descriptor
/// closes: when this object is released, or its process exits (the kernel frees them in a work item after).
/// Each object has its own map: two listings at once do not see each other's records. Sockets created after the
/// run have no record (no owners), as with any scan.
///
/// Thread safety: immutable once made; any number of threads may look up or dump with it at once.
public final class SocketOwnerStorage: Sendable, Hashable {
    /// The socket-storage map's descriptor, which the dump request names.
    let map: Int32
    /// The owners past ``OwnerStorageValue/slots`` of a socket, and every owning process's command name.
    let overflow: SocketOwnerTable
    /// The network namespace whose sockets have records (the inode of its `ns/net` file).
    public let namespaceInode: UInt64
    /// What the run did (source ``SocketOwnerSource/bpf``).
    public var report: SocketOwnerScanReport { overflow.report }

    init(map: Int32, overflow: SocketOwnerTable, namespaceInode: UInt64) {
        self.map = map
        self.overflow = overflow
        self.namespaceInode = namespaceInode
    }

    deinit { close(map) }

    /// How many owners were past the fourth of their socket (kept in user space).
    public var overflowCount: Int { overflow.descriptorCount }

    /// Appends the owners of `socket` (read in a dump with this object in its query) to `list`, in pid and
    /// descriptor order: no allocation when `list` has room. A socket the kernel kept no record on (it refused the
    /// storage: the socket's option memory over `net.core.optmem_max`) has its owners here, as the overflow has.
    @inline(__always)
    public func appendOwners(of socket: Socket, to list: inout [SocketOwner]) {
        guard let stored = socket.storedOwners else {
            overflow.appendOwners(of: socket.inode, to: &list)
            return
        }
        stored.forEachKept { pid, fd in
            list.append(SocketOwner(command: overflow.commands[pid] ?? "", pid: pid, fd: fd))
        }
        if stored.count > OwnerStorageValue.slots { overflow.appendOwners(of: socket.inode, to: &list) }
    }

    /// The owners of `socket`, in pid and descriptor order; empty when it has none.
    public func owners(of socket: Socket) -> [SocketOwner] {
        var list: [SocketOwner] = []
        appendOwners(of: socket, to: &list)
        return list
    }

    public static func == (lhs: SocketOwnerStorage, rhs: SocketOwnerStorage) -> Bool { lhs === rhs }

    public func hash(into hasher: inout Hasher) { hasher.combine(ObjectIdentifier(self)) }
}

/// What the kernel kept on one socket for a ``SocketOwnerStorage``: how many process descriptors refer to it, and
/// the first four of them (pid, descriptor), in pid and descriptor order.
public struct SocketStoredOwners: Hashable, Sendable {
    /// How many descriptors of processes (not threads with a table of their own) refer to the socket.
    public var count: Int
    private var pids: SIMD4<Int32>
    private var fds: SIMD4<Int32>

    /// Reads the map value (``OwnerStorageValue``) at the start of `value`; `nil` when it is shorter.
    init?(value: UnsafeRawBufferPointer) {
        guard value.count >= OwnerStorageValue.size else { return nil }
        count = Int(value.loadUnaligned(as: UInt32.self))
        pids = .zero
        fds = .zero
        for slot in 0..<OwnerStorageValue.slots {
            pids[slot] = value.loadUnaligned(fromByteOffset: 16 + 8 * slot, as: Int32.self)
            fds[slot] = value.loadUnaligned(fromByteOffset: 20 + 8 * slot, as: Int32.self)
        }
    }

    /// Calls `body` with the pid and descriptor of each owner kept on the socket (at most four).
    @inline(__always)
    public func forEachKept(_ body: (_ pid: Int32, _ fd: Int32) -> Void) {
        for slot in 0..<min(count, OwnerStorageValue.slots) { body(pids[slot], fds[slot]) }
    }
}
