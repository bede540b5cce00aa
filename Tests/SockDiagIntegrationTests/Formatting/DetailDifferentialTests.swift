import Foundation
import SockDiagTestSupport
import Testing

extension Integration {
    /// `-o`, `-e`, `-m` and `-i` against ss in one namespace, on the population the test made (idle loopback
    /// sockets, so that what they show is stable between the two runs).
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    struct DetailDifferential {
        /// One socket's rows: the first line's fields after the peer column, and the second line (or "").
        struct Entry {
            var tail: String
            var second: String
        }

        /// Runs sockdiag and ss with `arguments` (plus -H) in a namespace holding the population and returns both
        /// outputs by socket (state and endpoints).
        static func run(_ sockdiagArguments: [String], _ ssArguments: [String], secondLine: Bool) throws
            -> (ours: [String: Entry], theirs: [String: Entry])
        {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let ours = try namespace.exec([binary] + sockdiagArguments + ["-H"])
            let theirs = try namespace.exec([ss] + ssArguments + ["-H"])
            try #require(ours.status == 0 && !ours.signaled, "\(ours)")
            try #require(theirs.status == 0, "\(theirs)")
            let parsedOurs = try entries(ours.stdout, secondLine: secondLine)
            let parsedTheirs = try entries(theirs.stdout, secondLine: secondLine)
            #expect(parsedOurs.count == population.tcp.count)
            #expect(Set(parsedOurs.keys) == Set(parsedTheirs.keys))
            return (parsedOurs, parsedTheirs)
        }

        /// Splits table output into entries keyed by `state local peer` (ss's column layout is ignored: fields are
        /// split on blanks; ss leaves out Netid for TCP only).
        static func entries(_ text: String, secondLine: Bool) throws -> [String: Entry] {
            var result: [String: Entry] = [:]
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false)
            if lines.last == "" { lines.removeLast() }
            var index = 0
            while index < lines.count {
                var fields = lines[index].split(whereSeparator: { $0 == " " || $0 == "\t" }).map(String.init)
                if fields.first == "tcp" { fields.removeFirst() }
                guard fields.count >= 5 else { throw HelperError("short row: \(lines[index])") }
                let key = fields[0...4].enumerated().filter { $0.offset != 1 && $0.offset != 2 }.map(\.element)
                    .joined(separator: " ")
                var second = ""
                if secondLine {
                    index += 1
                    guard index < lines.count, lines[index].hasPrefix("\t") else {
                        throw HelperError("no second line after: \(lines[index - 1])")
                    }
                    second = lines[index].trimmingCharacters(in: .whitespaces)
                }
                result[key] = Entry(tail: fields.dropFirst(5).joined(separator: " "), second: second)
                index += 1
            }
            return result
        }

        /// `timer:(kind,expiry,retransmits)` with the expiry in milliseconds (ss's print_ms_timer forms).
        static func timer(in text: String) -> (kind: String, milliseconds: Int, retransmits: Int)? {
            guard let match = text.firstMatch(of: /timer:\((\w+),([^,]*),(\d+)\)/) else { return nil }
            let expiry = String(match.2)
            var milliseconds = 0
            if let minutes = expiry.firstMatch(of: /(\d+)min/) { milliseconds += Int(minutes.1)! * 60_000 }
            if let seconds = expiry.firstMatch(of: /(\d+)sec/) { milliseconds += Int(seconds.1)! * 1000 }
            if let fraction = expiry.firstMatch(of: /(?:(\d+)\.)?(\d{3})ms/) {
                milliseconds += Int(fraction.1 ?? "0")! * 1000 + Int(fraction.2)!
            }
            return (String(match.1), milliseconds, Int(match.3)!)
        }

        @Test("-o: the same timers as ss -tano, expiries within a second")
        func timers() throws {
            let (ours, theirs) = try Self.run(["-tano"], ["-tano"], secondLine: false)
            var timeWait = 0
            for (key, entry) in ours {
                let their = try #require(theirs[key])
                let ourTimer = Self.timer(in: entry.tail)
                let theirTimer = Self.timer(in: their.tail)
                #expect((ourTimer == nil) == (theirTimer == nil), "\(key): \(entry.tail) vs \(their.tail)")
                guard let ourTimer, let theirTimer else { continue }
                #expect(ourTimer.kind == theirTimer.kind, "\(key)")
                #expect(ourTimer.retransmits == theirTimer.retransmits, "\(key)")
                #expect(abs(ourTimer.milliseconds - theirTimer.milliseconds) <= 1000, "\(key): \(entry.tail) vs \(their.tail)")
                if ourTimer.kind == "timewait" { timeWait += 1 }
            }
            #expect(timeWait == Population.serverTimeWaitCount + Population.clientTimeWaitCount)
        }

