import Foundation
#if canImport(Glibc)
import Glibc
#endif
import SockDiagTestSupport
import Testing

extension Integration {
    /// `sockdiag -s` against `ss -s` in one namespace.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    struct Summary {
        /// The numbers of ss's summary that belong to the namespace (TCP's total, closed and orphaned come from
        /// machine-wide counters and move with everything else on the machine).
        static func namespaceNumbers(_ text: String) throws -> [String: [Int]] {
            var numbers: [String: [Int]] = [:]
            for line in text.split(separator: "\n") {
                let words = line.split(whereSeparator: { $0 == " " || $0 == "\t" || $0 == "," || $0 == "(" || $0 == ")" })
                guard let first = words.first else { continue }
                switch first {
                case "Total:": numbers["Total"] = [Int(words[1]) ?? -1]
                case "TCP:":
                    let estab = words.firstIndex(of: "estab").map { Int(words[$0 + 1]) ?? -1 } ?? -1
                    let timewait = words.firstIndex(of: "timewait").map { Int(words[$0 + 1]) ?? -1 } ?? -1
                    numbers["TCP:"] = [estab, timewait]
                case "RAW", "UDP", "TCP", "INET", "FRAG":
                    numbers[String(first)] = words.dropFirst().prefix(3).map { Int($0) ?? -1 }
                default: break
                }
            }
            return numbers
        }

        @Test("sockdiag -s agrees with ss -s on the namespace's totals")
        func matchesSS() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }

            let ours = try namespace.exec([binary, "-s"])
            let theirs = try namespace.exec([ss, "-s"])
            try #require(ours.status == 0 && theirs.status == 0, "\(ours) \(theirs)")
            var ourNumbers = try Self.namespaceNumbers(ours.stdout)
            var ssNumbers = try Self.namespaceNumbers(theirs.stdout)
            #expect(ourNumbers.count == 7)
            // "sockets: used" lags: the netlink socket of the previous command may still be on its way out.
            let ourTotal = try #require(ourNumbers.removeValue(forKey: "Total")?.first)
            let ssTotal = try #require(ssNumbers.removeValue(forKey: "Total")?.first)
            #expect(abs(ourTotal - ssTotal) <= 2, "Total: \(ourTotal) vs ss \(ssTotal)")
            #expect(ourTotal >= population.expected.count - 10)  // every socket but the TIME_WAIT minisockets
            #expect(ourNumbers == ssNumbers)
            // The population: 6 server-side + 4 client-side TIME_WAIT, 20 established ends.
            #expect(ourNumbers["TCP:"] == [20, 10])
            #expect(ours.stdout.contains("TIME-WAIT    10"))

            let json = try namespace.exec([binary, "-s", "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let tcp = try #require(object["tcp"] as? [String: Any])
            #expect(tcp["timewait"] as? Int == 10)
            let states = try #require(object["states"] as? [String: [String: [String: Int]]])
            #expect(states["tcp"]?["inet"]?["time-wait"] == 10)
            #expect(states["tcp"]?["inet"]?["listening"] == 2)
            #expect(states["tcp"]?["inet6"]?["listening"] == 2)
        }

        /// An orphan that reached FIN-WAIT-2 becomes a time-wait minisocket: `sockstat` counts it as `tw`, not as
        /// `inuse`, and so do ss and sockdiag.
        @Test("an orphaned FIN-WAIT-2 counts as time-wait, as the kernel's sockstat and ss count it")
        func orphanedFinWait2() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let fds = try namespace.onThread {
                let listener = try LoopbackSockets.tcpListener(SocketAddress("127.0.0.1", 8700))
                var fds = [listener]
                do {
                    let client = try LoopbackSockets.connected(to: SocketAddress("127.0.0.1", 8700))
                    fds.append(try LoopbackSockets.accept(listener))
                    close(client)  // FIN; the peer's ACK moves the orphan to FIN-WAIT-2, a minisocket
                    return fds
                } catch {
                    LoopbackSockets.closeAll(fds)
                    throw error
                }
            }
            defer { LoopbackSockets.closeAll(fds) }
            let listing = try namespace.exec([binary, "-tanH", "state", "fin-wait-2"])
            #expect(listing.stdout.split(separator: "\n").count == 1, "\(listing)")

            let ours = try Self.namespaceNumbers(try namespace.exec([binary, "-s"]).stdout)
            let theirs = try Self.namespaceNumbers(try namespace.exec([ss, "-s"]).stdout)
            let sockstat = try namespace.exec(["cat", "/proc/net/sockstat"]).stdout
            #expect(sockstat.contains("TCP: inuse 2 orphan") && sockstat.contains("tw 1 "), "\(sockstat)")
            // estab (CurrEstab: the CLOSE-WAIT end) and timewait; the TCP row: in use, IPv4, IPv6.
            #expect(ours["TCP:"] == [1, 1])
            #expect(ours["TCP"] == [2, 2, 0])
            #expect(ours["TCP:"] == theirs["TCP:"] && ours["TCP"] == theirs["TCP"], "sockdiag \(ours), ss \(theirs)")

            let json = try namespace.exec([binary, "-s", "--json"])
            let object = try #require(try JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [String: Any])
            let tcp = try #require(object["tcp"] as? [String: Any])
            #expect(tcp["timewait"] as? Int == 1)
            // ESTABLISHED and CLOSE-WAIT, under a key of its own: "established" means the state alone in "states".
            #expect(tcp["curr_estab"] as? Int == 1)
            #expect(tcp["established"] == nil)
        }
    }
}
