import SockDiagTestSupport
import Testing

extension Integration {
    /// `-p` together with `-o -e -m -i`: every fact on every row, in ss's order.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct CombinedDetails {
        @Test("sockdiag -tanpoemi: the Process column right after the peer, then timer/ino, then skmem and tcp_info")
        func everything() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let result = try namespace.exec([binary, "-tanpoemiH"])
            try #require(result.status == 0, "\(result)")
            let lines = result.stdout.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            var rows = 0
            var index = 0
            while index < lines.count {
                let line = lines[index]
                // One protocol: no Netid column, as ss; a row is a line that is not a detail line.
                guard !line.isEmpty, !line.hasPrefix("\t") else {
                    index += 1
                    continue
                }
                rows += 1
                let second = index + 1 < lines.count ? lines[index + 1] : ""
                #expect(second.hasPrefix("\t"), "\(line)")
                if line.contains("TIME-WAIT") {
                    #expect(line.contains("(no process: time-wait) timer:(timewait,"), "\(line)")
                } else {
                    let users = line.range(of: "users:((")
                    let inode = line.range(of: " ino:")
                    #expect(users != nil && inode != nil && users!.lowerBound < inode!.lowerBound, "\(line)")
                    #expect(second.contains("skmem:(r"), "\(second)")
                    if line.contains("ESTAB") { #expect(second.contains(" mss:"), "\(second)") }
                }
                index += 2
            }
            #expect(rows == population.expected.filter { $0.transport == "tcp" }.count)
        }
    }
}
