extension SocketInspector {
    /// Decodes a captured dump (concatenated reply datagrams, up to and including `NLMSG_DONE`) exactly as a
    /// live reply is decoded, e.g. replies saved by ``forEachRawMessage(matching:_:)`` or by a capture tool.
    /// - Parameters:
    ///   - bytes: The reply datagrams.
    ///   - transport: The protocol the request asked for (the replies do not say).
    ///   - boundInactiveRequested: Whether the request set the bound-inactive state bit.
    ///   - body: Called once per socket.
    /// - Throws: ``SockDiagError`` (`malformedMessage` for truncated or malformed bytes, the kernel's error for
    ///   an `NLMSG_ERROR` reply), or what `body` throws.
    public static func decode(
        capturedDump bytes: UnsafeRawBufferPointer,
        transport: TransportProtocol,
        boundInactiveRequested: Bool = false,
        _ body: (Socket) throws -> Void
    ) throws {
        var reuse: SocketDetails.Storage?
        try runCapturedDump(bytes, operation: "decode captured dump") { payload in
            try body(
                InetDiagParser.parse(
                    payload,
                    transport: transport,
                    boundInactiveRequested: boundInactiveRequested,
                    reuse: &reuse
                )
            )
        }
    }

    /// Decodes a captured `UNIX_DIAG` dump (concatenated reply datagrams, up to and including `NLMSG_DONE`)
    /// exactly as a live reply is decoded.
    /// - Parameters:
    ///   - bytes: The reply datagrams.
    ///   - body: Called once per socket.
    /// - Throws: ``SockDiagError`` (`malformedMessage` for truncated or malformed bytes, the kernel's error for
    ///   an `NLMSG_ERROR` reply), or what `body` throws.
    public static func decode(
        capturedUnixDump bytes: UnsafeRawBufferPointer,
        _ body: (UnixSocket) throws -> Void
    ) throws {
        try runCapturedDump(bytes, operation: "decode captured dump") { payload in
            try body(UnixDiagParser.parse(payload))
        }
    }
}
