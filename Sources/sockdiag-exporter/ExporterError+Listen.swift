import NIOCore

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension ExporterError {
    /// Binding the listener to `address` failed: `cannot listen on ADDRESS: REASON`, the reason in the system's
    /// words for the error number (an `IOError`'s own description names NIO's internals, e.g.
    /// `bind(descriptor:ptr:bytes:)`).
    static func cannotListen(on address: ListenAddress, _ error: any Error) -> ExporterError {
        let reason = (error as? IOError).map { String(cString: strerror($0.errnoCode)) } ?? "\(error)"
        return ExporterError("cannot listen on \(address): \(reason)")
    }
}
