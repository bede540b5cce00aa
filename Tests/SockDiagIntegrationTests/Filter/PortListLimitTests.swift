import SockDiag
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// A port list too long for one netlink request is filtered in Swift instead: no error, no crash.
    /// Each query runs in a child process (an exit test), so a trap cannot take the test runner down.
    /// Needs no root: the query runs in the runner's network namespace and its result does not matter.
    @Suite
    struct PortListLimits {
        /// Runs a query with `count` ports on either side and exits 0 when it returned what the Swift filter
        /// selects from a full dump, 1 when it threw or differed.
        static func queryWithPorts(_ count: Int) -> Never {
            let ports = (0..<count).map { UInt16(10_000 + $0) }
            do {
                let inspector = try SocketInspector()
                let query = SocketQuery(protocols: [.tcp], states: .all, ports: [PortMatch(.either, ports)])
                let filtered = try inspector.sockets(matching: query)
                let everything = try inspector.sockets(matching: SocketQuery(protocols: [.tcp], states: .all))
                let expected = everything.filter { query.matches($0) }
                exit(Set(filtered.map(\.cookie)) == Set(expected.map(\.cookie)) ? 0 : 1)
            } catch {
                exit(1)
            }
        }

        @Test("2,000 ports (bytecode over the 32 KiB request buffer) are filtered in Swift")
        func overRequestBuffer() async {
            await #expect(processExitsWith: .success) {
                PortListLimits.queryWithPorts(2_000)
            }
        }

        @Test("3,000 ports (bytecode over 64 KiB, where jump offsets overflow) are filtered in Swift")
        func overSixtyFourKiB() async {
            await #expect(processExitsWith: .success) {
                PortListLimits.queryWithPorts(3_000)
            }
        }
    }
}
