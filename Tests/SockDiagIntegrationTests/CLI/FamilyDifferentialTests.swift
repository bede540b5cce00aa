import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// Netlink, packet and MPTCP sockets made in a private namespace, listed by sockdiag and by ss at the same moment.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil, "needs ss (iproute2)")
    )
    struct Families {
        /// A port no /etc/services names, so that ss prints it as a number without -n too.
        static let port: UInt16 = 39781

        /// A raw packet socket for every protocol, a datagram one bound to lo for IPv4, an unbound datagram one, a
        /// netlink route socket, and an MPTCP listener on 127.0.0.1 with one connection.
        static func population() throws -> [Int32] {
            var fds: [Int32] = []
            func check(_ fd: Int32, _ what: String) throws -> Int32 {
                guard fd >= 0 else {
                    let error = HelperError.system(what)
                    for fd in fds { close(fd) }
                    throw error
                }
                fds.append(fd)
                return fd
            }
            func ok(_ result: Int32, _ what: String) throws {
                guard result != 0 else { return }
                let error = HelperError.system(what)
                for fd in fds { close(fd) }
                throw error
            }
            _ = try check(socket(AF_PACKET, Int32(SOCK_RAW.rawValue), Int32(UInt16(3).bigEndian)), "packet raw")
            _ = try check(socket(AF_PACKET, Int32(SOCK_DGRAM.rawValue), 0), "packet dgram")
            let ip = try check(socket(AF_PACKET, Int32(SOCK_DGRAM.rawValue), Int32(UInt16(0x0800).bigEndian)), "ip")
            // struct sockaddr_ll (20 bytes; Glibc's module does not import <netpacket/packet.h>): family, protocol
            // (network order), interface index.
            var link = [UInt8](repeating: 0, count: 20)
            link.withUnsafeMutableBytes { raw in
                raw.storeBytes(of: UInt16(AF_PACKET), toByteOffset: 0, as: UInt16.self)
                raw.storeBytes(of: UInt16(0x0800).bigEndian, toByteOffset: 2, as: UInt16.self)
                raw.storeBytes(of: Int32(if_nametoindex("lo")), toByteOffset: 4, as: Int32.self)
            }
            try ok(
                link.withUnsafeBytes { raw in
                    bind(ip, raw.baseAddress!.assumingMemoryBound(to: sockaddr.self), socklen_t(raw.count))
                },
                "bind packet socket to lo"
            )
            _ = try check(socket(AF_NETLINK, Int32(SOCK_RAW.rawValue), 0), "netlink")
            let listener = try check(socket(AF_INET, Int32(SOCK_STREAM.rawValue), 262), "mptcp listener")
            let address = SocketAddress("127.0.0.1", port)
            try ok(try LoopbackSockets.withSockaddr(address) { bind(listener, $0, $1) }, "bind mptcp")
            try ok(listen(listener, 8), "listen mptcp")
            let client = try check(socket(AF_INET, Int32(SOCK_STREAM.rawValue), 262), "mptcp client")
            try ok(try LoopbackSockets.withSockaddr(address) { connect(client, $0, $1) }, "connect mptcp")
            _ = try check(accept(listener, nil, nil), "accept mptcp")
            return fds
        }

        /// The rows of `text` as words, sorted, without the listing tools' own sock_diag sockets (and the kernel's,
        /// whose queue holds the dump in flight).
        static func rows(_ text: String, netids: Set<String>? = nil) -> [[String]] {
            text.split(separator: "\n").map { $0.split(separator: " ").map(String.init) }
                .filter { !$0.contains { $0.hasPrefix("tcpdiag:") || $0.hasPrefix("4:") } }
                .filter { netids == nil || netids!.contains($0[0]) }
                .sorted { $0.joined(separator: " ") < $1.joined(separator: " ") }
        }

        @Test("-a, -an, -0, -f link, -e, -A netlink and -M list what ss lists; --json is valid with each family's keys")
        func matchesSS() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let fds = try namespace.onThread { try Self.population() }
            defer { for fd in fds { close(fd) } }
            func both(_ arguments: [String]) throws -> (ours: String, theirs: String) {
                let ours = try namespace.exec([binary] + arguments)
                let theirs = try namespace.exec([ss] + arguments)
                try #require(ours.status == 0 && theirs.status == 0, "\(arguments): \(ours) \(theirs)")
                return (ours.stdout, theirs.stdout)
            }
            let families: Set = ["nl", "p_raw", "p_dgr"]
            let named = try both(["-aH"])
            #expect(Self.rows(named.ours, netids: families) == Self.rows(named.theirs, netids: families))
            #expect(named.ours.contains("rtnl:kernel") && named.ours.contains(":lo"))
            let numeric = try both(["-anH"])
            let all = Self.rows(numeric.ours)
            #expect(all == Self.rows(numeric.theirs))
            #expect(Set(all.map(\.[0])) == ["nl", "p_raw", "p_dgr", "tcp", "mptcp"])
            #expect(all.filter { $0[0] == "mptcp" }.count == 3)
            // One state (UNCONN) for ss with -0 and -f link: both leave out the State column.
            for arguments in [["-0H"], ["-f", "link", "-H"]] {
                let packet = try both(arguments)
                #expect(Self.rows(packet.ours) == Self.rows(packet.theirs), "\(arguments)")
                #expect(Self.rows(packet.ours).count == 3, "\(arguments)")
            }
            // -e: ss's details of packet (ino, sk, ver, flags) and netlink sockets (sk=0 cb=0 groups).
            for arguments in [["-0aeH"], ["-aeH", "-A", "netlink"]] {
                let details = try both(arguments)
                #expect(Self.rows(details.ours) == Self.rows(details.theirs), "\(arguments)")
                #expect(details.ours.contains(arguments == ["-0aeH"] ? "cpy_thresh:" : "groups=0x"), "\(arguments)")
            }
            // -A keeps ss's default states, which netlink sockets are never in.
            let query = try both(["-H", "-A", "netlink"])
            #expect(query.ours.isEmpty && query.theirs.isEmpty)
            // One table for ss with -M: both leave out the Netid column.
            let mptcp = try both(["-MH"])
            #expect(Self.rows(mptcp.ours) == Self.rows(mptcp.theirs))
            #expect(Self.rows(mptcp.ours).count == 2)

            let json = try namespace.exec([binary, "-a", "--json"])
            try #require(json.status == 0, "\(json)")
            let objects = try #require(JSONSerialization.jsonObject(with: Data(json.stdout.utf8)) as? [[String: Any]])
            #expect(objects.count == all.count + named.ours.split(separator: "\n").count - Self.rows(named.ours).count)
            let keys: [String: Set<String>] = [
                "netlink": ["netlink_protocol", "netlink_protocol_name", "port_id", "groups", "inode"],
                "packet": ["type", "ether_protocol", "ether_protocol_name", "interface_index", "interface", "inode"],
                "mptcp": ["state", "local", "peer"],
            ]
            for (protocolName, expected) in keys {
                let matching = objects.filter { $0["protocol"] as? String == protocolName }
                #expect(!matching.isEmpty, "\(protocolName)")
                for object in matching { #expect(expected.isSubset(of: Set(object.keys)), "\(object)") }
            }
        }

        @Test("-v says in one line why SCTP, vsock, XDP or TIPC list nothing where the kernel lacks them")
        func missingFamilies() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            for (option, family) in [("-S", "sctp"), ("--vsock", "vsock"), ("--xdp", "xdp"), ("--tipc", "tipc")] {
                let quiet = try namespace.exec([binary, "-H", option])
                #expect(quiet.status == 0 && quiet.stdout.isEmpty && quiet.stderr.isEmpty, "\(option): \(quiet)")
                let verbose = try namespace.exec([binary, "-H", "-v", option])
                #expect(verbose.status == 0 && verbose.stdout.isEmpty, "\(option): \(verbose)")
                let lines = verbose.stderrLines.filter { $0.contains("\(family): nothing listed: the kernel has no") }
                // Where the kernel has the family, there is no such line (and no socket in a new namespace).
                #expect(lines.count <= 1, "\(option): \(verbose)")
            }
        }
    }
}
