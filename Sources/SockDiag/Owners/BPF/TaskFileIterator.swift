internal import CSockDiag
import Synchronization

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// The owner source that asks the kernel: a BPF `iter/task_file` iterator visits every open descriptor of every
/// process in-kernel and writes back only those whose file is a socket with a wanted inode.
///
/// Why BPF assembled in Swift and loaded with the raw `bpf(2)` system call rather than libbpf and a program
/// compiled by clang: the program is 38 instructions that read six fields, whose offsets the kernel's own BTF
/// (`/sys/kernel/btf/vmlinux`) gives to a 200-line reader, so it needs no build step SwiftPM lacks (a BPF object
/// compiled by clang), no committed binary, no `libbpf-dev` or `clang` on a fresh machine or CI, and no new
/// shared library for an agent that embeds SockDiag: the same dependencies as before (libmnl), and nothing is
/// loaded unless owners are asked for. CO-RE relocation, libbpf's main gift, is what reading the offsets from BTF
/// at load time already does for these six fields.
///
/// The iterator needs root (CAP_BPF and CAP_PERFMON, or CAP_SYS_ADMIN), a kernel with BTF and `task_file`
/// iterators (5.8 and later), and runs only in the initial PID namespace (the program reads global process ids);
/// ``SocketOwnerScanner`` falls back to the `/proc` walk otherwise, or on any failure.
///
/// The loaded program, its link and the map of wanted inodes are kept across scans and closed when the iterator is
/// released; a scan deletes the previous scan's inodes from the map and adds its own. Thread safety: scans on one
/// iterator are serialized by a mutex (they share the map); different iterators are independent.
final class TaskFileIterator: Sendable {
    /// The loaded objects; all closed, or all open.
    struct Loaded {
        var program: Int32
        var link: Int32
        var map: Int32
        var capacity: Int
        /// The inodes the last scan put into the map.
        var keys: [UInt64]
    }

    /// The program that writes every socket descriptor (``everySocket(into:)``), its link, and its one-slot map
    /// of the last named process (`-1` when unused).
    struct Unfiltered {
        var program: Int32
        var link: Int32
        var last: Int32 = -1
    }

    struct State {
        var layout: TaskFileLayout?
        var loaded: Loaded?
        var unfiltered: Unfiltered?
    }

    private let state = Mutex(State())
    /// The read buffer size: a multiple of both record sizes.
    static let readSize = 1600 * TaskFileRecord.size

    init() {}

    deinit {
        state.withLock {
            Self.close(&$0.loaded)
            Self.close(&$0.unfiltered)
        }
    }

    /// The processes holding each of `wanted` (no inode 0), as the `/proc` walk lists them: by process, not thread.
    /// - Throws: ``BTFError`` on any failure (no BTF, a kernel that refuses the program, no privilege); the iterator
    ///   is then unloaded, and the next scan tries again from the start.
    func owners(of wanted: Set<UInt64>) throws(BTFError) -> [UInt64: [SocketOwner]] {
        try state.withLock { (state: inout State) throws(BTFError) -> [UInt64: [SocketOwner]] in
            do throws(BTFError) {
                if state.layout == nil { state.layout = try TaskFileLayout.running() }
                if let loaded = state.loaded, loaded.capacity < wanted.count { Self.close(&state.loaded) }
                if state.loaded == nil { state.loaded = try Self.load(state.layout!, capacity: wanted.count) }
                try Self.replaceKeys(&state.loaded!, with: wanted)
                return try Self.read(link: state.loaded!.link, wanted: wanted)
            } catch {
                Self.close(&state.loaded)
                throw error
            }
        }
    }

