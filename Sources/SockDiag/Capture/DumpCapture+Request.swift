extension DumpCapture {
    /// What one dump of a capture asked the kernel for, as recorded after its replies: a netlink message with
    /// `NLM_F_REQUEST | NLM_F_DUMP` and the request sockdiag sent, without its filter program (captures are taken
    /// without one): an `inet_diag_req_v2` (`sdiag_family` 0 for TCP over both families) or a `unix_diag_req`.
    public struct Request: Sendable, Hashable {
        /// The protocol; `nil` for UNIX sockets.
        public var transport: TransportProtocol?
        /// The family; `nil` for both (and for UNIX sockets).
        public var family: AddressFamily?
        /// The states asked for (`idiag_states`, `udiag_states`); `nil` when not recorded (ss's captures).
        public var states: StateSet?
        /// The extensions asked for (`idiag_ext`); `nil` when not recorded.
        public var extensions: SocketExtensions?

        /// Creates a request description.
        public init(
            transport: TransportProtocol?,
            family: AddressFamily?,
            states: StateSet?,
            extensions: SocketExtensions?
        ) {
            self.transport = transport
            self.family = family
            self.states = states
            self.extensions = extensions
        }

        /// What ss's captures hold without saying so: TCP (ss's reader assumes it), IPv4 and IPv6 dumps.
        static let ssTCP = Request(transport: .tcp, family: nil, states: nil, extensions: nil)

        /// Whether the request asked for bound-inactive TCP sockets, which the kernel then reports as `TCP_CLOSE`.
        var boundInactiveRequested: Bool { states?.contains(.boundInactive) ?? false }

        static let sockDiagByFamily: UInt16 = 20
        static let flags: UInt16 = 0x0001 | 0x0300
        static let unixFamily: UInt8 = 1
        /// `sizeof(struct inet_diag_req_v2)`, `sizeof(struct unix_diag_req)`.
        static let inetLength = 56
        static let unixLength = 24

        /// Reads a recorded request (the payload of the message at byte `offset`).
        init(recorded payload: UnsafeRawBufferPointer, at offset: Int) throws(SockDiagError) {
            guard payload.count >= 8 else {
                throw DumpCapture.malformed("the request recorded at byte \(offset) is \(payload.count) bytes long")
            }
            let family = payload[0]
            let states = StateSet(rawValue: payload.loadUnaligned(fromByteOffset: 4, as: UInt32.self))
            if family == Self.unixFamily {
                self.init(transport: nil, family: nil, states: states, extensions: nil)
                return
            }
            guard let transport = TransportProtocol(rawValue: UInt16(payload[1])),
                family == 0 || AddressFamily(rawValue: family) != nil
            else {
                throw DumpCapture.malformed(
                    "the request recorded at byte \(offset) asks for family \(family), protocol \(payload[1])"
                )
            }
            self.init(
                transport: transport,
                family: AddressFamily(rawValue: family),
                states: states,
                extensions: SocketExtensions(rawValue: payload[2])
            )
        }

        /// The request as a netlink message, to write after its dump's replies.
        var message: [UInt8] {
            let payloadLength = transport == nil ? Self.unixLength : Self.inetLength
            var bytes = [UInt8](repeating: 0, count: DumpCapture.headerLength + payloadLength)
            bytes.withUnsafeMutableBytes { raw in
                raw.storeBytes(of: UInt32(raw.count), toByteOffset: 0, as: UInt32.self)
                raw.storeBytes(of: Self.sockDiagByFamily, toByteOffset: 4, as: UInt16.self)
                raw.storeBytes(of: Self.flags, toByteOffset: 6, as: UInt16.self)
                let payload = DumpCapture.headerLength
                raw[payload] = transport == nil ? Self.unixFamily : family?.rawValue ?? 0
                raw[payload + 1] = UInt8(truncatingIfNeeded: transport?.rawValue ?? 0)
                raw[payload + 2] = extensions?.rawValue ?? 0
                raw.storeBytes(of: states?.rawValue ?? 0, toByteOffset: payload + 4, as: UInt32.self)
                if transport == nil {
                    // udiag_show, after udiag_ino.
                    raw.storeBytes(of: UnixDiagParser.show, toByteOffset: payload + 12, as: UInt32.self)
                }
            }
            return bytes
        }
    }
}
