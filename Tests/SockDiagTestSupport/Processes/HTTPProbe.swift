import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// A tiny blocking HTTP/1.1 client for loopback: one request per connection (`Connection: close`).
package enum HTTPProbe {
    package struct Response: CustomStringConvertible {
        package var status: Int
        package var headers: [String: String]
        package var body: String
        package var description: String { "HTTP \(status) \(headers) \(body.prefix(500))" }
    }

    /// A connected TCP socket to 127.0.0.1:`port`, with 10 s send and receive timeouts.
    package static func connect(port: UInt16) throws -> Int32 {
        let fd = try LoopbackSockets.connected(to: SocketAddress("127.0.0.1", port))
        var timeout = timeval(tv_sec: 10, tv_usec: 0)
        setsockopt(fd, SOL_SOCKET, SO_RCVTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        setsockopt(fd, SOL_SOCKET, SO_SNDTIMEO, &timeout, socklen_t(MemoryLayout<timeval>.size))
        return fd
    }

    /// Sends `method path` on `fd`.
    package static func send(_ fd: Int32, method: String = "GET", path: String) throws {
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
    package static func receive(_ fd: Int32) throws -> Response {
        defer { close(fd) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while true {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count == 0 { break }
            guard count > 0 else { throw HelperError.system("recv") }
            bytes += chunk[..<count]
        }
        return try parse(String(decoding: bytes, as: UTF8.self))
    }

    /// Splits a whole response (status line, headers, body) as received.
    package static func parse(_ text: String) throws -> Response {
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
    package static func request(port: UInt16, method: String = "GET", path: String) throws -> Response {
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
