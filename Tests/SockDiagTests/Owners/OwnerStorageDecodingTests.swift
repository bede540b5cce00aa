import Testing

@testable import SockDiag

/// The owner-storage records in inet_diag replies (`INET_DIAG_SK_BPF_STORAGES`) and the BTF that types them.
@Suite("Owner storage: the reply attribute and the map's BTF")
struct OwnerStorageDecodingTests {
    /// A netlink attribute: length, type, payload padded to 4 bytes.
    static func attribute(_ type: UInt16, _ payload: [UInt8], length: Int? = nil) -> [UInt8] {
        let size = UInt16(length ?? 4 + payload.count)
        var bytes = withUnsafeBytes(of: size.littleEndian) { Array($0) }
        bytes += withUnsafeBytes(of: type.littleEndian) { Array($0) }
        bytes += payload
        while bytes.count % 4 != 0 { bytes.append(0) }
        return bytes
    }

    static func words(_ values: [Int32]) -> [UInt8] {
        values.flatMap { value in withUnsafeBytes(of: value.littleEndian) { Array($0) } }
    }

    /// A TCP reply (an AF_INET `inet_diag_msg`, inode 77) followed by `attributes`.
    static func parse(_ attributes: [UInt8]) throws -> Socket {
        var message = [UInt8](repeating: 0, count: 72)
        message[0] = 2
        message[1] = 1
        message[68] = 77
        let bytes = message + attributes
        var reuse: SocketDetails.Storage?
        return try bytes.withUnsafeBytes { payload in
            try InetDiagParser.parse(payload, transport: .tcp, boundInactiveRequested: false, reuse: &reuse)
        }
    }

    /// `INET_DIAG_SK_BPF_STORAGES` { `SK_DIAG_BPF_STORAGE` { PAD, MAP_ID, MAP_VALUE } } holding `value`.
    static func storages(_ value: [UInt8]) -> [UInt8] {
        let storage = attribute(1, []) + attribute(2, words([9])) + attribute(3, value)
        return attribute(20 | 0x8000, attribute(1 | 0x8000, storage))
    }

    @Test("the record: count and the kept (pid, fd) pairs, after a padding attribute; none without the attribute")
    func record() throws {
        let value = Self.words([6, 40, 11, 0, 10, 3, 20, 4, 30, 5, 40, 6])
        let socket = try Self.parse(Self.storages(value))
        let stored = try #require(socket.storedOwners)
        #expect(stored.count == 6)
        var kept: [[Int32]] = []
        stored.forEachKept { kept.append([$0, $1]) }
        #expect(kept == [[10, 3], [20, 4], [30, 5], [40, 6]])
        let two = try #require(try Self.parse(Self.storages(Self.words([2, 20, 4, 0, 10, 3, 20, 4, 0, 0, 0, 0])))
            .storedOwners)
        kept = []
        two.forEachKept { kept.append([$0, $1]) }
        #expect(kept == [[10, 3], [20, 4]])
        #expect(try Self.parse([]).storedOwners == nil)
    }

    @Test("a short value or a nested attribute past its parent is malformed, never read past")
    func malformed() {
        #expect(throws: SockDiagError.self) { try Self.parse(Self.storages(Self.words([1, 2, 3, 4]))) }
        let overrun = Self.attribute(20, Self.attribute(1, Self.words([1, 2]), length: 64))
        #expect(throws: SockDiagError.self) { try Self.parse(overrun) }
    }

    @Test("the BTF blob: an int key and the value struct, as the kernel's checks want them")
    func blob() throws {
        let types = try BTFTypes(bytes: OwnerStorageBTF.blob())
        let key = try #require(types.record(OwnerStorageBTF.keyTypeID))
        #expect(key.kind == .integer && key.sizeOrType == 4 && types.word(key.start + 12) == 1 << 24 | 32)
        #expect(types.typeID(named: "sockdiag_owners", kind: .structure) == OwnerStorageBTF.valueTypeID)
        let value = try #require(types.record(OwnerStorageBTF.valueTypeID))
        #expect(Int(value.sizeOrType) == OwnerStorageValue.size)
        #expect(types.member("count", in: OwnerStorageBTF.valueTypeID)?.offset == 0)
        #expect(types.member("owners", in: OwnerStorageBTF.valueTypeID)?.offset == 16)
    }
}
