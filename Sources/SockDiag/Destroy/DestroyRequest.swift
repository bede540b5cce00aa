/// A `SOCK_DESTROY` request for one socket: an `nlmsghdr` and an `inet_diag_req_v2` naming the socket by its
/// family, protocol, state, full `inet_diag_sockid` and cookie, acknowledged (`NLM_F_REQUEST | NLM_F_ACK`).
///
/// Layout (72 bytes; the offsets are checked by `_Static_assert`s in the C shim): the 16-byte header (length, type
/// 21, flags 5, sequence, port id 0), then family, protocol, extensions 0, the raw protocol of a raw socket (the
/// `pad` byte, `sdiag_raw_protocol` for raw_diag), the `idiag_states` bit of the socket's state, and the 48-byte
/// `inet_diag_sockid` (ports and addresses in network order, interface and cookie halves in host order), as
/// ``InetDiagMessage`` reads it from a reply. The kernel finds the socket by its addresses, ports and interface and
/// refuses (`ENOENT`) when the socket it finds has another cookie: a socket that took the place of the one dumped is
/// never destroyed in its stead.
enum DestroyRequest {
    /// `SOCK_DESTROY` (include/uapi/linux/sock_diag.h).
    static let messageType: UInt16 = 21
    /// `NLM_F_REQUEST | NLM_F_ACK`.
    static let flags: UInt16 = 0x1 | 0x4
    /// `nlmsghdr` + `inet_diag_req_v2`.
    static let size = 16 + 56

    /// Writes the request for `socket` at the start of `buffer` and returns its length (``size``), or 0 when the
    /// buffer is too small.
    static func write(_ socket: Socket, sequence: UInt32, to buffer: UnsafeMutableRawBufferPointer) -> Int {
        guard buffer.count >= size else { return 0 }
        let request = UnsafeMutableRawBufferPointer(rebasing: buffer[..<size])
        request.initializeMemory(as: UInt8.self, repeating: 0)
        request.storeBytes(of: UInt32(size), toByteOffset: 0, as: UInt32.self)
        request.storeBytes(of: messageType, toByteOffset: 4, as: UInt16.self)
        request.storeBytes(of: flags, toByteOffset: 6, as: UInt16.self)
        request.storeBytes(of: sequence, toByteOffset: 8, as: UInt32.self)
        let body = 16
        request[body] = socket.family.rawValue
        request[body + 1] = UInt8(truncatingIfNeeded: socket.transport.rawValue)
        request[body + 3] = socket.ipProtocol ?? 0
        request.storeBytes(of: StateSet(socket.state).rawValue, toByteOffset: body + 4, as: UInt32.self)
        let id = body + 8
        request.storeBytes(of: socket.local.port.bigEndian, toByteOffset: id, as: UInt16.self)
        request.storeBytes(of: socket.peer.port.bigEndian, toByteOffset: id + 2, as: UInt16.self)
        writeAddress(socket.local.address, to: request, at: id + 4)
        writeAddress(socket.peer.address, to: request, at: id + 20)
        request.storeBytes(of: socket.interfaceIndex, toByteOffset: id + 36, as: UInt32.self)
        request.storeBytes(of: UInt32(truncatingIfNeeded: socket.cookie), toByteOffset: id + 40, as: UInt32.self)
        request.storeBytes(of: UInt32(truncatingIfNeeded: socket.cookie >> 32), toByteOffset: id + 44, as: UInt32.self)
        return size
    }

    /// The request for `socket` as bytes (for tests and captures).
    static func bytes(for socket: Socket, sequence: UInt32) -> [UInt8] {
        [UInt8](unsafeUninitializedCapacity: size) { buffer, count in
            count = write(socket, sequence: sequence, to: UnsafeMutableRawBufferPointer(buffer))
        }
    }

    /// Writes an address in network order: 4 bytes for IPv4, 16 for IPv6 (the rest of the 16-byte field stays 0).
    private static func writeAddress(_ address: IPAddress, to request: UnsafeMutableRawBufferPointer, at offset: Int) {
        switch address {
        case .v4(let v4):
            request.storeBytes(of: v4.rawValue.bigEndian, toByteOffset: offset, as: UInt32.self)
        case .v6(let v6):
            request.storeBytes(of: v6.high.bigEndian, toByteOffset: offset, as: UInt64.self)
            request.storeBytes(of: v6.low.bigEndian, toByteOffset: offset + 8, as: UInt64.self)
        }
    }
}
