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

    /// Opens `path` read-only and close-on-exec.
    ///
    /// The corresponding C function is `open(2)`.
    /// - Throws: ``SockDiagError`` (`procUnavailable`, `permissionDenied`, `ioFailed`).
    init(path: String) throws(SockDiagError) {
        descriptor = try procSystemCall("open", path: path) {
            path.withCString { open($0, O_RDONLY | O_CLOEXEC) }
        }
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
