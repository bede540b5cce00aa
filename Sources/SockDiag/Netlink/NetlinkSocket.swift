internal import CSockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// An open NETLINK_SOCK_DIAG socket; closed when the value is destroyed.
struct NetlinkSocket: ~Copyable {
    /// The libmnl handle (`struct mnl_socket *`).
    let handle: OpaquePointer

    /// Kernel receive buffer requested for the socket (iproute2 uses the same).
    static let receiveBufferSize: Int32 = 1 << 20

    /// Opens and binds a socket in the calling thread's network namespace.
    ///
    /// The corresponding C function is `CSockDiag_open` (`mnl_socket_open2` + `mnl_socket_bind`).
    /// - Throws: ``SockDiagError`` (`socketUnavailable`, `permissionDenied`, `moduleNotLoaded`).
    init() throws(SockDiagError) {
        guard let handle = CSockDiag_open(Self.receiveBufferSize) else {
            let error = SockDiagError.fromErrno(.current, operation: "open NETLINK_SOCK_DIAG socket")
            if error.code == .ioFailed {
                throw SockDiagError(
                    code: .socketUnavailable,
                    errno: error.errno,
                    operation: error.operation,
                    message: error.message
                )
            }
            throw error
        }
        self.handle = handle
    }

    /// Takes over a handle that ``release()`` gave up.
    init(adopting handle: OpaquePointer) {
        self.handle = handle
    }

    /// Gives up the handle without closing it (to hand it to another thread, which adopts it).
    consuming func release() -> OpaquePointer {
        let handle = self.handle
        discard self
        return handle
    }

    deinit {
        CSockDiag_close(handle)
    }
}
