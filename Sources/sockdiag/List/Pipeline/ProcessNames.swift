#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Process names by id, as ss prints a netlink socket's owner: the `comm` between the parentheses of
/// `/proc/PID/stat` (up to the first `)`, as ss's `%[^)]`), looked up once per id. The CLI is single-threaded: the
/// cache is not locked.
final class ProcessNames: @unchecked Sendable {
    private var names: [UInt32: [UInt8]?] = [:]

    /// The name of process `pid`, or `nil` when there is no such process.
    func name(of pid: UInt32) -> [UInt8]? {
        if let known = names[pid] { return known }
        let name = Self.readName(pid)
        names[pid] = name
        return name
    }

    private static func readName(_ pid: UInt32) -> [UInt8]? {
        let descriptor = open("/proc/\(pid)/stat", O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else { return nil }
        defer { close(descriptor) }
        var bytes = [UInt8](repeating: 0, count: 128)
        let count = bytes.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
        guard count > 0 else { return nil }
        let text = bytes[..<count]
        guard let open = text.firstIndex(of: UInt8(ascii: "(")),
            let close = text[(open + 1)...].firstIndex(of: UInt8(ascii: ")")), close > open + 1
        else { return nil }
        return Array(text[(open + 1)..<close])
    }
}