        @Test("-e: uid, ino, sk, cgroup, v6only and shutdown arrows as ss -tane prints them")
        func extended() throws {
            let (ours, theirs) = try Self.run(["-tane"], ["-tane"], secondLine: false)
            let timerPattern = /timer:\([^)]*\) ?/
            var inodes = 0
            for (key, entry) in ours {
                let their = try #require(theirs[key])
                #expect(entry.tail.replacing(timerPattern, with: "") == their.tail.replacing(timerPattern, with: ""), "\(key)")
                if let inode = entry.tail.firstMatch(of: /ino:(\d+)/), inode.1 != "0" { inodes += 1 }
                #expect(entry.tail.contains(/sk:[0-9a-f]+/))
            }
            #expect(inodes == ours.count - Population.serverTimeWaitCount - Population.clientTimeWaitCount)
            #expect(ours.values.contains { $0.tail.hasSuffix("v6only:1 <->") })
            #expect(ours.values.contains { $0.tail.hasSuffix("v6only:0 <->") })
        }

        @Test("-m: skmem at rest as ss -tanm prints it")
        func memory() throws {
            let (ours, theirs) = try Self.run(["-tanm"], ["-tanm"], secondLine: true)
            let skmem = /skmem:\(r(\d+),rb(\d+),t(\d+),tb(\d+),f\d+,w\d+,o(\d+)(?:,bl(\d+))?(?:,d(\d+))?\)/
            var compared = 0
            for (key, entry) in ours {
                let their = try #require(theirs[key])
                let ourMatch = entry.second.firstMatch(of: skmem)
                let theirMatch = their.second.firstMatch(of: skmem)
                #expect((ourMatch == nil) == (theirMatch == nil), "\(key): \(entry.second) vs \(their.second)")
                guard let ourMatch, let theirMatch else { continue }
                // r, rb, t, tb, o, bl, d: idle sockets hold no data; f and w move with the allocator.
                #expect(ourMatch.1 == theirMatch.1 && ourMatch.2 == theirMatch.2 && ourMatch.3 == theirMatch.3, "\(key)")
                #expect(ourMatch.4 == theirMatch.4 && ourMatch.5 == theirMatch.5, "\(key)")
                #expect(ourMatch.6 == theirMatch.6 && ourMatch.7 == theirMatch.7, "\(key)")
                compared += 1
            }
            #expect(compared == ours.count - Population.serverTimeWaitCount - Population.clientTimeWaitCount)
        }

        @Test("-i: algorithm, wscale, mss, cwnd, rcvmss, advmss, pmtu at rest as ss -tani prints them")
        func info() throws {
            let (ours, theirs) = try Self.run(["-tani"], ["-tani"], secondLine: true)
            let stable = /(?:^|\s)(wscale|mss|rcvmss|advmss|pmtu|cwnd|ssthresh):(\S+)/
            var compared = 0
            for (key, entry) in ours {
                let their = try #require(theirs[key])
                func fields(_ line: String) -> [String: String] {
                    var result: [String: String] = [:]
                    for match in line.matches(of: stable) { result[String(match.1)] = String(match.2) }
                    return result
                }
                #expect(fields(entry.second) == fields(their.second), "\(key): \(entry.second) vs \(their.second)")
                // The algorithm's name is the first word of the line.
                let ourAlgorithm = entry.second.split(separator: " ").first
                let theirAlgorithm = their.second.split(separator: " ").first
                #expect(ourAlgorithm == theirAlgorithm, "\(key)")
                if !entry.second.isEmpty {
                    #expect(fields(entry.second)["cwnd"] != nil)
                    compared += 1
                }
            }
            #expect(compared == ours.count - Population.serverTimeWaitCount - Population.clientTimeWaitCount)
        }

        @Test("-tin --json: tcp_info and the algorithm for every full socket, nothing for TIME_WAIT")
        func json() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let result = try namespace.exec([binary, "-tanime", "--json"])
            try #require(result.status == 0, "\(result)")
            let objects = try #require(JSONSerialization.jsonObject(with: Data(result.stdout.utf8)) as? [[String: Any]])
            #expect(objects.count == population.tcp.count)
            for object in objects {
                let timeWait = object["state"] as? String == "time-wait"
                #expect((object["tcp_info"] == nil) == timeWait)
                #expect((object["congestion"] == nil) == timeWait)
                #expect((object["memory"] == nil) == timeWait)
                #expect(object.keys.contains("shutdown"))
            }
        }
    }
}
