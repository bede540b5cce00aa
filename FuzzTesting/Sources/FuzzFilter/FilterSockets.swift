@testable import SockDiag

/// The sockets every compiled filter is run on: sockets decoded from the captured dumps in Tests/Fixtures (TCP and
/// UDP, IPv4 and IPv6, every state they hold), and copies of some with what the fixtures lack: an interface,
/// marks, a cgroup, IPv4-mapped addresses, ports at the edges of the ephemeral range.
enum FilterSockets {
    static let all: [Socket] = {
        var decoded: [Socket] = []
        for (file, transport) in [
            ("tcp4-all.bin", TransportProtocol.tcp), ("tcp6-all.bin", .tcp), ("udp4-all.bin", .udp),
            ("udp6-all.bin", .udp), ("ext-tcp4.bin", .tcp), ("ext-tcp6.bin", .tcp),
        ] {
            let bytes = fixtureBytes(file)
            var sockets: [Socket] = []
            do {
                try bytes.withUnsafeBytes { raw in
                    try SocketInspector.decode(capturedDump: raw, transport: transport) { sockets.append($0) }
                }
            } catch {
                fuzzFailure("the fixture \(file) does not decode: \(error)")
            }
            decoded += sockets.prefix(6)
        }
        var variants: [Socket] = []
        let mapped = IPAddress.v6(IPv6Address(high: 0, low: 0xFFFF_7F00_0001))
        for (index, socket) in decoded.enumerated() {
            var copy = socket
            copy.interfaceIndex = UInt32(index % 3)
            copy.mark = [0, 0x10, 0x1F, 0xFFFF_FFFF][index % 4]
            copy.cgroupID = [0, 4242, UInt64.max][index % 3]
            copy.local.port = [0, 32767, 32768, 60999, 61000, 65535][index % 6]
            if copy.family == .inet6 {
                copy.local.address = mapped
                if index % 2 == 0 { copy.peer.address = mapped }
            }
            variants.append(copy)
        }
        return decoded + variants
    }()
}
