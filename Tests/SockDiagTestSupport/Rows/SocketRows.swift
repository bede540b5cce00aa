import Foundation
import SockDiag

/// Parsing and normalizing ss's table, sockdiag's table and JSON, and the tests' own expectations.
package enum SocketRows {
    /// sockdiag's JSON state names to ss's State column, from ``KernelState`` rather than the library.
    package static let ssWordByJSONState: [String: String] = Dictionary(
        uniqueKeysWithValues: KernelState.allCases.map { ($0.filterName, $0.ssWord) }
    )

    /// Parses table rows (`ss -H`, or sockdiag's table without its header): netid, state, two queues, local,
    /// peer; further columns (ss's Process) are ignored.
    /// - Parameters:
    ///   - netid: The netid of rows without that column (ss leaves it out when it lists one protocol).
    ///   - state: The state of rows without that column (ss leaves it out when one state is selected).
    ///   - queues: Whether the rows keep Recv-Q and Send-Q.
    package static func parseTable(
        _ text: String,
        netid: String? = nil,
        state: String? = nil,
        queues: Bool = false
    ) throws -> [SocketRow] {
        try text.split(separator: "\n").map { line in
            var fields = line.split(whereSeparator: { $0 == " " || $0 == "\t" })
            if let netid, let first = fields.first, first != "tcp" && first != "udp" {
                fields.insert(Substring(netid), at: 0)
            }
            if let state, !fields.isEmpty { fields.insert(Substring(state), at: 1) }
            guard fields.count >= 6 else { throw HelperError("short table row: \(line)") }
            let local = try endpoint(fields[4], in: line)
            let peer = try endpoint(fields[5], in: line)
            var row = SocketRow(
                netid: String(fields[0]),
                state: String(fields[1]),
                localAddress: local.address,
                localPort: local.port,
                peerAddress: peer.address,
                peerPort: peer.port
            )
            if queues {
                guard let receiveQueue = UInt32(fields[2]), let sendQueue = UInt32(fields[3]) else {
                    throw HelperError("bad queues in: \(line)")
                }
                (row.receiveQueue, row.sendQueue) = (receiveQueue, sendQueue)
            }
            return row
        }
    }

    /// Splits `address[%interface]:port` (IPv6 in brackets, `*` for the wildcard and for port 0).
    package static func endpoint(_ text: Substring, in line: Substring) throws -> (address: String, port: UInt16) {
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
    package static func decodeJSON(_ text: String) throws -> [JSONSocket] {
        try JSONDecoder().decode([JSONSocket].self, from: Data(text.utf8))
    }

    /// A JSON object as an ss row (the wildcard as `::`).
    package static func row(_ socket: JSONSocket) throws -> SocketRow {
        try row(transport: socket.transport, state: socket.state, local: socket.local, peer: socket.peer)
    }

    /// The keys of a JSON object as an ss row (the wildcard as `::`).
    package static func row(
        transport: String,
        state: String,
        local: JSONSocket.End,
        peer: JSONSocket.End
    ) throws -> SocketRow {
        guard let word = ssWordByJSONState[state] else {
            throw HelperError("unknown state '\(state)' in sockdiag's JSON")
        }
        return SocketRow(
            netid: transport,
            state: word,
            localAddress: local.address,
            localPort: local.port,
            peerAddress: peer.address,
            peerPort: peer.port
        )
    }

    /// What the test made, as an ss row (the wildcard as `::`).
    package static func row(_ socket: ExpectedSocket) -> SocketRow {
        SocketRow(
            netid: socket.transport,
            state: socket.state.ssWord,
            localAddress: socket.local.address,
            localPort: socket.local.port,
            peerAddress: socket.peer.address,
            peerPort: socket.peer.port
        )
    }

    /// A library socket in the form of the tests' expectations.
    package static func expected(_ socket: Socket) -> ExpectedSocket? {
        guard let state = KernelState(rawValue: socket.state.rawValue) else { return nil }
        return ExpectedSocket(
            transport: socket.transport == .tcp ? "tcp" : "udp",
            state: state,
            local: SocketAddress(socket.local.address.description, socket.local.port),
            peer: SocketAddress(socket.peer.address.description, socket.peer.port)
        )
    }

    /// A readable difference between two sorted row lists, for failure messages.
    package static func difference<T: Hashable & CustomStringConvertible>(
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
