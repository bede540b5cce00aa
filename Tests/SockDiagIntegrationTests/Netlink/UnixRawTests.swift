import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// UNIX and raw sockets made in a private namespace, listed by sockdiag and by ss at the same moment.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    struct UnixAndRaw {
        /// Binds `fd` to `name` (a path, or an abstract name starting with NUL).
        static func bind(_ fd: Int32, _ name: [UInt8]) -> Bool {
            var address = sockaddr_un()
            address.sun_family = sa_family_t(AF_UNIX)
            withUnsafeMutableBytes(of: &address.sun_path) { path in
                for (index, byte) in name.enumerated() { path[index] = byte }
            }
            let length = socklen_t(MemoryLayout<sa_family_t>.size + name.count + (name.first == 0 ? 0 : 1))
            return withUnsafePointer(to: &address) {
                $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { Glibc.bind(fd, $0, length) == 0 }
            }
        }

        /// A listening path socket, a socketpair with bytes queued, an abstract datagram socket, an unbound
        /// datagram socket, an abstract seqpacket listener, and raw ICMP sockets (one connected).
        static func population(path: String) throws -> [Int32] {
            var fds: [Int32] = []
            func check(_ ok: Bool, _ what: String) throws {
                if !ok {
                    let error = errno
                    for fd in fds { close(fd) }
                    throw POSIXError(POSIXErrorCode(rawValue: error) ?? .EIO, userInfo: ["what": what])
                }
            }
            let listener = socket(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0)
            fds.append(listener)
            try check(bind(listener, Array(path.utf8)) && listen(listener, 5) == 0, "listen")
            var pair: [Int32] = [0, 0]
            try check(socketpair(AF_UNIX, Int32(SOCK_STREAM.rawValue), 0, &pair) == 0, "socketpair")
            fds += pair
            try check(send(pair[0], "hello", 5, 0) == 5, "send")
            let abstract = socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0)
            fds.append(abstract)
            try check(bind(abstract, [0] + Array("sockdiag-test".utf8)), "bind abstract")
            fds.append(socket(AF_UNIX, Int32(SOCK_DGRAM.rawValue), 0))
            let seq = socket(AF_UNIX, Int32(SOCK_SEQPACKET.rawValue), 0)
            fds.append(seq)
            try check(bind(seq, [0] + Array("sockdiag-seq".utf8)) && listen(seq, 1) == 0, "seqpacket")
            let raw = socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP))
            fds.append(raw)
            try check(raw >= 0, "raw socket")
            let raw6 = socket(AF_INET6, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMPV6))
            fds.append(raw6)
            try check(raw6 >= 0, "raw6 socket")
            return fds
        }

        static func words(_ text: String) -> [[String]] {
            text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
                .sorted { $0.joined(separator: " ") < $1.joined(separator: " ") }
        }

        @Test("sockdiag -xaH and --json list what ss -xaH lists; -wanH what ss -wanH lists")
        func matchesSS() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sockdiag-\(getpid()).sock").path
            unlink(path)
            defer { unlink(path) }
            let fds = try namespace.onThread { try Self.population(path: path) }
            defer { for fd in fds { close(fd) } }

            let ours = try namespace.exec([binary, "-xaH"])
            let theirs = try namespace.exec([ss, "-xaH"])
            try #require(ours.status == 0 && theirs.status == 0, "\(ours) \(theirs)")
            let ourRows = Self.words(ours.stdout)
            #expect(ourRows == Self.words(theirs.stdout))
            #expect(ourRows.count >= 6)
            #expect(ourRows.contains { $0.first == "u_str" && $0[1] == "LISTEN" && $0[4] == path })
            #expect(ourRows.contains { $0.first == "u_dgr" && $0[4] == "@sockdiag-test" })
            #expect(ourRows.contains { $0.first == "u_seq" && $0[1] == "LISTEN" && $0[4] == "@sockdiag-seq" })
            #expect(ourRows.contains { $0.first == "u_str" && $0[1] == "ESTAB" && $0[2] == "5" })

            let json = try namespace.exec([binary, "-xa", "--json"])
            try #require(json.status == 0, "\(json)")
            let objects = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(objects.count == ourRows.count)
            let inodes = Set(objects.compactMap { $0["inode"] as? Int })
            for object in objects
            where (object["peer_inode"] as? Int ?? 0) != 0 && object["type"] as? String != "stream" {
                #expect(inodes.contains(object["peer_inode"] as! Int))
            }
            #expect(objects.contains { $0["path"] as? String == "sockdiag-test" && $0["abstract"] as? Bool == true })

            let ourRaw = try namespace.exec([binary, "-wanH"])
            let theirRaw = try namespace.exec([ss, "-wanH"])
            try #require(ourRaw.status == 0 && theirRaw.status == 0, "\(ourRaw) \(theirRaw)")
            // ss and sockdiag drop the Netid column when only one protocol is listed.
            #expect(Self.words(ourRaw.stdout) == Self.words(theirRaw.stdout))
            #expect(Self.words(ourRaw.stdout).allSatisfy { $0.first == "UNCONN" })
            #expect(Self.words(ourRaw.stdout).count == 2)
        }

        @Test("with no protocol option sockdiag lists what ss lists: UNIX, raw, UDP and TCP, in ss's order")
        func defaultListingMatchesSS() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sockdiag-d-\(getpid()).sock").path
            unlink(path)
            defer { unlink(path) }
            let fds = try namespace.onThread { try Self.population(path: path) }
            defer { for fd in fds { close(fd) } }
            let population = try Population.build(in: namespace)
            defer { population.close() }
            // A connected raw socket: ss's default (connected states) lists it.
            let raw = try namespace.onThread { () throws -> Int32 in
                let fd = socket(AF_INET, Int32(SOCK_RAW.rawValue), Int32(IPPROTO_ICMP))
                guard fd >= 0 else { throw HelperError.system("raw socket") }
                do {
                    _ = try LoopbackSockets.withSockaddr(SocketAddress("127.0.0.1", 0)) { Glibc.connect(fd, $0, $1) }
                } catch {
                    close(fd)
                    throw error
                }
                return fd
            }
            defer { close(raw) }

            let ours = try namespace.exec([binary, "-nH"])
            let theirs = try namespace.exec([ss, "-nH"])
            try #require(ours.status == 0 && theirs.status == 0, "\(ours) \(theirs)")
            let ourRows = ours.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            let ssRows = theirs.stdout.split(separator: "\n").map { $0.split(separator: " ").joined(separator: " ") }
            #expect(ourRows == ssRows, "sockdiag\n\(ours.stdout)\nss\n\(theirs.stdout)")
            let kinds = ourRows.compactMap { $0.split(separator: " ").first.map(String.init) }
            #expect(kinds.contains("u_str") && kinds.contains("raw") && kinds.contains("udp") && kinds.contains("tcp"))

            // Anything only internet sockets have narrows the listing to UDP and TCP, as before.
            let narrowed = try namespace.exec([binary, "-nH", "--port", "8000"])
            #expect(narrowed.stdout.split(separator: "\n").allSatisfy { $0.hasPrefix("tcp") }, "\(narrowed)")
        }
    }
}
