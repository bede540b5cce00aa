import Foundation
import SockDiag
import Testing

/// One socket reduced to what both ss and sockdiag print: netid, ss's state word, and the two endpoints.
struct SocketRow: Hashable, Sendable, Comparable, CustomStringConvertible {
    var netid: String
    /// As ss prints it: `ESTAB`, `LISTEN`, `TIME-WAIT`, `UNCONN` …
    var state: String
    /// Without brackets and `%interface`; `*` (ss's dual-stack wildcard) unless normalized to `::`.
    var localAddress: String
    var localPort: UInt16
    var peerAddress: String
    var peerPort: UInt16

    var description: String { "\(netid) \(state) \(localAddress) \(localPort) \(peerAddress) \(peerPort)" }

    static func < (lhs: SocketRow, rhs: SocketRow) -> Bool { lhs.description < rhs.description }

    /// The row with ss's `*` wildcard written as `::`.
    var wildcardAsAny: SocketRow {
        var row = self
        if row.localAddress == "*" { row.localAddress = "::" }
        if row.peerAddress == "*" { row.peerAddress = "::" }
        return row
    }
}

/// Parsing and normalizing ss's table, sockdiag's table and JSON, and the tests' own expectations.
enum SocketRows {
    /// sockdiag's JSON state names to ss's State column, written here rather than taken from the library.
    static let ssWordByJSONState: [String: String] = [
        "established": "ESTAB", "syn-sent": "SYN-SENT", "syn-recv": "SYN-RECV", "fin-wait-1": "FIN-WAIT-1",
        "fin-wait-2": "FIN-WAIT-2", "time-wait": "TIME-WAIT", "closed": "UNCONN", "close-wait": "CLOSE-WAIT",
        "last-ack": "LAST-ACK", "listening": "LISTEN", "closing": "CLOSING", "bound-inactive": "UNCONN",
    ]

    /// Parses table rows (`ss -H`, or sockdiag's table without its header): netid, state, two queues, local,
    /// peer; further columns (ss's Process) are ignored.
    /// - Parameter netid: The netid of rows without that column (ss leaves it out when it lists one protocol).
    static func parseTable(_ text: String, netid: String? = nil) throws -> [SocketRow] {
        try text.split(separator: "\n").map { line in
            var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if let netid, let first = fields.first, first != "tcp" && first != "udp" {
                fields.insert(Substring(netid), at: 0)
            }
            guard fields.count >= 6 else { throw HelperError("short table row: \(line)") }
            let local = try endpoint(fields[4], in: line)
            let peer = try endpoint(fields[5], in: line)
            return SocketRow(
                netid: String(fields[0]),
                state: String(fields[1]),
                localAddress: local.address,
                localPort: local.port,
                peerAddress: peer.address,
                peerPort: peer.port
            )
        }
    }

    /// Splits `address[%interface]:port` (IPv6 in brackets, `*` for the wildcard and for port 0).
    static func endpoint(_ text: Substring, in line: Substring) throws -> (address: String, port: UInt16) {
        guard let colon = text.lastIndex(of: ":") else { throw HelperError("no port in '\(text)' of: \(line)") }
        var address = text[..<colon]
        let portText = text[text.index(after: colon)...]
        if let percent = address.firstIndex(of: "%") { address = address[..<percent] }
        if address.hasPrefix("["), address.hasSuffix("]") { address = address.dropFirst().dropLast() }
        let port: UInt16
        if portText == "*" {
            port = 0
        } else if let number = UInt16(portText) {
            port = number
        } else {
            throw HelperError("bad port in '\(text)' of: \(line)")
        }
        return (String(address), port)
    }

    /// Decodes sockdiag's `--json` output.
    static func decodeJSON(_ text: String) throws -> [JSONSocket] {
        try JSONDecoder().decode([JSONSocket].self, from: Data(text.utf8))
    }

    /// A JSON object as an ss row (the wildcard as `::`).
    static func row(_ socket: JSONSocket) throws -> SocketRow {
        guard let state = ssWordByJSONState[socket.state] else {
            throw HelperError("unknown state '\(socket.state)' in sockdiag's JSON")
        }
        return SocketRow(
            netid: socket.transport,
            state: state,
            localAddress: socket.local.address,
            localPort: socket.local.port,
            peerAddress: socket.peer.address,
            peerPort: socket.peer.port
        )
    }

    /// What the test made, as an ss row (the wildcard as `::`).
    static func row(_ socket: ExpectedSocket) -> SocketRow {
        SocketRow(
            netid: socket.transport,
            state: ssWordByJSONState[socket.state.filterName] ?? "?",
            localAddress: socket.local.address,
            localPort: socket.local.port,
            peerAddress: socket.peer.address,
            peerPort: socket.peer.port
        )
    }

    /// A library socket in the form of the tests' expectations.
    static func expected(_ socket: Socket) -> ExpectedSocket? {
        guard let state = KernelState(rawValue: socket.state.rawValue) else { return nil }
        return ExpectedSocket(
            transport: socket.transport == .tcp ? "tcp" : "udp",
            state: state,
            local: SocketAddress(socket.local.address.description, socket.local.port),
            peer: SocketAddress(socket.peer.address.description, socket.peer.port)
        )
    }

    /// A readable difference between two sorted row lists, for failure messages.
    static func difference<T: Hashable & CustomStringConvertible>(
        _ left: [T],
        _ right: [T],
        _ leftName: String,
        _ rightName: String
    ) -> String {
        var remaining = right
        var onlyLeft: [T] = []
        for item in left {
            if let index = remaining.firstIndex(of: item) {
                remaining.remove(at: index)
            } else {
                onlyLeft.append(item)
            }
        }
        return
            "only in \(leftName): \(onlyLeft.map(\.description))\nonly in \(rightName): \(remaining.map(\.description))"
    }
}

/// Expects two sorted lists to be equal; on failure names only the elements that differ.
func expectSame<T: Hashable & CustomStringConvertible>(
    _ left: [T],
    _ right: [T],
    _ leftName: String,
    _ rightName: String,
    _ context: String = "",
    sourceLocation: SourceLocation = #_sourceLocation
) {
    let same = left == right
    #expect(
        same,
        "\(context)\(SocketRows.difference(left, right, leftName, rightName))",
        sourceLocation: sourceLocation
    )
}

/// One element of sockdiag's `--json` array.
struct JSONSocket: Decodable, Sendable {
    struct End: Decodable, Sendable {
        var address: String
        var port: UInt16
    }

    struct Timer: Decodable, Sendable {
        var kind: String
        var expiresMilliseconds: UInt32
        var retransmits: UInt8

        enum CodingKeys: String, CodingKey {
            case kind
            case expiresMilliseconds = "expires_ms"
            case retransmits
        }
    }

    var transport: String
    var family: String
    var state: String
    var local: End
    var peer: End
    var inode: UInt64
    var v6only: Bool?
    var timer: Timer

    enum CodingKeys: String, CodingKey {
        case transport = "protocol"
        case family, state, local, peer, inode, v6only, timer
    }
}
