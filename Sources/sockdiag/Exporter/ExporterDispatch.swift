#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `sockdiag exporter ARGS…` runs the sibling binary `sockdiag-exporter` (git-style), so that `sockdiag` itself
/// links neither NIO nor Prometheus.
enum ExporterDispatch {
    /// The exporter's file name, looked up next to the running `sockdiag`.
    static let binaryName = "sockdiag-exporter"

    /// Replaces this process with `sockdiag-exporter ARGUMENTS`; exits 1 with one line when it is not there.
    static func exec(_ arguments: [String]) -> Never {
        let path = siblingPath()
        guard access(path, X_OK) == 0 else {
            StandardError.fail(
                "exporter: \(path) is not there (build it with `swift build -c release --product \(binaryName)`)",
                status: 1
            )
        }
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) }
        argv.append(nil)
        execv(path, argv)
        StandardError.fail("exporter: cannot run \(path): \(String(cString: strerror(errno)))", status: 1)
    }

    /// `sockdiag-exporter` in the directory of `/proc/self/exe`.
    static func siblingPath() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        guard length > 0 else { return binaryName }
        let exe = String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
        guard let slash = exe.lastIndex(of: "/") else { return binaryName }
        return String(exe[...slash]) + binaryName
    }
}
