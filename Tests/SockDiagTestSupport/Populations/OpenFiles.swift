import Foundation

/// The files open on the machine (the first field of `/proc/sys/fs/file-nr`): sockdiag's `-p` picks its path by it,
/// so a test that checks which path was taken must know it (another namespace with many sockets raises it).
package enum OpenFiles {
    /// The number now.
    package static func now() throws -> Int {
        let text = String(decoding: try Data(contentsOf: URL(fileURLWithPath: "/proc/sys/fs/file-nr")), as: UTF8.self)
        guard let count = Int(text.prefix { $0.isNumber }) else {
            throw HelperError("/proc/sys/fs/file-nr: '\(text)'")
        }
        return count
    }
}
