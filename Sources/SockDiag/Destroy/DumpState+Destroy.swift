internal import CSockDiag

extension DumpState {
    /// Sends a `SOCK_DESTROY` request for `socket` and returns the kernel's answer: `nil` for an acknowledgment, or
    /// the error number it refused with.
    /// - Throws: ``SockDiagError`` when sending or receiving failed.
    mutating func destroy(_ socket: Socket) throws -> Errno? {
        try exchange(
            label: "destroy \(socket.transport) socket",
            send: { handle, buffer, sequence in
                let length = DestroyRequest.write(socket, sequence: sequence, to: buffer)
                return CSockDiag_send(handle, buffer.baseAddress, length)
            },
            handler: { _ in }
        )
    }
}