    /// Creates the map, loads the program and creates its link.
    private static func load(_ layout: TaskFileLayout, capacity wanted: Int) throws(BTFError) -> Loaded {
        var capacity = 64
        while capacity < wanted { capacity *= 2 }
        let map = CSockDiag_bpf_hash_map_create(8, 1, UInt32(capacity))
        guard map >= 0 else { throw BTFError("BPF_MAP_CREATE: \(Errno.current)") }
        let bytes = TaskFileProgram.bytes(TaskFileProgram.instructions(layout: layout, map: map))
        do throws(BTFError) {
            let linked = try link(bytes, layout: layout)
            return Loaded(program: linked.program, link: linked.link, map: map, capacity: capacity, keys: [])
        } catch {
            Glibc.close(map)
            throw error
        }
    }

    /// Loads the program `bytes` and creates its link.
    static func link(_ bytes: [UInt8], layout: TaskFileLayout) throws(BTFError) -> Unfiltered {
        let program = bytes.withUnsafeBytes { code in
            CSockDiag_bpf_iter_prog_load(code.baseAddress, UInt32(code.count / 8), layout.iteratorID, nil, 0)
        }
        guard program >= 0 else { throw BTFError("BPF_PROG_LOAD: \(Errno.current)") }
        let link = CSockDiag_bpf_iter_link_create(program)
        guard link >= 0 else {
            let error = Errno.current
            Glibc.close(program)
            throw BTFError("BPF_LINK_CREATE: \(error)")
        }
        return Unfiltered(program: program, link: link)
    }

    /// Every socket descriptor of every process (not of threads with a table of their own), in process then
    /// descriptor order, appended to `entries`, and the command of each process that has one: one run of the
    /// every-socket program (``TaskFileProgram/everySocketInstructions(layout:last:)``), loaded at the first call
    /// and kept.
    /// - Throws: ``BTFError`` as ``owners(of:)`` does; the program is then unloaded.
    func everySocket(into entries: inout [SocketOwnerTable.Entry]) throws(BTFError) -> [Int32: String] {
        try state.withLock { (state: inout State) throws(BTFError) in
            do throws(BTFError) {
                if state.layout == nil { state.layout = try TaskFileLayout.running() }
                if state.unfiltered == nil { state.unfiltered = try Self.loadEverySocket(state.layout!) }
                try Self.resetLastProcess(state.unfiltered!.last)
                var commands: [Int32: String] = [:]
                // The process whose name the next 16 bytes are, after a marker (an entry of inode 0).
                var naming: Int32?
                try Self.forEachRecord(link: state.unfiltered!.link, size: 16) { raw in
                    if let pid = naming {
                        commands[pid] = TaskFileRecord.command(raw)
                        naming = nil
                        return
                    }
                    let entry = raw.loadUnaligned(as: SocketOwnerTable.Entry.self)
                    if entry.inode == 0 { naming = entry.pid } else { entries.append(entry) }
                }
                return commands
            } catch {
                Self.close(&state.unfiltered)
                throw error
            }
        }
    }

    /// Creates the one-slot map of the last named process, loads the every-socket program and creates its link.
    private static func loadEverySocket(_ layout: TaskFileLayout) throws(BTFError) -> Unfiltered {
        let last = CSockDiag_bpf_array_map_create(4, 1)
        guard last >= 0 else { throw BTFError("BPF_MAP_CREATE: \(Errno.current)") }
        let code = TaskFileProgram.everySocketInstructions(layout: layout, last: last)
        do throws(BTFError) {
            let linked = try link(TaskFileProgram.bytes(code), layout: layout)
            return Unfiltered(program: linked.program, link: linked.link, last: last)
        } catch {
            Glibc.close(last)
            throw error
        }
    }

    /// Sets the last named process to none (0), before a run.
    private static func resetLastProcess(_ map: Int32) throws(BTFError) {
        var key: UInt32 = 0
        var value: Int32 = 0
        var count: UInt32 = 1
        guard CSockDiag_bpf_map_update_batch(map, &key, &value, &count) == 0 else {
            throw BTFError("BPF_MAP_UPDATE_BATCH: \(Errno.current)")
        }
    }

    private static func close(_ unfiltered: inout Unfiltered?) {
        guard let objects = unfiltered else { return }
        Glibc.close(objects.link)
        Glibc.close(objects.program)
        Glibc.close(objects.last)
        unfiltered = nil
    }

