extension SocketInspector {
    /// Decodes a captured `NETLINK_DIAG` dump (concatenated reply datagrams, up to and including `NLMSG_DONE`)
    /// exactly as a live reply is decoded.
    /// - Parameters:
    ///   - bytes: The reply datagrams.
    ///   - body: Called once per socket.
    /// - Throws: ``SockDiagError`` (`malformedMessage` for truncated or malformed bytes, the kernel's error for an
    ///   `NLMSG_ERROR` reply), or what `body` throws.
    public static func decode(
        capturedNetlinkDump bytes: UnsafeRawBufferPointer,
        _ body: (NetlinkSocketEntry) throws -> Void
    ) throws {
        try runCapturedDump(bytes, operation: "decode captured dump") { payload in
            try body(NetlinkDiagParser.parse(payload))
        }
    }

    /// Decodes a captured `PACKET_DIAG` dump (concatenated reply datagrams, up to and including `NLMSG_DONE`)
    /// exactly as a live reply is decoded.
    /// - Parameters:
    ///   - bytes: The reply datagrams.
    ///   - body: Called once per socket.
    /// - Throws: ``SockDiagError`` (`malformedMessage` for truncated or malformed bytes, the kernel's error for an
    ///   `NLMSG_ERROR` reply), or what `body` throws.
    public static func decode(
        capturedPacketDump bytes: UnsafeRawBufferPointer,
        _ body: (PacketSocket) throws -> Void
    ) throws {
        try runCapturedDump(bytes, operation: "decode captured dump") { payload in
            try body(PacketDiagParser.parse(payload))
        }
    }
}
