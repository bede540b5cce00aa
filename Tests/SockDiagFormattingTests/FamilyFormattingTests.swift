import Foundation
import SockDiagFormatting
import SockDiagTestSupport
import Testing

@testable import SockDiag

/// Netlink, packet and MPTCP sockets decoded from real dumps (Scripts/fixtures/capture-family-fixture.py), written
/// as ss's rows and as JSON, against what ss printed at the same moment.
@Suite("Netlink, packet and MPTCP rows")
struct FamilyFormattingTests {
    /// The rows of `text` as words, sorted, without the sock_diag sockets (the capturing tool's own differs from ss's).
    static func rows(_ text: String) -> [[String]] {
        text.split(separator: "\n").map { UnixFormattingTests.words(String($0)) }
            .filter { !($0.count > 4 && ($0[4].hasPrefix("tcpdiag:") || $0[4].hasPrefix("4:"))) }
            .sorted { $0.joined(separator: " ") < $1.joined(separator: " ") }
    }

    /// sockdiag's rows of the netlink and packet captures.
    static func ours(numeric: Bool) throws -> String {
        var formatter = TableFormatter(families: [.inet])
        formatter.numeric = numeric
        formatter.processName = { _ in Array("python3".utf8) }
        var bytes: [UInt8] = []
        for socket in try Fixtures.decodeNetlink(Fixtures.bytes("netlink-all.bin")) {
            formatter.write(socket, to: &bytes)
        }
        for socket in try Fixtures.decodePacket(Fixtures.bytes("packet-all.bin")) {
            formatter.write(socket, to: &bytes)
        }
        return String(decoding: bytes, as: UTF8.self)
    }

    @Test("nl, p_raw and p_dgr rows agree with ss -aH -A netlink,packet: names, owners, interfaces")
    func tableWithNames() throws {
        let theirs = Self.rows(try Fixtures.text("families.ss-aH.txt"))
        #expect(Self.rows(try Self.ours(numeric: false)) == theirs)
        #expect(theirs.count == 13)
    }

    @Test("with -n: protocol numbers, port ids, [2048]")
    func tableNumeric() throws {
        #expect(Self.rows(try Self.ours(numeric: true)) == Self.rows(try Fixtures.text("families.ss-anH.txt")))
    }

    @Test("MPTCP rows agree with ss -ManH -4 (ss leaves out the Netid column for one table)")
    func mptcp() throws {
        var formatter = TableFormatter(families: [.inet])
        var lines: [String] = []
        for socket in try Fixtures.decode(Fixtures.bytes("mptcp4-all.bin"), transport: .mptcp) {
            var bytes: [UInt8] = []
            formatter.write(socket, to: &bytes)
            var words = UnixFormattingTests.words(String(decoding: bytes.dropLast(), as: UTF8.self))
            #expect(words.first == "mptcp")
            words.removeFirst()
            lines.append(words.joined(separator: " "))
        }
        let theirs = try Fixtures.text("mptcp4.ss-ManH.txt").split(separator: "\n").map {
            UnixFormattingTests.words(String($0)).joined(separator: " ")
        }
        #expect(lines.sorted() == theirs.sorted())
    }

    @Test("-e adds ss's details: groups for nl, uid/ino/sk for packet sockets")
    func extended() throws {
        var formatter = TableFormatter(families: [.inet])
        formatter.details = [.extended]
        formatter.numeric = true
        let route = try #require(try Fixtures.decodeNetlink(Fixtures.bytes("netlink-all.bin")).first { $0.groups == 1 })
        var bytes: [UInt8] = []
        formatter.write(route, to: &bytes)
        #expect(String(decoding: bytes, as: UTF8.self).hasSuffix(" sk=0 cb=0 groups=0x00000001\n"))
        let raw = try #require(try Fixtures.decodePacket(Fixtures.bytes("packet-all.bin")).first { $0.type == .raw })
        bytes = []
        formatter.write(raw, to: &bytes)
        #expect(
            String(decoding: bytes, as: UTF8.self).hasSuffix(
                " ino:\(raw.inode) sk:\(String(raw.cookie, radix: 16))\n\tver:0 cpy_thresh:0 flags( running )\n"
            )
        )
    }

    @Test("JSON: one valid array, every object with its documented keys")
    func json() throws {
        var formatter = JSONFormatter()
        var bytes: [UInt8] = []
        formatter.writeStart(to: &bytes)
        for socket in try Fixtures.decodeNetlink(Fixtures.bytes("netlink-all.bin")) {
            formatter.write(socket, to: &bytes)
        }
        for socket in try Fixtures.decodePacket(Fixtures.bytes("packet-all.bin")) {
            formatter.write(socket, to: &bytes)
        }
        formatter.writeEnd(to: &bytes)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(objects.count == 15)
        let netlinkKeys: Set = [
            "protocol", "state", "netlink_protocol", "netlink_protocol_name", "port_id", "connected", "peer_port_id",
            "peer_group", "groups", "inode", "recv_q", "send_q",
        ]
        let packetKeys: Set = [
            "protocol", "type", "state", "ether_protocol", "ether_protocol_name", "interface_index", "interface",
            "inode", "uid", "version", "flags", "fanout", "recv_q", "send_q",
        ]
        for object in objects {
            let keys = Set(object.keys)
            #expect(keys == (object["protocol"] as? String == "netlink" ? netlinkKeys : packetKeys))
        }
        #expect(objects.contains { $0["netlink_protocol_name"] as? String == "rtnl" && $0["port_id"] as? Int == 0 })
        #expect(objects.contains { $0["ether_protocol_name"] as? String == "ip" && $0["interface"] as? String == "lo" })
        #expect(objects.contains { $0["ether_protocol_name"] as? String == "all" && $0["interface"] is NSNull })
    }
}

