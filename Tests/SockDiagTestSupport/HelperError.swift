#if canImport(Glibc)
import Glibc
#endif

/// A failure the test helpers report, with what was being done.
package struct HelperError: Error, CustomStringConvertible {
    package var description: String
    package init(_ description: String) { self.description = description }

    /// An error for a failed system call, with `errno`'s sentence.
    package static func system(_ operation: String, _ code: Int32 = errno) -> HelperError {
        HelperError("\(operation): \(String(cString: strerror(code))) (errno \(code))")
    }
}
