import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// What a finished command left behind.
package struct CommandResult: Sendable, CustomStringConvertible {
    /// The exit status, or the signal number when `signaled`.
    package var status: Int32
    /// Whether a signal ended the process.
    package var signaled: Bool
    package var timedOut: Bool
    package var stdout: String
    package var stderr: String

    /// The lines of standard error, without the final newline's empty line.
    package var stderrLines: [Substring] {
        stderr.split(separator: "\n", omittingEmptySubsequences: false).dropLast(stderr.hasSuffix("\n") ? 1 : 0)
            .map { $0 }
    }

    package var description: String {
        let ending = "\(signaled ? "signal" : "status") \(status)\(timedOut ? " (timed out)" : "")"
        return "\(ending)\n--- stdout\n\(stdout)--- stderr\n\(stderr)"
    }
}

/// Runs external commands and finds the programs the tests need.
package enum Commands {
    /// `ip`, when installed.
    package static let ip: String? = find("ip")
    /// `ss`, when installed.
    package static let ss: String? = find("ss")

    /// The absolute path of `name` in `PATH` or the sbin directories, or `nil`.
    package static func find(_ name: String) -> String? {
        let path = ProcessInfo.processInfo.environment["PATH"] ?? ""
        let directories = path.split(separator: ":").map(String.init) + ["/usr/sbin", "/sbin", "/usr/bin", "/bin"]
        for directory in directories where !directory.isEmpty {
            let candidate = directory + "/" + name
            if access(candidate, X_OK) == 0 { return candidate }
        }
        return nil
    }

    /// The sockdiag executable: `$SOCKDIAG_BIN`, else `sockdiag` beside this test binary (`/proc/self/exe`).
    package static let sockdiagBinary: String? = {
        if let override = ProcessInfo.processInfo.environment["SOCKDIAG_BIN"], !override.isEmpty {
            return access(override, X_OK) == 0 ? override : nil
        }
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let candidate = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent("sockdiag").path
        return access(candidate, X_OK) == 0 ? candidate : nil
    }()

    /// `sockdiag-exporter`: `$SOCKDIAG_EXPORTER_BIN`, else beside this test binary.
    package static let exporterBinary: String? = {
        if let override = ProcessInfo.processInfo.environment["SOCKDIAG_EXPORTER_BIN"], !override.isEmpty {
            return access(override, X_OK) == 0 ? override : nil
        }
        return builtProduct("sockdiag-exporter")
    }()

    /// `prometheus`, when installed (Scripts/setup.sh installs Debian's).
    package static let prometheus: String? = find("prometheus")
    /// Alertmanager (`prometheus-alertmanager` in Debian, `alertmanager` upstream), when installed.
    package static let alertmanager: String? = find("prometheus-alertmanager") ?? find("alertmanager")

    /// An executable product built beside this test binary (`/proc/self/exe`), e.g. `timewait-agent`.
    package static func builtProduct(_ name: String) -> String? {
        guard let exe = try? FileManager.default.destinationOfSymbolicLink(atPath: "/proc/self/exe") else { return nil }
        let candidate = URL(fileURLWithPath: exe).deletingLastPathComponent().appendingPathComponent(name).path
        return access(candidate, X_OK) == 0 ? candidate : nil
    }

    /// Runs `executable` with `arguments`, standard input from /dev/null, and waits for it.
    ///
    /// Standard output and error go to temporary files (so neither can fill a pipe and stall the child)
    /// and are read once it has exited. A child still running after `timeout` seconds is killed (SIGKILL).
    /// - Parameter stdoutPath: Where standard output goes instead of being captured (e.g. `/dev/full`).
    package static func run(
        _ executable: String,
        _ arguments: [String],
        timeout: TimeInterval = 30,
        stdoutPath: String? = nil
    ) throws -> CommandResult {
        let directory = FileManager.default.temporaryDirectory
        let stem = "sockdiag-integration-\(getpid())-\(UUID().uuidString)"
        let outURL = directory.appendingPathComponent(stem + ".out")
        let errURL = directory.appendingPathComponent(stem + ".err")
        defer {
            try? FileManager.default.removeItem(at: outURL)
            try? FileManager.default.removeItem(at: errURL)
        }
        FileManager.default.createFile(atPath: outURL.path, contents: nil)
        FileManager.default.createFile(atPath: errURL.path, contents: nil)
        let outHandle = try FileHandle(forWritingTo: stdoutPath.map { URL(fileURLWithPath: $0) } ?? outURL)
        let errHandle = try FileHandle(forWritingTo: errURL)
        defer {
            try? outHandle.close()
            try? errHandle.close()
        }

        let process = Process()
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = outHandle
        process.standardError = errHandle
        let exited = DispatchSemaphore(value: 0)
        process.terminationHandler = { _ in exited.signal() }
        try process.run()
        var timedOut = false
        if exited.wait(timeout: .now() + timeout) == .timedOut {
            timedOut = true
            // SIGKILL to this child's pid only: the test runner blocks SIGTERM, and a child started with Process
            // inherits that mask, so SIGTERM could leave it running and this call waiting for ever.
            kill(process.processIdentifier, SIGKILL)
            exited.wait()
        }
        process.waitUntilExit()

        let stdout = stdoutPath == nil ? try String(contentsOf: outURL, encoding: .utf8) : ""
        let stderr = try String(contentsOf: errURL, encoding: .utf8)
        return CommandResult(
            status: process.terminationStatus,
            signaled: process.terminationReason == .uncaughtSignal,
            timedOut: timedOut,
            stdout: stdout,
            stderr: stderr
        )
    }
}
