import Foundation
import Testing

@testable import SockDiag

@Suite("Socket owners from /proc")
struct SocketOwnerTests {
    static let links: [(link: String, inode: UInt64?)] = [
        ("socket:[123]", 123),
        ("socket:[0]", 0),
        ("socket:[4026531993]", 4_026_531_993),
        ("socket:[18446744073709551615]", UInt64.max),
        ("socket:[18446744073709551616]", nil),
        ("socket:[184467440737095516150]", nil),
        ("socket:[]", nil),
        ("socket:[12", nil),
        ("socket:[1a]", nil),
        ("socket:[-1]", nil),
        ("socket:[123]x", nil),
        ("Socket:[123]", nil),
        ("pipe:[123]", nil),
        ("anon_inode:[eventpoll]", nil),
        ("/dev/null", nil),
        ("socket:", nil),
        ("", nil),
    ]

    @Test("a descriptor link names a socket only as socket:[INODE]", arguments: links)
    func parseLink(link: String, inode: UInt64?) {
        let parsed = Array(link.utf8).withUnsafeBytes { SocketOwnerScanner.socketInode(link: $0) }
        #expect(parsed == inode, "\(link)")
    }

    static let names: [(name: String, number: Int32?)] = [
        ("1", 1), ("0", 0), ("4194304", 4_194_304), ("2147483647", Int32.max), ("2147483648", nil),
        ("12345678901", nil), ("self", nil), ("thread-self", nil), ("1a", nil), (".", nil), ("..", nil), ("", nil),
    ]

    @Test("/proc entries are pids (and descriptors) only when all digits", arguments: names)
    func parseEntry(name: String, number: Int32?) {
        let parsed = (Array(name.utf8) + [0]).withUnsafeBufferPointer {
            SocketOwnerScanner.entryNumber($0.baseAddress!)
        }
        #expect(parsed == number, "\(name)")
    }

    /// A directory laid out like /proc, removed by `remove()`.
    struct FakeProc {
        let root: URL

        init() throws {
            // tmpfs when there is one: thousands of symbolic links on a journaling disk take seconds.
            let base =
                access("/dev/shm", W_OK) == 0
                ? URL(fileURLWithPath: "/dev/shm") : FileManager.default.temporaryDirectory
            root = base.appendingPathComponent("sockdiag-fake-proc-\(UUID().uuidString)")
            try FileManager.default.createDirectory(at: root, withIntermediateDirectories: true)
        }

        func process(_ pid: String, comm: String?, fds: [String: String]) throws {
            let directory = root.appendingPathComponent(pid)
            try FileManager.default.createDirectory(
                at: directory.appendingPathComponent("fd"),
                withIntermediateDirectories: true
            )
            if let comm { try Data((comm + "\n").utf8).write(to: directory.appendingPathComponent("comm")) }
            for (fd, target) in fds {
                try FileManager.default.createSymbolicLink(
                    atPath: directory.appendingPathComponent("fd/\(fd)").path,
                    withDestinationPath: target
                )
            }
        }

        func remove() {
            try? FileManager.default.removeItem(at: root)
        }
    }

    /// Shared sockets, a dup, non-socket descriptors, a process without a descriptor directory (exited), one whose
    /// `fd` is not a directory (unreadable), one without `comm` that owns only an unwanted socket, non-pid entries.
    static func makeFakeProc() throws -> FakeProc {
        let proc = try FakeProc()
        try proc.process(
            "100",
            comm: "nginx",
            fds: ["0": "/dev/null", "3": "socket:[1000]", "4": "socket:[2000]", "5": "pipe:[77]"]
        )
        try proc.process("101", comm: "nginx", fds: ["3": "socket:[1000]", "7": "socket:[3000]"])
        try proc.process(
            "102",
            comm: "worker",
            fds: ["10": "socket:[1000]", "9": "socket:[1000]", "11": "anon_inode:[eventfd]"]
        )
        try proc.process("105", comm: nil, fds: ["3": "socket:[5000]"])
        try FileManager.default.createDirectory(
            at: proc.root.appendingPathComponent("103"),
            withIntermediateDirectories: true
        )
        try FileManager.default.createDirectory(
            at: proc.root.appendingPathComponent("104"),
            withIntermediateDirectories: true
        )
        try Data().write(to: proc.root.appendingPathComponent("104/fd"))
        try FileManager.default.createDirectory(
            at: proc.root.appendingPathComponent("net"),
            withIntermediateDirectories: true
        )
        try FileManager.default.createSymbolicLink(
            atPath: proc.root.appendingPathComponent("self").path,
            withDestinationPath: "100"
        )
        return proc
    }

