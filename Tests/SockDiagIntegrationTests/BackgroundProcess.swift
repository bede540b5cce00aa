import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A long-running child (the exporter, Prometheus) with its output in temporary files, stopped by its PID.
///
/// Call ``stop()`` in a `defer`: SIGTERM to this child's PID only, a wait of up to 5 s, then SIGKILL.
final class BackgroundProcess: @unchecked Sendable {
    let process = Process()
    let label: String
    private let stdoutURL: URL
    private let stderrURL: URL

    /// The child's PID.
    var pid: Int32 { process.processIdentifier }

    /// Starts `executable` with `arguments`, standard input from /dev/null.
    init(_ executable: String, _ arguments: [String], label: String) throws {
        self.label = label
        let stem = "sockdiag-integration-\(getpid())-\(label)-\(UUID().uuidString)"
        stdoutURL = FileManager.default.temporaryDirectory.appendingPathComponent(stem + ".out")
        stderrURL = FileManager.default.temporaryDirectory.appendingPathComponent(stem + ".err")
        _ = FileManager.default.createFile(atPath: stdoutURL.path, contents: nil)
        _ = FileManager.default.createFile(atPath: stderrURL.path, contents: nil)
        let out = try FileHandle(forWritingTo: stdoutURL)
        let err = try FileHandle(forWritingTo: stderrURL)
        defer {
            try? out.close()
            try? err.close()
        }
        process.executableURL = URL(fileURLWithPath: executable)
        process.arguments = arguments
        process.standardInput = FileHandle.nullDevice
        process.standardOutput = out
        process.standardError = err
        try process.run()
    }

    /// What the child wrote to standard error so far.
    var stderr: String { (try? String(contentsOf: stderrURL, encoding: .utf8)) ?? "" }

    /// What the child wrote to standard output so far.
    var stdout: String { (try? String(contentsOf: stdoutURL, encoding: .utf8)) ?? "" }

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
            guard process.isRunning else {
                throw HelperError("\(label) exited (status \(process.terminationStatus)) while waiting for \(what); stderr:\n\(stderr)")
            }
            usleep(20_000)
        }
        throw HelperError(
            "\(label): no \(what) after \(seconds) s\(lastError.map { " (last error: \($0))" } ?? ""); stderr:\n\(stderr.suffix(3000))"
        )
    }

    /// SIGTERM to the child's PID, then waits up to 5 s for it (SIGKILL after that); removes the output files.
    func stop() {
        if process.isRunning {
            kill(pid, SIGTERM)
            let deadline = Date().addingTimeInterval(5)
            while process.isRunning && Date() < deadline { usleep(10_000) }
            if process.isRunning {
                kill(pid, SIGKILL)
                process.waitUntilExit()
            }
        }
        try? FileManager.default.removeItem(at: stdoutURL)
        try? FileManager.default.removeItem(at: stderrURL)
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
        guard let split = text.range(of: "\r\n\r\n") else { throw HelperError("no HTTP header in: \(text.prefix(200))") }
        let lines = text[..<split.lowerBound].components(separatedBy: "\r\n")
        let statusWords = lines[0].split(separator: " ")
        guard statusWords.count >= 2, let status = Int(statusWords[1]) else {
            throw HelperError("bad status line: \(lines[0])")
        }
        var headers: [String: String] = [:]
        for line in lines.dropFirst() {
            guard let colon = line.firstIndex(of: ":") else { continue }
            headers[line[..<colon].lowercased()] = line[line.index(after: colon)...].trimmingCharacters(in: .whitespaces)
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
