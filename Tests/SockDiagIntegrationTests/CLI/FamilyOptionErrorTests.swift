import SockDiagTestSupport
import Testing

extension Integration {
    /// `-f` and `-A` values: ss's words are accepted (before issue 13, `-f` was an unknown option and `-f inet` was
    /// read as a filter predicate); an unknown one is one line naming the valid ones, exit 2. Needs no root.
    @Suite
    struct FamilyOptionErrors {
        static let refusals: [(arguments: [String], line: String)] = [
            (
                ["-f", "bogus"],
                "sockdiag: -f: unknown family 'bogus'; valid families: inet, inet6, unix, link, netlink, vsock, xdp, "
                    + "tipc, help"
            ),
            (
                ["-A", "tcp,bogus"],
                "sockdiag: -A: unknown socket table 'bogus'; valid tables: all, inet, udp, dccp, tcp, mptcp, sctp, "
                    + "raw, unix, unix_stream, u_str, unix_dgram, u_dgr, unix_seqpacket, u_seq, packet, packet_raw, "
                    + "p_raw, packet_dgram, p_dgr, netlink, tipc, vsock, vsock_stream, v_str, vsock_dgram, v_dgr, xdp"
            ),
            (["--query", "!tcp"], "sockdiag: -A !tcp: no socket table left to show"),
        ]

        @Test("an unknown family or table is refused in one line naming the valid ones, exit 2", arguments: refusals)
        func refused(arguments: [String], line: String) throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let result = try Commands.run(binary, arguments, timeout: 10)
            #expect(result.status == 2 && !result.signaled && !result.timedOut, "\(result)")
            #expect(result.stderrLines == [Substring(line)], "\(result)")
            #expect(result.stdout.isEmpty, "\(result)")
        }

        @Test("ss's words are accepted: -f inet, -f link, -A all,!tcp, -f help")
        func accepted() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            for arguments in [["-f", "inet", "-H", "--sport", "1"], ["-H", "-A", "all,!tcp", "--state", "closing"]] {
                let result = try Commands.run(binary, arguments, timeout: 10)
                #expect(result.status == 0 && result.stderr.isEmpty, "\(arguments): \(result)")
            }
            let help = try Commands.run(binary, ["-f", "help"], timeout: 10)
            #expect(help.status == 0 && help.stdout.contains("link, netlink") && help.stdout.contains("unix_dgram"))
        }
    }
}
