import Foundation

#if canImport(Glibc)
import Glibc
#endif

/// Non-blocking variants of ``HTTPProbe`` that never wait longer than they are told: for servers that may be
/// starved (a connection that is never accepted, a response that never comes, a server that never closes).
extension HTTPProbe {
    /// How a connection ended: after how long, with what the server sent before closing.
    package struct Closed: CustomStringConvertible {
        package var seconds: Double
        package var received: String
        package var description: String {
            "closed after \(seconds) s, having sent \(received.prefix(200).debugDescription)"
        }
    }

    /// A non-blocking TCP socket connected to 127.0.0.1:`port`, or `nil` when the handshake does not finish
    /// within `seconds` (a listener whose accept queue is full drops the SYN).
    package static func connect(port: UInt16, within seconds: Double) throws -> Int32? {
        let address = SocketAddress("127.0.0.1", port)
        let fd = try LoopbackSockets.socket(for: address, type: SOCK_STREAM)
        guard fcntl(fd, F_SETFL, fcntl(fd, F_GETFL) | O_NONBLOCK) == 0 else {
            close(fd)
            throw HelperError.system("fcntl O_NONBLOCK")
        }
        let failure = try LoopbackSockets.withSockaddr(address) { Glibc.connect(fd, $0, $1) == 0 ? 0 : errno }
        guard failure == 0 || failure == EINPROGRESS else {
            close(fd)
            throw HelperError.system("connect \(address)", failure)
        }
        guard failure == 0 || poll(fd, POLLOUT, until: Date().addingTimeInterval(seconds)) else {
            close(fd)
            return nil
        }
        var error: Int32 = 0
        var length = socklen_t(MemoryLayout<Int32>.size)
        getsockopt(fd, SOL_SOCKET, SO_ERROR, &error, &length)
        guard error == 0 else {
            close(fd)
            throw HelperError.system("connect \(address)", error)
        }
        return fd
    }

    /// Sends `text` as it is (a partial or malformed request) on a socket from ``connect(port:within:)``.
    package static func sendRaw(_ fd: Int32, _ text: String) throws {
        let bytes = Array(text.utf8)
        var sent = 0
        while sent < bytes.count {
            guard poll(fd, POLLOUT, until: Date().addingTimeInterval(5)) else { throw HelperError("send timed out") }
            let count = bytes[sent...].withUnsafeBytes { Glibc.send(fd, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
            guard count > 0 else { throw HelperError.system("send") }
            sent += count
        }
    }

    /// Reads `fd` until the server closes it (end of file or reset) and closes `fd`: when and what it sent, or
    /// `nil` when it was still open after `seconds`.
    package static func waitUntilClosed(_ fd: Int32, within seconds: Double) -> Closed? {
        defer { close(fd) }
        let start = Date()
        let deadline = start.addingTimeInterval(seconds)
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65536)
        while poll(fd, POLLIN, until: deadline) {
            let count = chunk.withUnsafeMutableBytes { recv(fd, $0.baseAddress, $0.count, 0) }
            if count > 0 {
                bytes += chunk[..<count]
                continue
            }
            if count < 0 && (errno == EAGAIN || errno == EINTR) { continue }
            return Closed(seconds: Date().timeIntervalSince(start), received: String(decoding: bytes, as: UTF8.self))
        }
        return nil
    }

    /// `GET path` on a connection of its own, answered to the last byte within `seconds` (connecting included),
    /// and how long it took; throws when the server does not make it in time.
    package static func request(port: UInt16, path: String, within seconds: Double) throws -> (Response, Double) {
        let start = Date()
        guard let fd = try connect(port: port, within: seconds) else {
            throw HelperError("no connection to port \(port) within \(seconds) s")
        }
        let request = "GET \(path) HTTP/1.1\r\nHost: 127.0.0.1\r\nConnection: close\r\n\r\n"
        do {
            try sendRaw(fd, request)
        } catch {
            close(fd)
            throw error
        }
        let remaining = seconds - Date().timeIntervalSince(start)
        guard let closed = waitUntilClosed(fd, within: max(0, remaining)) else {
            throw HelperError("no complete answer from port \(port) within \(seconds) s")
        }
        return (try parse(closed.received), Date().timeIntervalSince(start))
    }

    /// Polls `fd` for `events` until `deadline`; whether they came.
    private static func poll(_ fd: Int32, _ events: Int32, until deadline: Date) -> Bool {
        while true {
            let milliseconds = Int32(max(0, min(deadline.timeIntervalSinceNow * 1000, 60_000)).rounded(.up))
            var entry = pollfd(fd: fd, events: Int16(events), revents: 0)
            let ready = Glibc.poll(&entry, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno == EINTR { continue }
            if Date() >= deadline { return false }
        }
    }
}
