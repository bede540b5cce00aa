import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// ss's column rules against ss itself: no `Netid` column for one protocol, no `State` column for one state,
    /// and `-4`/`-6` (also with `-x`) listing raw sockets of the family.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    struct ColumnRules {
        /// The header's words without ss 6.1's `Process` (sockdiag has it with -p only, as current ss), and each
        /// row's words, sorted: the column layout aside, the same table.
        static func words(_ text: String) -> (header: [String], rows: [String]) {
            var lines = text.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            guard !lines.isEmpty else { return ([], []) }
            let header = lines.removeFirst().replacingOccurrences(of: "Port Process", with: "Port")
                .replacingOccurrences(of: "PortProcess", with: "Port")
            return (header.split(separator: " ").map(String.init), lines.sorted())
        }

        @Test("header and rows as ss's for one protocol, one state, -4/-6 and -x -4", arguments: [
            ["-tn"], ["-tan"], ["-un"], ["-uan"], ["-wn"], ["-wan"], ["-tun"], ["-tln"], ["-4n"], ["-4an"], ["-6an"],
            ["-xa4n"], ["-tan", "state", "established"], ["-an", "state", "listening"], ["-tan", "state", "time-wait"],
            ["-uan", "state", "closed"], ["-tan", "exclude", "established"], ["-Htna", "dport", "=", ":8000"],
        ])
        func sameColumns(arguments: [String]) throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let fds = try namespace.onThread {
                var fds: [Int32] = []
                for (family, proto) in [(AF_INET, IPPROTO_ICMP), (AF_INET6, IPPROTO_ICMPV6)] {
                    let fd = socket(family, Int32(SOCK_RAW.rawValue), Int32(proto))
                    guard fd >= 0 else {
                        LoopbackSockets.closeAll(fds)
                        throw HelperError("raw socket: errno \(errno)")
                    }
                    fds.append(fd)
                }
                return fds
            }
            defer { LoopbackSockets.closeAll(fds) }

            let ours = try namespace.exec([binary] + arguments)
            let theirs = try namespace.exec([ss] + arguments)
            try #require(ours.status == 0 && theirs.status == 0, "\(ours) \(theirs)")
            let (ourHeader, ourRows) = Self.words(ours.stdout)
            let (ssHeader, ssRows) = Self.words(theirs.stdout)
            #expect(ourHeader == ssHeader, "\(arguments): header")
            #expect(ourRows == ssRows, "\(arguments): sockdiag\n\(ours.stdout)\nss\n\(theirs.stdout)")
            #expect(!ourRows.isEmpty || arguments == ["-un"] || arguments == ["-wn"], "\(arguments): the population lists nothing")
        }
    }
}
