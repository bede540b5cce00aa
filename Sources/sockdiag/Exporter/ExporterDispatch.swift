import SockDiag

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
        // A bare name (where neither /proc/self/exe nor argv[0] tells sockdiag's directory) is looked up in PATH.
        guard !path.contains("/") || access(path, X_OK) == 0 else {
            StandardError.fail(
                "exporter: \(path) is not there (build it with `swift build -c release --product \(binaryName)`)",
                status: 1
            )
        }
        var argv: [UnsafeMutablePointer<CChar>?] = ([path] + arguments).map { strdup($0) }
        argv.append(nil)
        execvp(path, argv)
        StandardError.fail("exporter: cannot run \(path): \(String(cString: strerror(errno)))", status: 1)
    }

    /// `sockdiag-exporter` in the directory of `/proc/self/exe`, else of `argv[0]` when it has one (no /proc),
    /// else the bare name.
    static func siblingPath() -> String {
        var buffer = [CChar](repeating: 0, count: Int(PATH_MAX) + 1)
        let length = readlink("/proc/self/exe", &buffer, buffer.count - 1)
        let exe =
            length > 0
            ? String(decoding: buffer[..<length].map { UInt8(bitPattern: $0) }, as: UTF8.self)
            : ProcessArguments.current.first ?? ""
        guard let slash = exe.lastIndex(of: "/") else { return binaryName }
        return String(exe[...slash]) + binaryName
    }
}
