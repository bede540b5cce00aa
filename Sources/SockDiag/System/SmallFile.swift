#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads a small text file (up to `limit` bytes), e.g. a /proc/sys value; `nil` when it cannot be read or is not
/// a regular file (opened non-blocking: a FIFO in its place does not block).
func readSmallFile(_ path: String, limit: Int = 4096) -> String? {
    guard case .success(let fd) = valueOrErrno({ open(path, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }) else { return nil }
    defer { close(fd) }
    var status = stat()
    guard fstat(fd, &status) == 0, nonRegularKind(status.st_mode) == nil else { return nil }
    var bytes = [UInt8](repeating: 0, count: limit)
    var count = 0
    while count < bytes.count {
        let filled = count
        let result = bytes.withUnsafeMutableBytes { buffer in
            valueOrErrno { read(fd, buffer.baseAddress! + filled, buffer.count - filled) }
        }
        guard case .success(let length) = result else { return nil }
        if length == 0 { break }
        count += length
    }
    return String(decoding: bytes[..<count], as: UTF8.self)
}
