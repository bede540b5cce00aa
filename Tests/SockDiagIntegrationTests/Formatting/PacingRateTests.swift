import Foundation
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

/// A Python that an unprivileged user can run (a pyenv under /root is not).
private let systemPython: String? = ["/usr/bin/python3", "/bin/python3"].first { access($0, X_OK) == 0 }

extension Integration {
    /// Any user may set `SO_MAX_PACING_RATE` on their own socket; at 2^61 bytes/s and more the rate in bits/s no
    /// longer fits a `UInt64`, and `sockdiag -tani` once trapped on it. Sockets held by `nobody` in a private
    /// namespace, then sockdiag's pacing rates against ss's.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)"),
        .enabled(if: UnprivilegedSockdiag.canRun && systemPython != nil, "needs setpriv, nobody and /usr/bin/python3")
    )
    struct PacingRates {
        /// The maximum pacing rates set (bytes/s): unlimited (which ss and sockdiag leave out), 2^64 − 2, 2^61.
        static let rates: [UInt64] = [.max, .max - 1, 1 << 61]

        /// Connected pairs on 127.0.0.1:7100, one client per rate, data exchanged; prints "ready", then holds them.
        static let script = """
            import socket, struct, sys, time
            listener = socket.socket(); listener.bind(("127.0.0.1", 7100)); listener.listen()
            held = []
            for rate in map(int, sys.argv[1:]):
                client = socket.socket()
                client.setsockopt(socket.SOL_SOCKET, 47, struct.pack("Q", rate))  # SO_MAX_PACING_RATE
                client.connect(("127.0.0.1", 7100)); server, _ = listener.accept()
                client.sendall(b"x" * 65536); server.recv(65536)
                held += [client, server]
            print("ready", flush=True)
            time.sleep(60)
            """

        /// The `/MAX` parts of every `pacing_rate RATE/MAX` in `output`, sorted.
        static func maximumRates(_ output: String) -> [String] {
            let words = output.split(whereSeparator: \.isWhitespace)
            return zip(words, words.dropFirst()).compactMap { word, next in
                word == "pacing_rate" ? next.split(separator: "/").dropFirst().first.map(String.init) : nil
            }.sorted()
        }

        @Test("sockdiag -tani and -ti print the maximum pacing rates ss prints; --json the kernel's numbers")
        func againstSS() throws {
            let sockdiag = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let holder = try BackgroundProcess(
                try #require(Commands.ip),
                ["netns", "exec", namespace.name, try #require(Commands.find("setpriv")), "--reuid=65534",
                 "--regid=65534", "--clear-groups", try #require(systemPython), "-c", Self.script]
                    + Self.rates.map(String.init),
                label: "pacing-holder"
            )
            defer { holder.stop() }
            _ = try holder.wait("the sockets") { holder.stdout.contains("ready") ? true : nil }
            let nobody = try UnprivilegedSockdiag()
            defer { nobody.remove() }

            for (ours, theirs) in [(["-tani"], ["-tani"]), (["-ti"], ["-ti"])] {
                let expected = Self.maximumRates(try namespace.exec([ss] + theirs).stdout)
                #expect(expected.count == 2, "ss \(theirs): \(expected)")
                for command in [[sockdiag] + ours, nobody.command(ours)] {
                    let result = try namespace.exec(command)
                    #expect(result.status == 0 && !result.signaled, "\(command): \(result)")
                    #expect(Self.maximumRates(result.stdout) == expected, "\(command)")
                }
            }
            let numeric = Self.maximumRates(try namespace.exec([sockdiag, "-tani"]).stdout)
            #expect(numeric == ["147573952589676412928bps", "18446744073709551616bps"])
            let json = try namespace.exec([sockdiag, "-tani", "--json"])
            #expect(json.status == 0 && !json.signaled, "\(json)")
            #expect(json.stdout.contains("\"max_pacing_rate\":18446744073709551614"))
            #expect(json.stdout.contains("\"max_pacing_rate\":2305843009213693952"))
        }
    }
}
