import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Small Python programs that hold sockets in a test namespace: the shapes of ownership (threads, descriptors
/// passed over UNIX sockets, short-lived processes) that only another process can make.
extension BackgroundProcess {
    /// Starts `python3 -c script arguments…` inside `namespace` (`ip netns exec` execs it: the pid is python's).
    /// - Throws: ``HelperError`` without python3 or ip.
    package static func python(
        in namespace: TestNamespace,
        _ script: String,
        _ arguments: [String] = [],
        label: String
    ) throws -> BackgroundProcess {
        guard let python = PreforkedServer.python, let ip = Commands.ip else {
            throw HelperError("needs python3 and ip")
        }
        return try BackgroundProcess(
            ip,
            ["netns", "exec", namespace.name, python, "-c", script] + arguments,
            label: label
        )
    }

    /// Waits for the `count`th whole line of standard output that starts with `word` and returns its numbers (the
    /// words after `word`).
    package func line(_ word: String, count: Int = 1, seconds: Double = 10) throws -> [Int32] {
        try wait("line \(count) starting with \(word)", seconds: seconds) { () -> [Int32]? in
            let lines = stdout.split(separator: "\n", omittingEmptySubsequences: false).dropLast()
            let matching = lines.filter { $0.split(separator: " ").first.map(String.init) == word }
            guard matching.count >= count else { return nil }
            return matching[count - 1].split(separator: " ").dropFirst().compactMap { Int32($0) }
        }
    }
}
