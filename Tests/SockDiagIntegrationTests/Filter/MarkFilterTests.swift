import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// `fwmark = MARK/MASK` on sockets with real marks: sockdiag (kernel filter and Swift filter) and ss agree.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    struct MarkFilter {
        @Test("(mark & MASK) == MARK, MARK as written, as the kernel and ss")
        func maskedMarks() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let fds = try namespace.onThread {
                var fds: [Int32] = []
                do {
                    for (port, mark) in [(8600, 0x1234), (8601, 0x1200), (8602, 0x34)] as [(UInt16, Int32)] {
                        let fd = try LoopbackSockets.tcpBound(SocketAddress("127.0.0.1", port))
                        fds.append(fd)
                        try LoopbackSockets.setOption(fd, SOL_SOCKET, SO_MARK, mark, "SO_MARK")
                        guard listen(fd, 4) == 0 else { throw HelperError("listen: errno \(errno)") }
                    }
                    return fds
                } catch {
                    LoopbackSockets.closeAll(fds)
                    throw error
                }
            }
            defer { LoopbackSockets.closeAll(fds) }

            for (filter, expected) in [
                ("fwmark = 0x1234/0xff00", [UInt16]()), ("fwmark = 0x1200/0xff00", [8600, 8601]),
                ("fwmark != 0x1234/0xff00", [8600, 8601, 8602]), ("fwmark = 0x34/0xff", [8600, 8602]),
            ] {
                var listings: [[UInt16]] = []
                for command in [[binary, "-tlnH"], [binary, "-tlnH", "--no-kernel-filter"], [ss, "-tlnH"]] {
                    let result = try namespace.exec(command + [filter])
                    try #require(result.status == 0, "\(command) \(filter): \(result)")
                    listings.append(try SocketRows.parseTable(result.stdout, netid: "tcp").map(\.localPort).sorted())
                }
                #expect(listings == [expected, expected, expected], "\(filter): sockdiag, --no-kernel-filter, ss")
            }
        }
    }
}
