/// One netlink attribute (`struct nlattr`), read in place: valid as long as the message it was read from.
struct NetlinkAttribute {
    /// The type, without the `NLA_F_NESTED` and `NLA_F_NET_BYTEORDER` flag bits.
    let type: UInt16
    /// The bytes after the 4-byte header: `nla_len - 4` of them, without the padding to the next attribute.
    let payload: UnsafeRawBufferPointer

    /// The size of `struct nlattr`.
    static let headerSize = 4
    /// Mask of the type bits of `nla_type` (`NLA_TYPE_MASK`).
    static let typeMask: UInt16 = 0x3FFF

    /// The payload's first bytes as an integer in host byte order; `nil` when the payload is shorter.
    @inline(__always)
    func value<Value: FixedWidthInteger>(_: Value.Type) -> Value? {
        payload.count >= MemoryLayout<Value>.size ? payload.loadUnaligned(as: Value.self) : nil
    }

    /// Decodes the payload with `decoder`, one of the attribute decoders beside the models (such as
    /// `SocketMemory.Queues.init(meminfo:)`), which returns `nil` for a payload of the wrong size.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` when `decoder` returns `nil`.
    @inline(__always)
    func decode<Value>(_ decoder: (UnsafeRawBufferPointer) -> Value?) throws(SockDiagError) -> Value {
        guard let value = decoder(payload) else { throw invalidSize() }
        return value
    }

    /// The error for a payload whose size is not valid for the attribute's type.
    @inline(never)
    func invalidSize() -> SockDiagError {
        .malformed("attribute \(type) has a payload of \(payload.count) bytes, which is not a valid size for it")
    }
}

/// The attributes that follow a message's fixed header, in order, read in place without allocating.
///
/// Attributes start 4-byte aligned (`NLA_ALIGN`); every length is checked against the bytes left, and the walk
/// stops at the first malformed one, throwing.
struct NetlinkAttributes {
    private let message: UnsafeRawBufferPointer
    private var offset: Int

    /// The attributes of `message`, which start `headerSize` bytes in (after the fixed header).
    @inline(__always)
    init(in message: UnsafeRawBufferPointer, after headerSize: Int) {
        self.message = message
        self.offset = headerSize
    }

    /// The next attribute, or `nil` after the last one.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` when the bytes left are too few for an attribute
    ///   header, or an attribute's length is shorter than its header or runs past the message. The walk ends there.
    @inline(__always)
    mutating func next() throws(SockDiagError) -> NetlinkAttribute? {
        let remaining = message.count - offset
        guard remaining > 0 else { return nil }
        guard remaining >= NetlinkAttribute.headerSize else { throw stop(length: nil) }
        let length = Int(message.loadUnaligned(fromByteOffset: offset, as: UInt16.self))
        let type = message.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & NetlinkAttribute.typeMask
        guard length >= NetlinkAttribute.headerSize, length <= remaining else { throw stop(length: length) }
        let payload = UnsafeRawBufferPointer(
            rebasing: message[(offset + NetlinkAttribute.headerSize)..<(offset + length)]
        )
        offset += (length + 3) & ~3
        return NetlinkAttribute(type: type, payload: payload)
    }

    /// Ends the walk at the malformed attribute at `offset` (with `length`, `nil` when not even its header fits)
    /// and returns the error that says so.
    @inline(never)
    private mutating func stop(length: Int?) -> SockDiagError {
        let error: SockDiagError
        if let length {
            let type = message.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) & NetlinkAttribute.typeMask
            error = .malformed("attribute \(type) of length \(length) at offset \(offset) of \(message.count)")
        } else {
            error = .malformed("\(message.count - offset) stray bytes after the last attribute")
        }
        offset = message.count
        return error
    }
}

extension UnsafeRawBufferPointer {
    /// The `index`th 32-bit word, in host byte order: the attribute payloads that are arrays of u32 (skmem, meminfo,
    /// vegas, dctcp, bbr).
    @inline(__always)
    func word(_ index: Int) -> UInt32 {
        loadUnaligned(fromByteOffset: 4 * index, as: UInt32.self)
    }
}
