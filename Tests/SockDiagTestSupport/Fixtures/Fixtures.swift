import Foundation
import SockDiag

/// Captured dump replies and ss's output under Tests/Fixtures (see Scripts/fixtures/make-fixtures.sh).
package enum Fixtures {
    /// Tests/Fixtures, found from this file's place in Tests/SockDiagTestSupport/Fixtures.
    package static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("Fixtures")

    package static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    package static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// Decodes captured reply bytes the way a live dump is decoded.
    package static func decode(
        _ bytes: [UInt8],
        transport: TransportProtocol,
        boundInactiveRequested: Bool = false
    ) throws -> [Socket] {
        var sockets: [Socket] = []
        try bytes.withUnsafeBytes { raw in
            try SocketInspector.decode(
                capturedDump: raw,
                transport: transport,
                boundInactiveRequested: boundInactiveRequested
            ) { sockets.append($0) }
        }
        return sockets
    }

    /// A raw ICMP socket as raw_diag or /proc/net/raw report it: protocol 1 as the local port, unconnected.
    package static let icmpSocket = Socket(
        transport: .raw,
        family: .inet,
        state: .closed,
        local: Endpoint(address: .v4(IPv4Address(rawValue: 0)), port: 1),
        peer: Endpoint(address: .v4(IPv4Address(rawValue: 0)), port: 0),
        inode: 42
    )

    /// Decodes captured UNIX_DIAG reply bytes the way a live dump is decoded.
    package static func decodeUnix(_ bytes: [UInt8]) throws -> [UnixSocket] {
        var sockets: [UnixSocket] = []
        try bytes.withUnsafeBytes { raw in
            try SocketInspector.decode(capturedUnixDump: raw) { sockets.append($0) }
        }
        return sockets
    }

    /// Decodes captured NETLINK_DIAG reply bytes the way a live dump is decoded.
    package static func decodeNetlink(_ bytes: [UInt8]) throws -> [NetlinkSocketEntry] {
        var sockets: [NetlinkSocketEntry] = []
        try bytes.withUnsafeBytes { raw in
            try SocketInspector.decode(capturedNetlinkDump: raw) { sockets.append($0) }
        }
        return sockets
    }

    /// Decodes captured PACKET_DIAG reply bytes the way a live dump is decoded.
    package static func decodePacket(_ bytes: [UInt8]) throws -> [PacketSocket] {
        var sockets: [PacketSocket] = []
        try bytes.withUnsafeBytes { raw in
            try SocketInspector.decode(capturedPacketDump: raw) { sockets.append($0) }
        }
        return sockets
    }

    /// Every socket in the four `*-all.bin` captures, in ss's order (udp, then tcp; inet, then inet6).
    package static func allSockets() throws -> [Socket] {
        try decode(bytes("udp4-all.bin"), transport: .udp) + decode(bytes("udp6-all.bin"), transport: .udp)
            + decode(bytes("tcp4-all.bin"), transport: .tcp) + decode(bytes("tcp6-all.bin"), transport: .tcp)
    }
}
