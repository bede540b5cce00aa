#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Calls `body`, a C function that returns `-1` and sets `errno` on failure, again while it fails with `EINTR`.
///
/// Every raw system call whose failure is looked at goes through here, or through ``retryingOnInterrupt(_:_:)`` or
/// ``procSystemCall(_:path:_:)`` that turn the error number into a ``SockDiagError``: no caller writes its own
/// `EINTR` loop (the CLI's output writer included: the function has `package` access).
/// - Parameter body: The call, e.g. `{ openat(directory, path, O_RDONLY) }`.
/// - Returns: What `body` returned, or the error number it left when it returned `-1`.
@inline(__always)
package func valueOrErrno<Value: FixedWidthInteger>(_ body: () -> Value) -> Result<Value, Errno> {
    while true {
        let value = body()
        if value != -1 { return .success(value) }
        let error = Errno.current
        if error != .interrupted { return .failure(error) }
    }
}

/// Calls `body`, retrying while it fails with `EINTR`, and turns `-1` into a ``SockDiagError`` that names
/// `operation` (classified by ``SockDiagError/fromErrno(_:operation:)``).
@inline(__always)
func retryingOnInterrupt<Value: FixedWidthInteger>(
    _ operation: @autoclosure () -> String,
    _ body: () -> Value
) throws(SockDiagError) -> Value {
    switch valueOrErrno(body) {
    case .success(let value): return value
    case .failure(let error): throw SockDiagError.fromErrno(error, operation: operation())
    }
}

/// Calls `body`, retrying while it fails with `EINTR`, and turns `-1` into a ``SockDiagError`` that names the
/// operation and the path (classified by ``SockDiagError/fromProcErrno(_:operation:path:)``).
@inline(__always)
func procSystemCall<Value: FixedWidthInteger>(
    _ operation: @autoclosure () -> String,
    path: @autoclosure () -> String,
    _ body: () -> Value
) throws(SockDiagError) -> Value {
    switch valueOrErrno(body) {
    case .success(let value): return value
    case .failure(let error): throw SockDiagError.fromProcErrno(error, operation: operation(), path: path())
    }
}
