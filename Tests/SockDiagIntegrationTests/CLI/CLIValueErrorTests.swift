import SockDiagTestSupport
import Testing

extension Integration {
    /// Values the commands refuse, with the exact line: a negative number is a bad value of its option (not a
    /// missing one), and the exporter's failures name no NIO internals. Needs no root.
    @Suite
    struct CLIValueErrors {
        static let negativeNumbers: [(sockdiag: Bool, arguments: [String], line: String)] = [
            (true, ["--port", "-1"], "sockdiag: invalid port '-1' for --port: expected a number from 0 to 65535"),
            (true, ["--sport", "-5"], "sockdiag: invalid port '-5' for --sport: expected a number from 0 to 65535"),
            (
                true, ["-t", "--dport", "-70000"],
                "sockdiag: invalid port '-70000' for --dport: expected a number from 0 to 65535"
            ),
            (
                true, ["list", "--port", "-1"],
                "sockdiag: invalid port '-1' for --port: expected a number from 0 to 65535"
            ),
            (true, ["bind-check", "-1"], "sockdiag: bad port '-1': expected a number from 1 to 65535"),
            (true, ["bind-check", "--udp", "-1"], "sockdiag: bad port '-1': expected a number from 1 to 65535"),
            (true, ["bind-check", "--", "-1"], "sockdiag: bad port '-1': expected a number from 1 to 65535"),
            (true, ["bind-check", "80", "--wait", "-5"], "sockdiag: --wait takes a number of seconds above 0"),
            (false, ["--top-ports", "-1"], "sockdiag-exporter: --top-ports takes a number from 0 to 1000, not -1"),
            (false, ["--dump-delay-ms", "-3"], "sockdiag-exporter: --dump-delay-ms must not be negative"),
            (
                true, ["exporter", "--top-ports", "-1"],
                "sockdiag-exporter: --top-ports takes a number from 0 to 1000, not -1"
            ),
        ]

        @Test("a negative number is refused as a value, in one line with exit 2", arguments: negativeNumbers)
        func negativeNumber(sockdiag: Bool, arguments: [String], line: String) throws {
            let binary = try #require(sockdiag ? Commands.sockdiagBinary : Commands.exporterBinary, "not built")
            let result = try Commands.run(binary, arguments, timeout: 10)
            #expect(result.status == 2 && !result.signaled && !result.timedOut, "\(result)")
            #expect(result.stderrLines == [Substring(line)], "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
        }

        @Test(
            "a port in use: one line that says so, exit 1",
            .enabled(if: Commands.exporterBinary != nil, "sockdiag-exporter is not built next to the tests"),
            .enabled(if: TestNamespace.canCreate, "needs root and ip(8)")
        )
        func portInUse() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            // A listener of this test in its own namespace, and the exporter asked to listen on its port there.
            let listener = try namespace.onThread { try LoopbackSockets.tcpListener(SocketAddress("127.0.0.1", 0)) }
            defer { LoopbackSockets.closeAll([listener]) }
            let port = try LoopbackSockets.address(of: listener).port
            let result = try namespace.exec([Commands.exporterBinary!, "--listen", "127.0.0.1:\(port)"])
            #expect(result.status == 1 && !result.timedOut, "\(result)")
            #expect(
                result.stderrLines == ["sockdiag-exporter: cannot listen on 127.0.0.1:\(port): Address already in use"],
                "\(result)"
            )
        }
    }
}
