import SockDiag
import Testing

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
        let table = try #require(tables.first { $0.name == name })
        return try decode(bytes(name), transport: table.transport, family: table.family)
    }

    package static func all() throws -> [Socket] {
        try tables.flatMap { try decode($0.name) }
    }

    /// What decoding gives: the sockets, or the error's code.
    package static func outcome(
        _ bytes: [UInt8],
        transport: TransportProtocol,
        family: AddressFamily
    ) -> Result<
        [Socket], SockDiagError
    > {
        do {
            return .success(try decode(bytes, transport: transport, family: family))
        } catch let error as SockDiagError {
            return .failure(error)
        } catch {
            Issue.record("unexpected error type \(error)")
            return .failure(SockDiagError(code: .ioFailed, operation: "test", message: "\(error)"))
        }
    }
}
