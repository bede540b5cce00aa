import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A long-running child (the exporter, Prometheus) with its output in temporary files, stopped by its PID.
///
/// Spawned with `posix_spawn` and an empty signal mask and default signal actions: the test runner's threads block
/// most signals, and a child inherits that (it would then ignore SIGTERM). Call ``stop()`` in a `defer`: SIGTERM to
/// this child's PID only, a wait of up to 5 s, then SIGKILL.
final class BackgroundProcess: @unchecked Sendable {
    let label: String
    /// The child's PID.
    let pid: pid_t
    private let stdoutPath: String
    private let stderrPath: String
    private let lock = NSLock()
    private var exitStatus: Int32?

    /// Starts `executable` with `arguments`, standard input from /dev/null.
    init(_ executable: String, _ arguments: [String], label: String) throws {
        self.label = label
        let stem = FileManager.default.temporaryDirectory
            .appendingPathComponent("sockdiag-integration-\(getpid())-\(label)-\(UUID().uuidString)").path
        stdoutPath = stem + ".out"
        stderrPath = stem + ".err"

        var actions = posix_spawn_file_actions_t()
        posix_spawn_file_actions_init(&actions)
        defer { posix_spawn_file_actions_destroy(&actions) }
        posix_spawn_file_actions_addopen(&actions, 0, "/dev/null", O_RDONLY, 0)
        posix_spawn_file_actions_addopen(&actions, 1, stdoutPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        posix_spawn_file_actions_addopen(&actions, 2, stderrPath, O_WRONLY | O_CREAT | O_TRUNC, 0o600)
        var attributes = posix_spawnattr_t()
        posix_spawnattr_init(&attributes)
        defer { posix_spawnattr_destroy(&attributes) }
        var none = sigset_t()
        sigemptyset(&none)
        posix_spawnattr_setsigmask(&attributes, &none)
        var defaults = sigset_t()
        sigemptyset(&defaults)
        for signal in [SIGTERM, SIGINT, SIGHUP, SIGPIPE, SIGCHLD] { sigaddset(&defaults, signal) }
        posix_spawnattr_setsigdefault(&attributes, &defaults)
        posix_spawnattr_setflags(&attributes, Int16(POSIX_SPAWN_SETSIGMASK | POSIX_SPAWN_SETSIGDEF))

        let argv = ([executable] + arguments).map { strdup($0) } + [nil]
        defer { for pointer in argv { free(pointer) } }
        var child: pid_t = 0
        let result = posix_spawn(&child, executable, &actions, &attributes, argv, environ)
        guard result == 0 else { throw HelperError.system("posix_spawn \(executable)", result) }
        pid = child
    }

    /// What the child wrote to standard error so far.
    var stderr: String { (try? String(contentsOfFile: stderrPath, encoding: .utf8)) ?? "" }

    /// What the child wrote to standard output so far.
    var stdout: String { (try? String(contentsOfFile: stdoutPath, encoding: .utf8)) ?? "" }

    /// The exit status (or 128 + signal) once the child has exited and been reaped; `nil` while it runs.
    var exited: Int32? {
        lock.withLock {
            if exitStatus == nil {
                var status: Int32 = 0
                if waitpid(pid, &status, WNOHANG) == pid {
                    let signal = status & 0x7f
                    exitStatus = signal == 0 ? (status >> 8) & 0xff : 128 + signal
                }
            }
            return exitStatus
        }
    }

    /// Polls every 20 ms until `condition` holds, up to `seconds`; fails early when the child has exited.
    func wait<T>(_ what: String, seconds: Double = 15, until condition: () throws -> T?) throws -> T {
        let deadline = Date().addingTimeInterval(seconds)
        var lastError: (any Error)?
        while Date() < deadline {
            do {
                if let value = try condition() { return value }
            } catch {
                lastError = error
            }
            if let status = exited {
                throw HelperError("\(label) exited (status \(status)) while waiting for \(what); stderr:\n\(stderr)")
            }
            usleep(20_000)
        }
        throw HelperError(
            "\(label): no \(what) after \(seconds) s\(lastError.map { " (last error: \($0))" } ?? ""); stderr:\n\(stderr.suffix(3000))"
        )
    }

    /// SIGTERM to the child's PID, then waits up to 5 s for it (SIGKILL after that); removes the output files.
    func stop() {
        if exited == nil {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while exited == nil && Date() < deadline { usleep(5_000) }
            if exited == nil {
                kill(pid, SIGKILL)
                while exited == nil { usleep(5_000) }
            }
        }
        unlink(stdoutPath)
        unlink(stderrPath)
    }
}

/// A tiny blocking HTTP/1.1 client for loopback: one request per connection (`Connection: close`).
enum HTTPProbe {
    struct Response: CustomStringConvertible {
        var status: Int
        var headers: [String: String]
        var body: String
        var description: String { "HTTP \(status) \(headers) \(body.prefix(500))" }
    }

