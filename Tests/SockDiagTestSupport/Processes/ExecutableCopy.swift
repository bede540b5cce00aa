import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A copy of an executable alone in a new temporary directory, both mode 0755: one that `nobody` can run whatever
/// the permissions of the build directory, or one without the programs built beside it. Delete it with
/// ``remove()`` in a `defer`.
package struct ExecutableCopy {
    /// The new directory.
    package let directory: URL
    /// The copy's path.
    package let path: String

    /// Copies `executable` into a new directory `PREFIX-PID-UUID` under the temporary directory.
    package init(of executable: String, prefix: String) throws {
        directory = FileManager.default.temporaryDirectory.appendingPathComponent(
            "\(prefix)-\(getpid())-\(UUID().uuidString)"
        )
        path = directory.appendingPathComponent(URL(fileURLWithPath: executable).lastPathComponent).path
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        do {
            try FileManager.default.copyItem(atPath: executable, toPath: path)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: directory.path)
            try FileManager.default.setAttributes([.posixPermissions: 0o755], ofItemAtPath: path)
        } catch {
            remove()
            throw error
        }
    }

    /// Deletes the directory and the copy.
    package func remove() {
        try? FileManager.default.removeItem(at: directory)
    }
}
