import Foundation
@testable import SockDiag

/// Captured dump replies under Tests/Fixtures (see Scripts/make-fixtures.sh).
enum Fixtures {
    static let directory = URL(fileURLWithPath: #filePath)
        .deletingLastPathComponent().deletingLastPathComponent().appendingPathComponent("Fixtures")

    static func bytes(_ name: String) throws -> [UInt8] {
        [UInt8](try Data(contentsOf: directory.appendingPathComponent(name)))
    }

    static func text(_ name: String) throws -> String {
        try String(contentsOf: directory.appendingPathComponent(name), encoding: .utf8)
    }

    /// Decodes captured reply bytes the way a live dump is decoded.
    static func decode(
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

    /// Every socket in the four `*-all.bin` captures, in ss's order (udp, then tcp; inet, then inet6).
    static func allSockets() throws -> [Socket] {
        try decode(bytes("udp4-all.bin"), transport: .udp) + decode(bytes("udp6-all.bin"), transport: .udp)
            + decode(bytes("tcp4-all.bin"), transport: .tcp) + decode(bytes("tcp6-all.bin"), transport: .tcp)
    }
}

/// A socket as ss prints it in `ss -tuanH`, normalised: no brackets, `*` address → `::`, `*` port → 0.
struct SSRow: Hashable, CustomStringConvertible {
    var netid: String
    var state: String
    var recvQ: UInt32
    var sendQ: UInt32
    var local: String
    var localPort: UInt16
    var peer: String
    var peerPort: UInt16

    var description: String { "\(netid) \(state) \(recvQ) \(sendQ) \(local) \(localPort) \(peer) \(peerPort)" }

    /// Parses one line of `ss -tuanH`.
    init?(ssLine line: String) {
        let fields = line.split(separator: " ", omittingEmptySubsequences: true).map(String.init)
        guard fields.count >= 6, let recvQ = UInt32(fields[2]), let sendQ = UInt32(fields[3]) else { return nil }
        func split(_ endpoint: String) -> (String, UInt16)? {
            guard let colon = endpoint.lastIndex(of: ":") else { return nil }
            var address = String(endpoint[..<colon])
            let port = String(endpoint[endpoint.index(after: colon)...])
            if let percent = address.firstIndex(of: "%") { address = String(address[..<percent]) }
            if address.hasPrefix("[") { address = String(address.dropFirst().dropLast()) }
            if address == "*" { address = "::" }
            return (address, port == "*" ? 0 : UInt16(port) ?? 0)
        }
        guard let local = split(fields[4]), let peer = split(fields[5]) else { return nil }
        self.netid = fields[0]
        self.state = fields[1]
        self.recvQ = recvQ
        self.sendQ = sendQ
        self.local = local.0
        self.localPort = local.1
        self.peer = peer.0
        self.peerPort = peer.1
    }

    /// The row ss would print for `socket`; state words from a table written here, not the library's.
    init(_ socket: Socket) {
        let words: [UInt8: String] = [
            1: "ESTAB", 2: "SYN-SENT", 3: "SYN-RECV", 4: "FIN-WAIT-1", 5: "FIN-WAIT-2", 6: "TIME-WAIT", 7: "UNCONN",
            8: "CLOSE-WAIT", 9: "LAST-ACK", 10: "LISTEN", 11: "CLOSING",
        ]
        netid = socket.transport == .tcp ? "tcp" : "udp"
        state = words[socket.state.rawValue] ?? "?"
        recvQ = socket.receiveQueue
        sendQ = socket.sendQueue
        local = socket.local.address.description
        localPort = socket.local.port
        peer = socket.peer.address.description
        peerPort = socket.peer.port
    }
}
