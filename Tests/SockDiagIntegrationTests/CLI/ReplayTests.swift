import Foundation
import SockDiagTestSupport
import Testing

extension Integration {
    /// Record and replay: `sockdiag -D` in a namespace holding the population (TCP listeners, established,
    /// TIME_WAIT, UDP) and UNIX sockets, then `--from` against the live listing and against ss reading the same file.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    struct Replay {
        /// Timer expiries and tcp_info's "ms since" counters move between two runs; everything else must not.
        static func steady(_ text: String) -> String {
            // The cgroup path is resolved where sockdiag runs (inside `ip netns exec` there is no cgroup2 mount).
            text.replacing(/timer:\([^)]*\)/, with: "timer:()").replacing(/cgroup:\S+/, with: "cgroup:").replacing(/last(snd|rcv|ack):\d+/, with: "last")
                .replacing(/"expires_ms":\d+/, with: "\"expires_ms\":0")
        }

        /// ss's table with every line's trailing blanks gone, and the empty second line of a minisocket as "\t".
        static func trimmed(_ text: String) -> String {
            text.split(separator: "\n", omittingEmptySubsequences: false).map { line in
                let kept = String(line.replacing(/\s+$/, with: ""))
                return kept.isEmpty ? "\t" : kept
            }.dropLast(text.hasSuffix("\n") ? 1 : 0).joined(separator: "\n")
        }

        static func temporaryPath(_ name: String) -> String {
            FileManager.default.temporaryDirectory.appendingPathComponent("sockdiag-replay-\(getpid())-\(name)").path
        }

        @Test("a capture replays as the live listing: -tan, -tanie, a filter, --json, -xa; ss reads it alike")
        func roundTrip() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let unix = try namespace.onThread { try UnixAndRaw.population(path: Self.temporaryPath("unix.sock")) }
            defer { LoopbackSockets.closeAll(unix) }
            let file = Self.temporaryPath("capture.bin")
            defer { try? FileManager.default.removeItem(atPath: file) }
            let recorded = try namespace.exec([binary, "-a", "-m", "-i", "-D", file])
            try #require(recorded.status == 0, "\(recorded)")
            for arguments in [["-tan"], ["-tanie"], ["-tanmi"], ["-tan", "sport = :8000 or dport = :8001"],
                ["-a", "--json", "-t", "-u"], ["-xa"], ["-ua"], ["-4", "-tn", "state", "established"]]
            {
                let live = try namespace.exec([binary] + arguments)
                let replayed = try Commands.run(binary, ["--from", file] + arguments)
                #expect(live.status == 0 && replayed.status == 0, "\(live) \(replayed)")
                let replayedLines = Self.steady(replayed.stdout).split(separator: "\n").map(String.init)
                let liveLines = Self.steady(live.stdout).split(separator: "\n").map(String.init)
                expectSame(replayedLines, liveLines, "replayed", "live", "\(arguments): ")
            }
            // ss reads sockdiag's TCP dump (the first in the file) as its own.
            for (ours, theirs) in [(["-tanoemi"], ["-tanoemi"]), (["-tan", "dport = :8000"], ["-tan", "dport = :8000"])] {
                let replayed = try Commands.run(binary, ["--from", file, "-H"] + ours)
                let ssReplayed = try Commands.run("/usr/bin/env", ["TCPDIAG_FILE=\(file)", ss, "-H"] + theirs)
                let secondLine = ours.contains("-tanoemi")
                let mine = try DetailDifferential.entries(Self.trimmed(replayed.stdout), secondLine: secondLine)
                let others = try DetailDifferential.entries(Self.trimmed(ssReplayed.stdout), secondLine: secondLine)
                #expect(!mine.isEmpty && Set(mine.keys) == Set(others.keys), "\(ours)")
                for (key, entry) in mine {
                    // sockdiag's -i adds the tcp_info fields ss 6.1 does not know after its own.
                    let second = NewerTCPInfoFields.ss61(entry.second)
                    #expect(entry.tail == others[key]?.tail && second == others[key]?.second, "\(key)")
                }
            }
        }

        @Test("ss -D's own capture (fixture): sockdiag -4 --from shows what TCPDIAG_FILE=… ss shows")
        func ssCapture() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let file = Fixtures.directory.appendingPathComponent("ss-D-tcp.bin").path
            for (arguments, stored) in [
                (["-tanoemiH"], "ss-D-tcp.ss-tanoemiH.txt"), (["-tanH", "sport = :8000"], "ss-D-tcp.ss-tanH-sport8000.txt"),
            ] {
                let secondLine = arguments.first == "-tanoemiH"
                // ss's replay reads up to the first NLMSG_DONE: the IPv4 half of its own capture.
                let ours = try Commands.run("/usr/bin/env", ["TCPDIAG_FILE=\(file)", binary, "-4"] + arguments)
                let live = try Commands.run("/usr/bin/env", ["TCPDIAG_FILE=\(file)", ss] + arguments)
                #expect(ours.status == 0, "\(ours)")
                let mine = try DetailDifferential.entries(Self.trimmed(ours.stdout), secondLine: secondLine)
                for theirs in [live.stdout, try Fixtures.text(stored)] {
                    let others = try DetailDifferential.entries(Self.trimmed(theirs), secondLine: secondLine)
                    #expect(!mine.isEmpty && Set(mine.keys) == Set(others.keys), "\(arguments)")
                    for (key, entry) in mine where !entry.tail.contains("cgroup:") {
                        #expect(entry.tail == others[key]?.tail && entry.second == others[key]?.second, "\(key)")
                    }
                }
            }
        }

        @Test("a truncated capture: exit 1 and one line naming the problem")
        func truncated() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let bytes = try Fixtures.bytes("ss-D-tcp.bin")
            let file = Self.temporaryPath("truncated.bin")
            defer { try? FileManager.default.removeItem(atPath: file) }
            try Data(bytes.prefix(1000)).write(to: URL(fileURLWithPath: file))
            let result = try Commands.run(binary, ["--from", file, "-tan"])
            #expect(result.status == 1 && !result.signaled)
            #expect(result.stderrLines.count == 1 && result.stderr.contains("malformed capture: truncated"), "\(result)")
            let directory = try Commands.run(binary, ["--from", FileManager.default.temporaryDirectory.path])
            #expect(directory.status == 1 && directory.stderr.contains("not a regular file"), "\(directory)")
        }
    }
}
