#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `-F FILE`: the filter expression read from a file, as ss reads it: line by line, each line's words after the
/// command line's, lines starting with `#` left out; `-` reads standard input.
enum FilterFile {
    /// The longest line ss accepts (its buffer is 1024 bytes with the newline and the NUL).
    static let maximumLine = 1022

    /// The file's lines that hold filter words, without their newlines.
    /// - Throws: `UsageError` naming the file when it cannot be read, is not text, or has a line over
    ///   ``maximumLine`` bytes.
    static func lines(_ path: String) throws(UsageError) -> [String] {
        let bytes = try contents(path)
        guard !bytes.contains(0) else { throw UsageError("-F \(path): the filter file holds a NUL byte; it must be text") }
        var lines: [String] = []
        for line in bytes.split(separator: UInt8(ascii: "\n"), omittingEmptySubsequences: true) {
            guard line.count <= maximumLine else {
                throw UsageError("-F \(path): a line of \(line.count) bytes is too long (ss reads up to \(maximumLine))")
            }
            if line.first == UInt8(ascii: "#") { continue }
            let text = String(decoding: line, as: UTF8.self)
            if text.contains(where: { !$0.isWhitespace }) { lines.append(text) }
        }
        return lines
    }

    /// Every byte of the file, or of standard input for `-`.
    private static func contents(_ path: String) throws(UsageError) -> [UInt8] {
        let descriptor = path == "-" ? STDIN_FILENO : open(path, O_RDONLY | O_CLOEXEC)
        guard descriptor >= 0 else {
            throw UsageError("-F \(path): cannot open the filter file: \(String(cString: strerror(errno)))")
        }
        defer { if descriptor != STDIN_FILENO { close(descriptor) } }
        var result: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 4096)
        while true {
            let count = chunk.withUnsafeMutableBytes { Glibc.read(descriptor, $0.baseAddress, $0.count) }
            if count < 0 && errno == EINTR { continue }
            guard count >= 0 else {
                throw UsageError("-F \(path): cannot read the filter file: \(String(cString: strerror(errno)))")
            }
            if count == 0 { return result }
            result.append(contentsOf: chunk[0..<count])
            guard result.count <= 1 << 20 else { throw UsageError("-F \(path): the filter file is over 1 MiB") }
        }
    }
}
