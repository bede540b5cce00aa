import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A reusable byte buffer that formatters append to and that is written to a file descriptor in large chunks.
struct OutputSink: ~Copyable {
    private(set) var bytes: [UInt8]
    let fileDescriptor: Int32
    let flushThreshold: Int
    /// Whether anything has been written out yet.
    private(set) var hasWritten = false

    init(fileDescriptor: Int32, capacity: Int = 1 << 16) {
        self.fileDescriptor = fileDescriptor
        self.flushThreshold = capacity - 512
        self.bytes = []
        self.bytes.reserveCapacity(capacity)
    }

    /// Writes the buffer out once it is nearly full.
    @inline(__always)
    mutating func flushIfNeeded() throws(OutputError) {
        if bytes.count >= flushThreshold { try flush() }
    }

    /// Writes out everything buffered.
    mutating func flush() throws(OutputError) {
        if !bytes.isEmpty { hasWritten = true }
        var written = 0
        let total = bytes.count
        while written < total {
            let result = valueOrErrno {
                bytes.withUnsafeBytes { raw in write(fileDescriptor, raw.baseAddress! + written, total - written) }
            }
            switch result {
            case .success(let count): written += count
            case .failure(let error): throw OutputError(errno: error.rawValue)
            }
        }
        bytes.removeAll(keepingCapacity: true)
    }

    /// Runs `body` to append to the raw byte array.
    @inline(__always)
    mutating func withBytes<T>(_ body: (inout [UInt8]) -> T) -> T { body(&bytes) }
}

/// Writing the output failed.
struct OutputError: Error, CustomStringConvertible {
    let errno: Int32
    var description: String { "write to standard output: \(String(cString: strerror(errno)))" }
}
