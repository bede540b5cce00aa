#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension DumpCapture {
    /// The largest capture read (1 GiB, some 4 million sockets with `-i`); a larger file is refused, not loaded.
    public static let maximumSize = 1 << 30

    /// Reads and splits the capture in the regular file at `path`.
    ///
    /// The file is opened non-blocking and must be a regular file: a FIFO without a writer (on which ss hangs), a
    /// directory or a device is refused before anything is read.
    /// - Throws: ``SockDiagError``: `ioFailed` or `permissionDenied` when the file cannot be read, is not a regular
    ///   file or is larger than ``maximumSize``; `malformedMessage` for what ``init(bytes:)`` refuses.
    public init(contentsOfFile path: String) throws(SockDiagError) {
        let descriptor: Int32
        switch valueOrErrno({ path.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) } }) {
        case .success(let value): descriptor = value
        case .failure(let error): throw Self.fileError(path, "\(error)", errno: error)
        }
        defer { close(descriptor) }
        var status = stat()
        guard fstat(descriptor, &status) == 0 else { throw Self.fileError(path, "\(Errno.current)") }
        if let kind = nonRegularKind(status.st_mode) {
            throw Self.fileError(path, "\(kind), not a regular file (a capture is a file, or - for standard input)")
        }
        self = try Self.named(path, bytes: try Self.readAll(descriptor, name: path))
    }

    /// Reads and splits the capture that descriptor `descriptor` (standard input: a file or a pipe) delivers until
    /// its end. A terminal is refused: a capture is binary and would never end.
    /// - Parameter name: The name for error messages, e.g. `standard input`.
    /// - Throws: ``SockDiagError``, as ``init(contentsOfFile:)``.
    public init(readingDescriptor descriptor: Int32, name: String) throws(SockDiagError) {
        if isatty(descriptor) == 1 {
            throw Self.fileError(name, "a terminal; pipe a capture in (sockdiag -D - …) or name its file")
        }
        self = try Self.named(name, bytes: try Self.readAll(descriptor, name: name))
    }

    /// The capture of `bytes`, its errors naming the file.
    private static func named(_ name: String, bytes: [UInt8]) throws(SockDiagError) -> DumpCapture {
        do {
            return try DumpCapture(bytes: bytes)
        } catch {
            throw SockDiagError(code: error.code, errno: error.errno, operation: error.operation, message: "\(name): \(error.message)")
        }
    }

    /// Every byte `descriptor` delivers, up to ``maximumSize``.
    private static func readAll(_ descriptor: Int32, name: String) throws(SockDiagError) -> [UInt8] {
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 1 << 16)
        while true {
            let result = chunk.withUnsafeMutableBytes { buffer in
                valueOrErrno { read(descriptor, buffer.baseAddress, buffer.count) }
            }
            switch result {
            case .failure(let error):
                throw fileError(name, "\(error)", errno: error)
            case .success(0):
                return bytes
            case .success(let count):
                guard bytes.count + count <= maximumSize else {
                    throw fileError(name, "larger than \(maximumSize >> 20) MiB; not a capture this tool reads whole")
                }
                bytes += chunk[..<count]
            }
        }
    }

    private static func fileError(_ name: String, _ detail: String, errno: Errno? = nil) -> SockDiagError {
        let denied = errno == .permissionDenied || errno == .notPermitted
        return SockDiagError(
            code: denied ? .permissionDenied : .ioFailed,
            errno: errno,
            operation: "read capture \(name)",
            message: "\(name): \(detail)"
        )
    }
}
