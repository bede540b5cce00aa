import SockDiagTestSupport
import Testing

@testable import SockDiag

/// Real NETLINK_DIAG, PACKET_DIAG and MPTCP dumps (Scripts/fixtures/capture-family-fixture.py).
@Suite("Netlink, packet and MPTCP replies")
struct FamilyDecodingTests {
    @Test("netlink sockets: protocols, port ids, groups, the connected one's peer, queues")
    func netlink() throws {
        let sockets = try Fixtures.decodeNetlink(Fixtures.bytes("netlink-all.bin"))
        #expect(sockets.count == 12)
        #expect(sockets.contains { $0.netlinkProtocol == 0 && $0.isKernel })
        let route = try #require(sockets.first { $0.netlinkProtocol == 0 && $0.groups == 1 })
        #expect(!route.isKernel && !route.isConnected)
        let user = try #require(sockets.first { $0.netlinkProtocol == 2 })
        #expect(user.isConnected && user.peerPortID == 0 && user.peerGroup == 0)
        #expect(sockets.contains { $0.netlinkProtocol == 4 && $0.isKernel && $0.receiveQueue > 0 })
        #expect(sockets.allSatisfy { $0.inode != 0 })
    }

    @Test("packet sockets: types, protocols in host order, the interface, queues")
    func packet() throws {
        let sockets = try Fixtures.decodePacket(Fixtures.bytes("packet-all.bin"))
        #expect(sockets.count == 3)
        let raw = try #require(sockets.first { $0.type == .raw })
        #expect(raw.etherProtocol == 3 && raw.interfaceIndex == 0 && raw.receiveQueue > 0)
        let ip = try #require(sockets.first { $0.etherProtocol == 0x0800 })
        #expect(ip.type == .datagram && ip.interfaceIndex == 1 && ip.receiveQueue > 0)
        #expect(sockets.contains { $0.type == .datagram && $0.etherProtocol == 0 })
        #expect(sockets.allSatisfy { $0.uid == 0 && $0.fanout == nil })
    }

    @Test("MPTCP sockets decode as inet_diag replies: the listener and both ends")
    func mptcp() throws {
        let sockets = try Fixtures.decode(Fixtures.bytes("mptcp4-all.bin"), transport: .mptcp)
        #expect(sockets.count == 3)
        #expect(sockets.allSatisfy { $0.transport == .mptcp && $0.family == .inet })
        #expect(sockets.filter { $0.state == .listen }.map(\.local.port) == [5555])
        #expect(sockets.filter { $0.state == .established }.count == 2)
    }

    @Test("every truncation of each capture is malformedMessage, never a crash or a partial answer")
    func everyTruncation() throws {
        for (name, decode) in [
            ("netlink-all.bin", { (bytes: [UInt8]) in _ = try Fixtures.decodeNetlink(bytes) }),
            ("packet-all.bin", { (bytes: [UInt8]) in _ = try Fixtures.decodePacket(bytes) }),
        ] {
            let bytes = try Fixtures.bytes(name)
            for length in 0..<bytes.count {
                do {
                    try decode(Array(bytes[..<length]))
                    Issue.record("\(name) cut at \(length) decoded")
                } catch let error as SockDiagError {
                    #expect(error.code == .malformedMessage, "\(name) cut at \(length)")
                }
            }
        }
    }

    @Test("a short message, another family, or a short memory, info or uid attribute is malformedMessage")
    func malformed() throws {
        var message = [UInt8](repeating: 0, count: NetlinkDiagParser.messageSize)
        message[0] = NetlinkDiagParser.familyNetlink
        #expect(throws: SockDiagError.self) { try Self.parse(Array(message.dropLast()), NetlinkDiagParser.parse) }
        #expect(throws: Never.self) { try Self.parse(message, NetlinkDiagParser.parse) }
        message[0] = 1
        #expect(throws: SockDiagError.self) { try Self.parse(message, NetlinkDiagParser.parse) }
        message[0] = NetlinkDiagParser.familyNetlink
        // NETLINK_DIAG_MEMINFO with 8 bytes: too short for SK_MEMINFO_WMEM_ALLOC.
        #expect(throws: SockDiagError.self) {
            try Self.parse(message + [12, 0, 0, 0] + [UInt8](repeating: 0, count: 8), NetlinkDiagParser.parse)
        }
        var packet = [UInt8](repeating: 0, count: PacketDiagParser.messageSize)
        packet[0] = PacketDiagParser.familyPacket
        packet[1] = 3
        #expect(throws: Never.self) { try Self.parse(packet, PacketDiagParser.parse) }
        for (type, length) in [
            (PacketDiagParser.attributeInfo, 20), (PacketDiagParser.attributeUID, 2),
            (PacketDiagParser.attributeMemInfo, 0), (PacketDiagParser.attributeFanout, 3),
        ] {
            let attribute = [UInt8(4 + length), 0, UInt8(type), 0] + [UInt8](repeating: 0, count: (length + 3) & ~3)
            #expect(throws: SockDiagError.self, "attribute \(type) of \(length) bytes") {
                try Self.parse(packet + attribute, PacketDiagParser.parse)
            }
        }
    }

    static func parse<Value>(
        _ bytes: [UInt8],
        _ parser: (UnsafeRawBufferPointer) throws(SockDiagError) -> Value
    ) throws {
        try bytes.withUnsafeBytes { raw in _ = try parser(raw) }
    }

    @Test("the requests: netlink_diag_req and packet_diag_req as ss sends them")
    func requests() {
        var buffer = [UInt8](repeating: 0xAA, count: 64)
        let length = buffer.withUnsafeMutableBytes { FamilyDumpRequest.netlink.write(sequence: 7, to: $0) }
        #expect(length == 36)
        #expect(
            Array(buffer[..<length]) == [36, 0, 0, 0, 20, 0, 1, 3, 7, 0, 0, 0, 0, 0, 0, 0]
                + [16, 255, 0, 0, 0, 0, 0, 0, 3, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0]
        )
        let packetLength = buffer.withUnsafeMutableBytes { FamilyDumpRequest.packet.write(sequence: 1, to: $0) }
        #expect(Array(buffer[16..<packetLength]) == [17, 0, 0, 0, 0, 0, 0, 0, 0x19, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0, 0])
        #expect(
            buffer.withUnsafeMutableBytes {
                FamilyDumpRequest.netlink.write(sequence: 1, to: .init(rebasing: $0[..<35]))
            } == 0
        )
    }
}
