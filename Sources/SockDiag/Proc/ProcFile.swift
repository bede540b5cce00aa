#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// A `/proc` file open for reading; closed when the value is destroyed.
struct ProcFile: ~Copyable {
    /// The file descriptor.
    let descriptor: Int32
    /// The path, for error messages.
    let path: String

    /// Opens `path` read-only, close-on-exec and non-blocking, and checks that it is a regular file (as every
    /// `/proc` file is): a FIFO or a device in its place must neither block the reader nor be read.
    ///
    /// The corresponding C functions are `open(2)` and `fstat(2)`.
    /// - Throws: ``SockDiagError`` (`procUnavailable`, also for a file that is not a regular one;
    ///   `permissionDenied`, `ioFailed`).
    init(path: String) throws(SockDiagError) {
        let descriptor = try procSystemCall("open", path: path) {
            path.withCString { open($0, O_RDONLY | O_CLOEXEC | O_NONBLOCK) }
        }
        var status = stat()
        if case .failure(let error) = valueOrErrno({ fstat(descriptor, &status) }) {
            close(descriptor)
            throw .fromProcErrno(error, operation: "fstat", path: path)
        }
        if let kind = nonRegularKind(status.st_mode) {
            close(descriptor)
            throw SockDiagError(
                code: .procUnavailable,
                operation: "open \(path)",
                message: "open \(path): \(kind), not a regular file (is /proc mounted there?)"
            )
        }
        self.descriptor = descriptor
        self.path = path
    }

    deinit {
        close(descriptor)
    }

    /// Reads up to `buffer.count` bytes into `buffer`.
    ///
    /// The corresponding C function is `read(2)`.
    /// - Returns: The number of bytes read; 0 at the end of the file.
    /// - Throws: ``SockDiagError``.
    func read(into buffer: UnsafeMutableRawBufferPointer) throws(SockDiagError) -> Int {
        let descriptor = self.descriptor
        return try procSystemCall("read", path: path) {
            systemRead(descriptor, buffer.baseAddress, buffer.count)
        }
    }
}

/// `read(2)`, under a name that the method `ProcFile.read(into:)` does not shadow.
@inline(__always)
private func systemRead(_ descriptor: Int32, _ buffer: UnsafeMutableRawPointer?, _ count: Int) -> Int {
    read(descriptor, buffer, count)
}

/// What kind of file `mode` (`st_mode`) describes, e.g. "a FIFO", or `nil` for a regular file.
func nonRegularKind(_ mode: mode_t) -> String? {
    switch mode & S_IFMT {
    case S_IFREG: return nil
    case S_IFIFO: return "a FIFO"
    case S_IFDIR: return "a directory"
    case S_IFCHR: return "a character device"
    case S_IFBLK: return "a block device"
    case S_IFSOCK: return "a socket"
    case S_IFLNK: return "a symbolic link"
    default: return "not a regular file"
    }
}
