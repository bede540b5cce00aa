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

    /// Decodes a captured `vsock_diag` dump exactly as a live reply is decoded.
    /// - Throws: ``SockDiagError``, or what `body` throws.
    public static func decode(
        capturedVsockDump bytes: UnsafeRawBufferPointer,
        _ body: (VsockSocket) throws -> Void
    ) throws {
        try runCapturedDump(bytes, operation: "decode captured dump") { payload in
            try body(VsockXDPDiagParser.parseVsock(payload))
        }
    }

    /// Decodes a captured `xdp_diag` dump exactly as a live reply is decoded.
    /// - Throws: ``SockDiagError``, or what `body` throws.
    public static func decode(capturedXDPDump bytes: UnsafeRawBufferPointer, _ body: (XDPSocket) throws -> Void) throws
    {
        try runCapturedDump(bytes, operation: "decode captured dump") { payload in
            try body(VsockXDPDiagParser.parseXDP(payload))
        }
    }
}
