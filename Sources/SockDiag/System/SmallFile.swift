#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Reads a small text file (up to `limit` bytes), e.g. a /proc/sys value; `nil` when it cannot be read.
func readSmallFile(_ path: String, limit: Int = 4096) -> String? {
    let fd = open(path, O_RDONLY | O_CLOEXEC)
    guard fd >= 0 else { return nil }
    defer { close(fd) }
    var bytes = [UInt8](repeating: 0, count: limit)
    var count = 0
    while count < bytes.count {
        let result = bytes.withUnsafeMutableBytes { read(fd, $0.baseAddress! + count, $0.count - count) }
        if result < 0 {
            if errno == EINTR { continue }
            return nil
        }
        if result == 0 { break }
        count += result
    }
    return String(decoding: bytes[..<count], as: UTF8.self)
}