    @Test("every owner of every wanted inode, in pid and descriptor order; the rest counted")
    func fullScan() throws {
        let proc = try Self.makeFakeProc()
        defer { proc.remove() }
        let scan = try SocketOwnerScanner(procRoot: proc.root.path).owners(of: [0, 1000, 2000, 3000, 4000])
        #expect(
            scan.owners == [
                1000: [
                    SocketOwner(command: "nginx", pid: 100, fd: 3), SocketOwner(command: "nginx", pid: 101, fd: 3),
                    SocketOwner(command: "worker", pid: 102, fd: 9), SocketOwner(command: "worker", pid: 102, fd: 10),
                ],
                2000: [SocketOwner(command: "nginx", pid: 100, fd: 4)],
                3000: [SocketOwner(command: "nginx", pid: 101, fd: 7)],
            ]
        )
        // 105 has no comm file, but owns no wanted socket, so its comm is never read and it counts as scanned.
        #expect(scan.report.processesScanned == 4)
        #expect(scan.report.processesVanished == 1)
        #expect(scan.report.processesUnreadable == 1)
        #expect(scan.report.unreadableErrors == [Errno(rawValue: ENOTDIR): 1])
        #expect(scan.report.descriptorsRead == 10)
        #expect(!scan.report.stoppedEarly)
        #expect(!scan.report.isComplete)
    }

    @Test("a descriptor directory that takes many getdents64 calls is read to its end")
    func manyDescriptors() throws {
        let proc = try FakeProc()
        defer { proc.remove() }
        // 24-byte records at least: 3000 of them fill the 32 KiB buffer twice over.
        try proc.process("4242", comm: "many", fds: [:])
        let directory = proc.root.appendingPathComponent("4242/fd").path
        for fd in 0..<3000 {
            let target = fd % 2 == 0 ? "socket:[\(100_000 + fd)]" : "/dev/null"
            guard symlink(target, "\(directory)/\(fd)") == 0 else { throw CocoaError(.fileWriteUnknown) }
        }
        let wanted = Set((0..<3000).filter { $0 % 2 == 0 }.map { UInt64(100_000 + $0) })
        let scan = try SocketOwnerScanner(procRoot: proc.root.path).owners(of: wanted)
        #expect(scan.report.processesUnreadable == 0)
        #expect(scan.report.descriptorsRead == 3000)
        #expect(scan.owners.count == 1500)
        #expect(scan.owners[102_998] == [SocketOwner(command: "many", pid: 4242, fd: 2998)])
    }

    @Test("stopWhenAllFound ends the scan at the first owner of the last inode and says so")
    func stopEarly() throws {
        let proc = try Self.makeFakeProc()
        defer { proc.remove() }
        let scan = try SocketOwnerScanner(procRoot: proc.root.path).owners(of: [1000], stopWhenAllFound: true)
        let owners = try #require(scan.owners[1000])
        #expect(owners.count == 1)
        #expect(owners[0].command == "nginx" || owners[0].command == "worker")
        #expect(scan.report.stoppedEarly)
        #expect(!scan.report.isComplete)
    }

    @Test("no inode other than 0 to resolve: /proc is not even opened")
    func nothingToResolve() throws {
        let scanner = SocketOwnerScanner(procRoot: "/nonexistent/sockdiag-proc")
        #expect(try scanner.owners(of: []) == SocketOwnerScan())
        #expect(try scanner.owners(of: [0]) == SocketOwnerScan())
    }

    @Test("a missing /proc is an error, not an empty answer")
    func missingProc() {
        #expect {
            try SocketOwnerScanner(procRoot: "/nonexistent/sockdiag-proc").owners(of: [1])
        } throws: { error in
            (error as? SockDiagError)?.code == .procUnavailable
        }
    }

    @Test("the real /proc: this process's own socket is found with its pid, descriptor and comm")
    func ownSocket() throws {
        let fd = socket(AF_INET, Int32(SOCK_DGRAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        try #require(fd >= 0)
        defer { close(fd) }
        var status = stat()
        try #require(fstat(fd, &status) == 0)
        let inode = UInt64(status.st_ino)
        let scan = try SocketOwnerScanner(source: .proc).owners(of: [inode])
        let comm = try String(contentsOfFile: "/proc/self/comm", encoding: .utf8).trimmingCharacters(in: .newlines)
        #expect(scan.owners[inode]?.contains(SocketOwner(command: comm, pid: getpid(), fd: fd)) == true)
        #expect(scan.report.processesScanned > 0)
        // The automatic choice (the BPF iterator as root) finds it too.
        let automatic = try SocketOwnerScanner().owners(of: [inode])
        #expect(automatic.owners[inode]?.contains(SocketOwner(command: comm, pid: getpid(), fd: fd)) == true)
    }
}
