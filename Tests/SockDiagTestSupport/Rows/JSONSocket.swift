/// One element of sockdiag's `--json` array.
package struct JSONSocket: Decodable, Sendable {
    package struct End: Decodable, Sendable {
        package var address: String
        package var port: UInt16
    }

    package struct Timer: Decodable, Sendable {
        package var kind: String
        package var expiresMilliseconds: UInt32
        package var retransmits: UInt8

        enum CodingKeys: String, CodingKey {
            case kind
            case expiresMilliseconds = "expires_ms"
            case retransmits
        }
    }

    package var transport: String
    package var family: String
    package var state: String
    package var local: End
    package var peer: End
    package var inode: UInt64
    package var v6only: Bool?
    package var timer: Timer

    enum CodingKeys: String, CodingKey {
        case transport = "protocol"
        case family, state, local, peer, inode, v6only, timer
    }
}
