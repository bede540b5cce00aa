internal import CSockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One run of the owner-storage program (``OwnerStorageProgram``): a new socket-storage map, the program loaded
/// against it and run once; every object but the map is closed before returning.
enum OwnerStorageRun {
    /// The map (the caller closes it), the overflow entries and every owning process's command name.
    struct Result {
        var map: Int32
        var overflow: [SocketOwnerTable.Entry]
        var commands: [Int32: String]
    }

    /// Records the owners of the TCP sockets of the network namespace `namespace` (the inode of its
    /// `ns/net`).
    /// - Throws: ``BTFError`` on any failure (no BTF, a kernel without socket storage or `bpf_sock_from_file`, the
    ///   verifier, no privilege, a socket whose storage could not be created); nothing stays open.
    static func run(layout: OwnerStorageLayout, namespace: UInt32) throws(BTFError) -> Result {
        let map = try createMap()
        do throws(BTFError) {
            let (overflow, commands) = try iterate(layout: layout, namespace: namespace, map: map)
            return Result(map: map, overflow: overflow, commands: commands)
        } catch {
            close(map)
            throw error
        }
    }

    /// Loads the BTF of the map's key and value and creates the map.
    private static func createMap() throws(BTFError) -> Int32 {
        let blob = OwnerStorageBTF.blob()
        let btf = blob.withUnsafeBytes { CSockDiag_bpf_btf_load($0.baseAddress, UInt32($0.count), nil, 0) }
        guard btf >= 0 else { throw BTFError("BPF_BTF_LOAD: \(Errno.current)") }
        defer { close(btf) }
        let map = CSockDiag_bpf_sk_storage_map_create(
            btf,
            OwnerStorageBTF.keyTypeID,
            OwnerStorageBTF.valueTypeID,
            UInt32(OwnerStorageValue.size)
        )
        guard map >= 0 else { throw BTFError("BPF_MAP_CREATE (socket storage): \(Errno.current)") }
        return map
    }

    /// Loads the program against `map` and a new last-process map, runs it once and reads its records.
    private static func iterate(
        layout: OwnerStorageLayout,
        namespace: UInt32,
        map: Int32
    ) throws(BTFError) -> ([SocketOwnerTable.Entry], [Int32: String]) {
        let last = CSockDiag_bpf_array_map_create(4, 1)
        guard last >= 0 else { throw BTFError("BPF_MAP_CREATE: \(Errno.current)") }
        defer { close(last) }
        let code = OwnerStorageProgram.instructions(layout: layout, namespace: namespace, owners: map, last: last)
        let linked = try TaskFileIterator.link(TaskFileProgram.bytes(code), layout: layout.task)
        defer {
            close(linked.link)
            close(linked.program)
        }
        var overflow: [SocketOwnerTable.Entry] = []
        var commands: [Int32: String] = [:]
        var naming: Int32?
        try TaskFileIterator.forEachRecord(link: linked.link, size: 16) { raw in
            if let pid = naming {
                commands[pid] = TaskFileRecord.command(raw)
                naming = nil
                return
            }
            let entry = raw.loadUnaligned(as: SocketOwnerTable.Entry.self)
            if entry.inode == 0 { naming = entry.pid } else { overflow.append(entry) }
        }
        return (overflow, commands)
    }
}
