import SockDiag
import SockDiagFormatting

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// `-r`: host names from the resolver (`getnameinfo(3)` with `NI_NAMEREQD`: /etc/hosts, DNS, as nsswitch.conf
/// says) and service names from /etc/services (`getservbyport(3)`), protocol names for raw sockets
/// (`getprotobynumber(3)`), each looked up once per run, as ss `-r` does. The CLI is single-threaded: the caches
/// are not locked.
final class NameResolver: @unchecked Sendable {
    private var hosts: [IPAddress: [UInt8]?] = [:]
    private var services: [UInt32: [UInt8]?] = [:]

    /// The formatter's lookups; `services` false keeps ports numeric (`-rn`, as ss).
    static func names(services: Bool) -> EndpointNames {
        let resolver = NameResolver()
        var service: (@Sendable (UInt16, TransportProtocol) -> [UInt8]?)?
        if services { service = { port, transport in resolver.service(port, transport: transport) } }
        return EndpointNames(host: { address in resolver.host(address) }, service: service)
    }

    /// The name of `address`, `nil` when it has none. An IPv4-mapped IPv6 address is looked up as IPv4 (as ss).
    func host(_ address: IPAddress) -> [UInt8]? {
        if let cached = hosts[address] { return cached }
        let name = Self.lookUp(address)
        hosts[address] = name
        return name
    }

    /// The service name of `port` for `transport` (`tcp`, `udp`), or the IP protocol's name for a raw socket.
    func service(_ port: UInt16, transport: TransportProtocol) -> [UInt8]? {
        let key = UInt32(port) << 8 | UInt32(transport == .tcp ? 1 : transport == .udp ? 2 : 3)
        if let cached = services[key] { return cached }
        var name: [UInt8]?
        switch transport {
        case .tcp, .udp:
            if let entry = getservbyport(Int32(UInt16(port).bigEndian), transport == .tcp ? "tcp" : "udp") {
                name = Array(String(cString: entry.pointee.s_name).utf8)
            }
        default:
            if let entry = getprotobynumber(Int32(port)) { name = Array(String(cString: entry.pointee.p_name).utf8) }
        }
        services[key] = name
        return name
    }

    /// `getnameinfo(3)` with `NI_NAMEREQD`.
    static func lookUp(_ address: IPAddress) -> [UInt8]? {
        var v4: IPv4Address?
        var v6: IPv6Address?
        switch address {
        case .v4(let value): v4 = value
        case .v6(let value): if let mapped = value.ipv4Mapped { v4 = mapped } else { v6 = value }
        }
        var host = [CChar](repeating: 0, count: Int(NI_MAXHOST))
        let status: Int32
        if let v4 {
            var socket = sockaddr_in()
            socket.sin_family = sa_family_t(AF_INET)
            socket.sin_addr.s_addr = v4.rawValue.bigEndian
            status = withUnsafePointer(to: &socket) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    getnameinfo($0, socklen_t(MemoryLayout<sockaddr_in>.size), &host, socklen_t(host.count), nil, 0,
                        NI_NAMEREQD)
                }
            }
        } else if let v6 {
            var socket = sockaddr_in6()
            socket.sin6_family = sa_family_t(AF_INET6)
            socket.sin6_scope_id = v6.scopeID
            withUnsafeMutableBytes(of: &socket.sin6_addr) { raw in
                raw.storeBytes(of: v6.high.bigEndian, toByteOffset: 0, as: UInt64.self)
                raw.storeBytes(of: v6.low.bigEndian, toByteOffset: 8, as: UInt64.self)
            }
            status = withUnsafePointer(to: &socket) { pointer in
                pointer.withMemoryRebound(to: sockaddr.self, capacity: 1) {
                    getnameinfo($0, socklen_t(MemoryLayout<sockaddr_in6>.size), &host, socklen_t(host.count), nil, 0,
                        NI_NAMEREQD)
                }
            }
        } else {
            return nil
        }
        guard status == 0 else { return nil }
        return Array(String(cString: host).utf8)
    }
}
