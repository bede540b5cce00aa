/// The records `getdents64(2)` fills a buffer with (`struct linux_dirent64`: `d_ino` at 0, `d_off` at 8, `d_reclen`
/// at 16, `d_type` at 18, the NUL-terminated `d_name` at 19).
enum DirectoryRecords {
    /// The NUL-terminated name of the `linux_dirent64` record at `offset`, and the offset of the next record.
    static func entry(
        in buffer: UnsafeMutableRawBufferPointer,
        at offset: Int,
        filled: Int,
        path: @autoclosure () -> String
    ) throws(SockDiagError) -> (UnsafePointer<UInt8>, Int) {
        guard offset + 20 <= filled else { throw malformedDirectory(path()) }
        let length = Int(buffer.loadUnaligned(fromByteOffset: offset + 16, as: UInt16.self))
        // A record is at least its 19-byte header and a NUL, and the name's NUL lies inside it. (The padding after
        // the NUL is whatever the buffer held before: the kernel does not clear it.)
        guard length >= 20, offset + length <= filled else { throw malformedDirectory(path()) }
        var end = offset + 19
        while end < offset + length && buffer[end] != 0 { end += 1 }
        guard end < offset + length else { throw malformedDirectory(path()) }
        let name = UnsafePointer((buffer.baseAddress! + offset + 19).assumingMemoryBound(to: UInt8.self))
        return (name, offset + length)
    }

    /// The error for a record that does not hold together.
    static func malformedDirectory(_ path: String) -> SockDiagError {
        SockDiagError(
            code: .malformedMessage,
            operation: "read directory \(path)",
            message: "read directory \(path): getdents64 returned a malformed record"
        )
    }
}
