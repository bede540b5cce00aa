import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// What a namespace scan or sweep can leave open in this process: descriptors of the kinds it opens (namespace
/// files, netlink sockets, directories) and threads it starts (named `sockdiag`), plus threads outside the
/// caller's namespace.
///
/// Only these are compared, not the process's totals: other suites of the test process run at the same time and
/// open pipes, event loops and files, and the Swift runtime starts and ends its worker threads
/// (`com.apple.root.default-qos`) on its own schedule, so totals move without any leak.
struct LibraryResources: Equatable, CustomStringConvertible {
    /// `FD kind`, by descriptor number.
    var descriptors: [String]
    /// Threads named `sockdiag` (the library's), as `TID`.
    var libraryThreads: [String]
    /// Threads in another network namespace than `home`, as `TID net:[INODE]`.
    var threadsElsewhere: [String]

    var description: String {
        "descriptors \(descriptors), library threads \(libraryThreads), threads elsewhere \(threadsElsewhere)"
    }

    /// A reading taken once the library's threads have ended (a joined thread stays in /proc/self/task for a
    /// moment) and two readings 10 ms apart agree; gives up after 2 s and returns the last reading.
    static func settled(home: UInt64) throws -> LibraryResources {
        var previous = try reading(home: home)
        for _ in 0..<200 {
            usleep(10_000)
            let current = try reading(home: home)
            if current == previous && current.libraryThreads.isEmpty { return current }
            previous = current
        }
        return previous
    }

    static func reading(home: UInt64) throws -> LibraryResources {
        try LibraryResources(
            descriptors: descriptors(),
            libraryThreads: threads().filter { $0.name == "sockdiag" }.map(\.tid),
            threadsElsewhere: threads().compactMap { thread in
                thread.namespace == home || thread.namespace == 0 ? nil : "\(thread.tid) net:[\(thread.namespace)]"
            }
        )
    }

    /// Namespace files, netlink sockets and directories open in this process.
    private static func descriptors() throws -> [String] {
        guard let directory = opendir("/proc/self/fd") else { throw HelperError.system("opendir /proc/self/fd") }
        defer { closedir(directory) }
        let own = dirfd(directory)
        var found: [(Int32, String)] = []
        while let entry = readdir(directory) {
            let name = withUnsafeBytes(of: entry.pointee.d_name) {
                String(decoding: $0.prefix { $0 != 0 }, as: UTF8.self)
            }
            guard let fd = Int32(name), fd != own, let kind = kind(of: fd) else { continue }
            found.append((fd, kind))
        }
        return found.sorted { $0.0 < $1.0 }.map { "\($0.0) \($0.1)" }
    }

    /// `namespace file net:[INODE]`, `netlink socket` or `directory PATH`, or `nil` for other descriptors.
    ///
    /// A namespace file is told by its device (the one `nsfs`), not its link: one opened through
    /// `/var/run/netns/NAME` links to that path, and to `/` once `ip netns del` has unmounted it.
    private static func kind(of fd: Int32) -> String? {
        let target = (try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/fd/\(fd)")) ?? ""
        var status = stat()
        var namespaces = stat()
        guard fstat(fd, &status) == 0, stat("/proc/self/ns/net", &namespaces) == 0 else { return nil }
        if status.st_dev == namespaces.st_dev { return "namespace file net:[\(status.st_ino)]" }
        switch status.st_mode & S_IFMT {
        case S_IFDIR: return "directory \(target)"
        case S_IFSOCK:
            var domain: Int32 = 0
            var length = socklen_t(MemoryLayout<Int32>.size)
            guard getsockopt(fd, SOL_SOCKET, SO_DOMAIN, &domain, &length) == 0, domain == AF_NETLINK else { return nil }
            return "netlink socket \(target)"
        default: return nil
        }
    }

    /// Every thread of this process: its id, name and network namespace inode (0 when unreadable: it ended).
    private static func threads() -> [(tid: String, name: String, namespace: UInt64)] {
        let tids = (try? FileManager.default.contentsOfDirectory(atPath: "/proc/self/task")) ?? []
        return tids.sorted().map { tid in
            let comm = (try? String(contentsOfFile: "/proc/self/task/\(tid)/comm", encoding: .utf8)) ?? ""
            var status = stat()
            let namespace = stat("/proc/self/task/\(tid)/ns/net", &status) == 0 ? UInt64(status.st_ino) : 0
            return (tid, comm.trimmingCharacters(in: .newlines), namespace)
        }
    }
}
