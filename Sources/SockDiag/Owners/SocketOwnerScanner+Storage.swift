#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension SocketOwnerScanner {
    /// Attaches to every TCP socket of a network namespace its owners, in the kernel, for a dump that
    /// streams them (``SocketOwnerStorage``): put the result in ``SocketQuery/owners`` and read each row's owners
    /// with ``SocketOwnerStorage/appendOwners(of:to:)``.
    ///
    /// For a caller that wants the owners of most sockets of a namespace, with memory that does not grow with
    /// them (``allOwners()`` keeps 16 bytes per socket descriptor of the machine). Needs what the BPF iterator
    /// needs (root, kernel BTF, the initial PID namespace, `/proc` as the scanner's root) and a kernel with
    /// socket storage for iterators (5.11 and later); the scanner's source must not be ``SocketOwnerSource/proc``.
    /// There is no `/proc` fallback here: a caller falls back to ``allOwners()``.
    /// - Parameter namespaceInode: The namespace (the inode of its `ns/net` file); the calling thread's when `nil`.
    /// - Throws: ``SockDiagError`` with code `requestRejected` saying why the kernel cannot do it.
    public func attachOwners(namespaceInode: UInt64? = nil) throws(SockDiagError) -> SocketOwnerStorage {
        func rejected(_ reason: String) -> SockDiagError {
            SockDiagError(code: .requestRejected, operation: "BPF socket storage", message: reason)
        }
        guard source != .proc else { throw rejected("the scanner reads /proc only") }
        let privileged = source == .automatic
        if let reason = TaskFileIterator.unavailability(procRoot: procRoot, threads: false, privileged: privileged) {
            throw rejected(reason)
        }
        let namespace: UInt64
        if let namespaceInode {
            namespace = namespaceInode
        } else {
            namespace = try NetworkNamespace.callersNamespace(procRoot: procRoot).inode
        }
        guard namespace <= UInt64(UInt32.max) else { throw rejected("namespace inode \(namespace) over 32 bits") }
        do throws(BTFError) {
            let layout = try OwnerStorageLayout.running()
            let run = try OwnerStorageRun.run(layout: layout, namespace: UInt32(namespace))
            var report = SocketOwnerScanReport()
            report.source = .bpf
            let overflow = SocketOwnerTable(entries: run.overflow, commands: run.commands, report: report)
            return SocketOwnerStorage(map: run.map, overflow: overflow, namespaceInode: namespace)
        } catch {
            throw rejected(error.description)
        }
    }
}
