#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Where a ``SocketOwnerScanner`` learns which processes hold the sockets.
///
/// Both sources give the same answer: every process that holds each socket, its descriptors and command name.
public enum SocketOwnerSource: String, Sendable, Hashable, CaseIterable {
    /// The kernel's BPF `task_file` iterator when it can be used (root, kernel BTF, the initial PID namespace,
    /// `/proc` as the scanner's root, no thread tables), else the `/proc` walk: silently on any failure.
    case automatic = "auto"
    /// Every `/proc/PID/fd` directory, one `readlinkat(2)` per descriptor.
    case proc
    /// The BPF `task_file` iterator only: the scan throws when it cannot be used.
    case bpf
}

extension TaskFileIterator {
    /// `PROC_PID_INIT_INO`: the inode of the initial PID namespace (`/proc/self/ns/pid`), fixed by the kernel.
    static let initialPIDNamespace: UInt64 = 0xEFFF_FFFC

    /// Why the iterator cannot answer a scan of `procRoot` (with `threads`), checked before loading anything;
    /// `nil` when it may be tried.
    /// - Parameter privileged: Whether to require the capabilities too (the automatic choice does, to spare an
    ///   unprivileged caller reading the kernel's BTF for nothing).
    static func unavailability(procRoot: String, threads: Bool, privileged: Bool) -> String? {
        if threads { return "thread descriptor tables (-T) are read from /proc" }
        if procRoot != "/proc" { return "the scanner reads \(procRoot), not /proc" }
        var status = stat()
        guard stat("/proc/self/ns/pid", &status) == 0, UInt64(status.st_ino) == initialPIDNamespace else {
            return "not in the initial PID namespace"
        }
        guard privileged else { return nil }
        guard let text = readSmallFile("/proc/self/status", limit: 8192) else { return "/proc/self/status unreadable" }
        let admin = FreeCaller.hasCapability(21, status: text)
        let bpf = FreeCaller.hasCapability(39, status: text) && FreeCaller.hasCapability(38, status: text)
        return admin || bpf ? nil : "neither CAP_SYS_ADMIN nor CAP_BPF and CAP_PERFMON"
    }
}