    /// A connected TCP socket to 127.0.0.1:`port`, with 10 s send and receive timeouts.
    static func connect(port: UInt16) throws -> Int32 {
        let fd = try LoopbackSockets.connected(to: SocketAddress("127.0.0.1", port))
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Sends `method path` on `fd`.
    static func send(_ fd: Int32, method: String = "GET", path: String) throws {
        let request = "\(method) \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\nContent-Length: 0\r\n\r\n"
        let bytes = Array(request.utf8)
        var sent = 0
        while sent < bytes.count {
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, 0) }
            guard count > 0 else { throw HelperError.system("send") }
            sent += count
        }
    }

    /// Reads the response on `fd` to the end (the server closes) and closes `fd`.
    static func receive(_ fd: Int32) throws -> Response {
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { throw HelperError.system("recv") }
            bytes += chunk[..<count]
        }
        let text = String(decoding: bytes, as: UTF8.self)
        guard let split = text.range(of: "\r\n\r\n") else {
            throw HelperError("no HTTP header in: \(text.prefix(200))")
        }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusWords = lines[0].split(separator: " ")
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else {
            throw HelperError("bad status line: \(lines[0])")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(
                in: .whitespaces
            )
        }
        return Response(status: status, headers: headers, body: String(text[split.upperBound...]))
    }

    /// One request on its own connection.
    static func request(port: UInt16, method: String = "GET", path: String) throws -> Response {
        let fd = try connect(port: port)
        do {
            try send(fd, method: method, path: path)
        } catch {
            close(fd)
            throw error
        }
        return try receive(fd)
    }
}

/// The samples of a Prometheus text exposition: `name{labels}` → value.
struct Exposition {
    var samples: [String: Double] = [:]

    init(_ text: String) {
        for line in text.split(separator: "\n") where !line.hasPrefix("#") {
            guard let space = line.lastIndex(of: " "), let value = Double(line[line.index(after: space)...]) else {
                continue
            }
            samples[String(line[..<space])] = value
        }
    }

    /// The value of `name` with exactly these labels (in any order), or `nil`.
    func value(_ name: String, _ labels: [String: String] = [:]) -> Double? {
        for (key, value) in samples {
            guard let parsed = Self.parse(key), parsed.name == name, parsed.labels == labels else { continue }
            return value
        }
        return nil
    }

    /// Splits `name{a="x",b="y"}`.
    static func parse(_ key: String) -> (name: String, labels: [String: String])? {
        guard let brace = key.firstIndex(of: "{") else { return (key, [:]) }
        var labels: [String: String] = [:]
        let inner = key[key.index(after: brace)..<(key.lastIndex(of: "}") ?? key.endIndex)]
        for pair in inner.split(separator: ",") {
            let parts = pair.split(separator: "=", maxSplits: 1)
            guard parts.count == 2 else { return nil }
            labels[String(parts[0])] = String(parts[1].dropFirst().dropLast())
        }
        return (String(key[..<brace]), labels)
    }
}