/// vsock and XDP rows (ss's `vsock_stats_print`, `xdp_stats_print`), from values: this kernel has neither handler.
@Suite("vsock and XDP rows")
struct VsockXDPFormattingTests {
    static func words(_ write: (inout TableFormatter, inout [UInt8]) -> Void, extended: Bool = false) -> [String] {
        var formatter = TableFormatter(families: [.inet])
        if extended { formatter.details = [.extended] }
        var bytes: [UInt8] = []
        write(&formatter, &bytes)
        return UnixFormattingTests.words(String(decoding: bytes.dropLast(), as: UTF8.self))
    }

    @Test("vsock: v_str/v_dgr, the state, cid:port with * for any")
    func vsock() {
        let stream = VsockSocket(type: 1, state: .established, localCID: 3, localPort: 1234, peerCID: 2, peerPort: 5678)
        #expect(Self.words { $0.write(stream, to: &$1) } == ["v_str", "ESTAB", "0", "0", "3:1234", "2:5678"])
        let listener = VsockSocket(
            type: 2,
            state: .listen,
            localCID: .max,
            localPort: 80,
            peerCID: .max,
            peerPort: .max
        )
        #expect(Self.words { $0.write(listener, to: &$1) } == ["v_dgr", "LISTEN", "0", "0", "*:80", "*:*"])
    }

    @Test("XDP: interface:qN, or * when unbound; -e adds uid, ino, sk")
    func xdp() {
        let bound = XDPSocket(interfaceIndex: 1, queueID: 3, uid: 1000, inode: 7, cookie: 0x42, receiveQueue: 512)
        #expect(
            Self.words({ $0.write(bound, to: &$1) }, extended: true)
                == ["xdp", "UNCONN", "512", "0", "lo:q3", "*", "uid:1000", "ino:7", "sk:42"]
        )
        #expect(Self.words { $0.write(XDPSocket(inode: 8), to: &$1) } == ["xdp", "UNCONN", "0", "0", "*", "*"])
    }

    @Test("JSON: valid, with the documented keys")
    func json() throws {
        var formatter = JSONFormatter()
        var bytes: [UInt8] = []
        formatter.writeStart(to: &bytes)
        formatter.write(
            VsockSocket(type: 1, state: .established, localCID: 3, localPort: 1, peerCID: 2, peerPort: 9),
            to: &bytes
        )
        formatter.write(XDPSocket(interfaceIndex: 1, queueID: 3, inode: 7), to: &bytes)
        formatter.writeEnd(to: &bytes)
        let objects = try #require(try JSONSerialization.jsonObject(with: Data(bytes)) as? [[String: Any]])
        #expect(Set(objects[0].keys) == ["protocol", "type", "state", "local", "peer", "inode", "recv_q", "send_q"])
        #expect((objects[0]["peer"] as? [String: Int]) == ["cid": 2, "port": 9])
        #expect(
            Set(objects[1].keys) == [
                "protocol", "state", "interface_index", "interface", "queue_id", "inode", "uid", "recv_q", "send_q",
            ]
        )
        #expect(objects[1]["interface"] as? String == "lo" && objects[1]["uid"] is NSNull)
    }
}