    private static func close(_ loaded: inout Loaded?) {
        guard let objects = loaded else { return }
        Glibc.close(objects.link)
        Glibc.close(objects.program)
        Glibc.close(objects.map)
        loaded = nil
    }

    /// Deletes the last scan's inodes from the map and adds `wanted`.
    private static func replaceKeys(_ loaded: inout Loaded, with wanted: Set<UInt64>) throws(BTFError) {
        if !loaded.keys.isEmpty {
            var count = UInt32(loaded.keys.count)
            let result = loaded.keys.withUnsafeBytes {
                CSockDiag_bpf_map_delete_batch(loaded.map, $0.baseAddress, &count)
            }
            guard result == 0 else { throw BTFError("BPF_MAP_DELETE_BATCH: \(Errno.current)") }
            loaded.keys.removeAll(keepingCapacity: true)
        }
        loaded.keys.append(contentsOf: wanted)
        guard !loaded.keys.isEmpty else { return }
        let values = [UInt8](repeating: 1, count: loaded.keys.count)
        var count = UInt32(loaded.keys.count)
        let result = loaded.keys.withUnsafeBytes { keys in
            values.withUnsafeBytes {
                CSockDiag_bpf_map_update_batch(loaded.map, keys.baseAddress, $0.baseAddress, &count)
            }
        }
        guard result == 0, Int(count) == loaded.keys.count else {
            let error = Errno.current
            loaded.keys.removeAll()
            throw BTFError("BPF_MAP_UPDATE_BATCH: \(error)")
        }
    }

    /// Runs the iterator once and collects its records, process by process (a thread with a descriptor table of
    /// its own is left out, as `/proc/PID/fd` leaves it out).
    private static func read(link: Int32, wanted: Set<UInt64>) throws(BTFError) -> [UInt64: [SocketOwner]] {
        var owners: [UInt64: [SocketOwner]] = [:]
        try forEachRecord(link: link, size: TaskFileRecord.size) { raw in
            let record = TaskFileRecord(raw)
            guard record.pid == record.tid, wanted.contains(record.inode) else { return }
            let owner = SocketOwner(command: record.command, pid: record.pid, fd: record.fd)
            owners[record.inode, default: []].append(owner)
        }
        return owners
    }

    /// Runs the iterator of `link` once and hands each `size`-byte record's bytes to `body`.
    static func forEachRecord(
        link: Int32,
        size: Int,
        _ body: (UnsafeRawBufferPointer) -> Void
    ) throws(BTFError) {
        let iterator = CSockDiag_bpf_iter_create(link)
        guard iterator >= 0 else { throw BTFError("BPF_ITER_CREATE: \(Errno.current)") }
        defer { Glibc.close(iterator) }
        let buffer = UnsafeMutableRawBufferPointer.allocate(byteCount: readSize, alignment: 8)
        defer { buffer.deallocate() }
        var kept = 0
        while true {
            let free = UnsafeMutableRawBufferPointer(rebasing: buffer[kept...])
            let length: Int
            switch valueOrErrno({ Glibc.read(iterator, free.baseAddress, free.count) }) {
            case .success(let count): length = count
            // The kernel stops a read() after a million objects (descriptors) that wrote nothing, with EAGAIN
            // (`MAX_ITER_OBJECTS` in kernel/bpf/bpf_iter.c); the next read() resumes after them. A machine with
            // more than a million open descriptors and few wanted sockets gets it.
            case .failure(let error) where error.rawValue == EAGAIN: continue
            case .failure(let error): throw BTFError("read BPF iterator: \(error)")
            }
            if length == 0 { break }
            let filled = kept + length
            var offset = 0
            while offset + size <= filled {
                body(UnsafeRawBufferPointer(rebasing: buffer[offset..<(offset + size)]))
                offset += size
            }
            kept = filled - offset
            if kept > 0 { buffer.copyMemory(from: UnsafeRawBufferPointer(rebasing: buffer[offset..<filled])) }
        }
    }
}
