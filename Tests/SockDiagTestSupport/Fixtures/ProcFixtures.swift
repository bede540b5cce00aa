import SockDiag

/// The /proc/net fixtures under Tests/Fixtures/proc (Scripts/fixtures/make-proc-fixtures.sh), captured on a machine
/// with USER_HZ 100.
package enum ProcFixtures {
    package static let hz = 100

    /// The four tables in ss's order, with what the file names do not say.
    package static let tables: [(name: String, transport: TransportProtocol, family: AddressFamily)] = [
        ("udp", .udp, .inet), ("udp6", .udp, .inet6), ("tcp", .tcp, .inet), ("tcp6", .tcp, .inet6),
    ]

    package static func bytes(_ name: String) throws -> [UInt8] {
        try Fixtures.bytes("proc/\(name)")
    }

    package static func decode(
        _ bytes: [UInt8],
        transport: TransportProtocol,
        family: AddressFamily,
        hz: Int = hz
    ) throws -> [Socket] {
        var sockets: [Socket] = []
        try bytes.withUnsafeBytes { raw in
            try ProcSocketReader.decode(
                capturedTable: raw,
                transport: transport,
                family: family,
                clockTicksPerSecond: hz
            ) { sockets.append($0) }
        }
        return sockets
    }

    package static func decode(_ name: String) throws -> [Socket] {
        guard let table = tables.first(where: { $0.name == name }) else {
            throw HelperError("no /proc fixture \(name)")
        }
        return try decode(bytes(name), transport: table.transport, family: table.family)
    }

    package static func all() throws -> [Socket] {
        try tables.flatMap { try decode($0.name) }
    }
}
