import SockDiag
import SockDiagTestSupport
import Testing

extension Integration {
    /// Raw replies follow the same plan as decoded sockets: where the kernel cannot filter, Swift does.
    @Suite(.enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"))
    struct RawMessageFilter {
        /// The local and peer ports of an `inet_diag_msg` (network order at offsets 4 and 6).
        static func ports(_ payload: UnsafeRawBufferPointer) -> (local: UInt16, peer: UInt16) {
            (
                UInt16(bigEndian: payload.loadUnaligned(fromByteOffset: 4, as: UInt16.self)),
                UInt16(bigEndian: payload.loadUnaligned(fromByteOffset: 6, as: UInt16.self))
            )
        }

        @Test(
            "raw replies are only the matching ones when the program is too long for the kernel or filtering is off",
            arguments: [true, false]
        )
        func filteredInSwift(kernelFiltering: Bool) throws {
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let inspector = try namespace.inspector()

            // 8000 and 2,000 ports nobody uses: a program over the 32 KiB request buffer.
            let ports = [8000] + (0..<2_000).map { UInt16(10_000 + $0) }
            var query = SocketQuery(protocols: [.tcp], states: .all, ports: [PortMatch(.either, ports)])
            query.kernelFiltering = kernelFiltering
            var raw: [(local: UInt16, peer: UInt16)] = []
            try inspector.forEachRawMessage(matching: query) { _, payload in raw.append(Self.ports(payload)) }
            let sockets = try inspector.sockets(matching: query)

            #expect(!sockets.isEmpty)
            #expect(raw.count == sockets.count)
            #expect(raw.allSatisfy { $0.local == 8000 || $0.peer == 8000 })
            #expect(try inspector.count(matching: query).total() == sockets.count)
        }
    }
}
