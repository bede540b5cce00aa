#if canImport(Glibc)
import Glibc
#endif

/// Thin wrappers over the C socket calls for loopback TCP and UDP sockets; every call throws on failure.
package enum LoopbackSockets {
    /// `TCP_INFO`'s `tcpi_state` values used here (include/net/tcp_states.h).
    package static let tcpCloseWait: UInt8 = 8

    /// A new socket of the address's family; close-on-exec so that spawned commands do not inherit it.
    package static func socket(for address: SocketAddress, type: __socket_type) throws -> Int32 {
        let family = address.isIPv6 ? AF_INET6 : AF_INET
        let fd = Glibc.socket(family, Int32(type.rawValue) | Int32(SOCK_CLOEXEC.rawValue), 0)
        guard fd >= 0 else { throw HelperError.system("socket") }
        return fd
    }

    /// Calls `body` with a `sockaddr_in` or `sockaddr_in6` for `address`.
    package static func withSockaddr<R>(
        _ address: SocketAddress,
        _ body: (UnsafePointer<sockaddr>, socklen_t) -> R
    ) throws -> R {
        if address.isIPv6 {
            var storage = sockaddr_in6()
            storage.sin6_family = sa_family_t(AF_INET6)
            storage.sin6_port = address.port.bigEndian
            try parse(address, AF_INET6, into: &storage.sin6_addr)
            return asSockaddr(&storage, body)
        } else {
            var storage = sockaddr_in()
            storage.sin_family = sa_family_t(AF_INET)
            storage.sin_port = address.port.bigEndian
            try parse(address, AF_INET, into: &storage.sin_addr)
            return asSockaddr(&storage, body)
        }
    }

    /// `inet_pton` of the address into an `in_addr` or `in6_addr`.
    private static func parse<Address>(_ address: SocketAddress, _ family: Int32, into raw: inout Address) throws {
        guard withUnsafeMutableBytes(of: &raw, { inet_pton(family, address.address, $0.baseAddress) }) == 1 else {
            throw HelperError("not an \(family == AF_INET6 ? "IPv6" : "IPv4") address: \(address.address)")
        }
    }

    /// Calls `body` with `storage` (a `sockaddr_in` or `sockaddr_in6`) seen as a `sockaddr`, and its size.
    private static func asSockaddr<Storage, R>(
        _ storage: inout Storage,
        _ body: (UnsafePointer<sockaddr>, socklen_t) -> R
    ) -> R {
        withUnsafePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { body($0, socklen_t(MemoryLayout<Storage>.size)) }
        }
    }

    /// Decodes a `sockaddr_in` or `sockaddr_in6` with `inet_ntop`.
    package static func decode(_ storage: UnsafeRawPointer) throws -> SocketAddress {
        var text = [CChar](repeating: 0, count: Int(INET6_ADDRSTRLEN))
        switch Int32(storage.load(as: sa_family_t.self)) {
        case AF_INET:
            var raw = storage.load(as: sockaddr_in.self)
            guard inet_ntop(AF_INET, &raw.sin_addr, &text, socklen_t(text.count)) != nil else {
                throw HelperError.system("inet_ntop")
            }
            return SocketAddress(string(text), UInt16(bigEndian: raw.sin_port))
        case AF_INET6:
            var raw = storage.load(as: sockaddr_in6.self)
            guard inet_ntop(AF_INET6, &raw.sin6_addr, &text, socklen_t(text.count)) != nil else {
                throw HelperError.system("inet_ntop")
            }
            return SocketAddress(string(text), UInt16(bigEndian: raw.sin6_port))
        case let family:
            throw HelperError("unexpected address family \(family)")
        }
    }

    /// The text of a NUL-terminated C buffer.
    private static func string(_ buffer: [CChar]) -> String {
        String(decoding: buffer.prefix { $0 != 0 }.map { UInt8(bitPattern: $0) }, as: UTF8.self)
    }

    /// The local (`getsockname`) or peer (`getpeername`) address of `fd`.
    package static func address(of fd: Int32, peer: Bool = false) throws -> SocketAddress {
        var storage = sockaddr_storage()
        var length = socklen_t(MemoryLayout<sockaddr_storage>.size)
        let result = withUnsafeMutablePointer(to: &storage) {
            $0.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                peer ? getpeername(fd, $0, &length) : getsockname(fd, $0, &length)
            }
        }
        guard result == 0 else { throw HelperError.system(peer ? "getpeername" : "getsockname") }
        return try withUnsafePointer(to: &storage) { try decode(UnsafeRawPointer($0)) }
    }

    package static func setOption(_ fd: Int32, _ level: Int32, _ name: Int32, _ value: Int32, _ label: String) throws {
        var value = value
        guard setsockopt(fd, level, name, &value, socklen_t(MemoryLayout<Int32>.size)) == 0 else {
            throw HelperError.system("setsockopt \(label)")
        }
    }

    /// A TCP socket bound to `address` (with `SO_REUSEADDR`), not listening.
    /// - Parameter v6Only: `IPV6_V6ONLY` for an IPv6 socket; `nil` leaves the system default.
    package static func tcpBound(_ address: SocketAddress, v6Only: Bool? = nil) throws -> Int32 {
        let fd = try socket(for: address, type: SOCK_STREAM)
        do {
            try setOption(fd, SOL_SOCKET, SO_REUSEADDR, 1, "SO_REUSEADDR")
            if let v6Only {
                try setOption(fd, Int32(IPPROTO_IPV6), IPV6_V6ONLY, v6Only ? 1 : 0, "IPV6_V6ONLY")
            }
            try bind(fd, address)
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    /// A TCP listener on `address`.
    package static func tcpListener(_ address: SocketAddress, v6Only: Bool? = nil) throws -> Int32 {
        let fd = try tcpBound(address, v6Only: v6Only)
        guard listen(fd, 64) == 0 else {
            let code = errno
            close(fd)
            throw HelperError.system("listen \(address)", code)
        }
        return fd
    }

    package static func bind(_ fd: Int32, _ address: SocketAddress) throws {
        let result = try withSockaddr(address) { Glibc.bind(fd, $0, $1) }
        guard result == 0 else { throw HelperError.system("bind \(address)") }
    }

    /// A socket of `type` connected to `address` (blocking connect; the kernel picks the local port).
    package static func connected(to address: SocketAddress, type: __socket_type = SOCK_STREAM) throws -> Int32 {
        let fd = try socket(for: address, type: type)
        let result = try withSockaddr(address) { Glibc.connect(fd, $0, $1) }
        guard result == 0 else {
            let code = errno
            close(fd)
            throw HelperError.system("connect \(address)", code)
        }
        return fd
    }

    /// The next connection on `listener`.
    package static func accept(_ listener: Int32) throws -> Int32 {
        let fd = Glibc.accept(listener, nil, nil)
        guard fd >= 0 else { throw HelperError.system("accept") }
        _ = fcntl(fd, F_SETFD, FD_CLOEXEC)
        return fd
    }

    /// A UDP socket bound to `address`.
    package static func udpBound(_ address: SocketAddress) throws -> Int32 {
        let fd = try socket(for: address, type: SOCK_DGRAM)
        do {
            try bind(fd, address)
            return fd
        } catch {
            close(fd)
            throw error
        }
    }

    /// The TCP state of `fd` from `TCP_INFO` (`tcpi_state`, its first byte).
    package static func tcpState(of fd: Int32) throws -> UInt8 {
        var info = [UInt8](repeating: 0, count: 256)
        var length = socklen_t(info.count)
        guard getsockopt(fd, Int32(IPPROTO_TCP), TCP_INFO, &info, &length) == 0 else {
            throw HelperError.system("getsockopt TCP_INFO")
        }
        return info[0]
    }

    /// Waits until `fd` is in TCP state `state`, for at most `seconds`.
    package static func waitForState(_ fd: Int32, _ state: UInt8, seconds: Double = 5) throws {
        var last: UInt8 = 0
        for _ in 0..<Int(seconds * 200) {
            last = try tcpState(of: fd)
            if last == state { return }
            usleep(5_000)
        }
        throw HelperError("socket \(fd) stayed in TCP state \(last), expected \(state)")
    }

    /// Closes every descriptor.
    package static func closeAll(_ fds: [Int32]) {
        for fd in fds { close(fd) }
    }
}
