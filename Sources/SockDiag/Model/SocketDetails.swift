/// The optional extension attributes of a ``Socket`` (tcp_info, congestion control, memory), kept out of line so
/// that a socket without them stays small and copies without reference counting, and with them costs one
/// reference.
///
/// Copy-on-write: a storage object is mutated only while uniquely referenced. The parser reuses one storage object
/// for the next socket when the previous socket has been dropped, so streaming a dump with extensions allocates
/// only when the caller keeps sockets.
struct SocketDetails: Hashable, Sendable {
    /// The attributes; shared between copies until one of them is changed.
    final class Storage: @unchecked Sendable {
        // Mutated only while uniquely referenced (see `SocketDetails.modify` and `InetDiagParser`).
        var tcpInfo: TCPInfo?
        var congestion: CongestionControlName?
        var congestionControlInfo: CongestionControlInfo?
        var memory: SocketMemory?
        var typeOfService: TypeOfService?
        var storedOwners: SocketStoredOwners?

        init() {}

        /// Forgets every detail (before the storage is reused for the next socket).
        func clear() {
            tcpInfo = nil
            congestion = nil
            congestionControlInfo = nil
            memory = nil
            typeOfService = nil
            storedOwners = nil
        }

        func copy() -> Storage {
            let copy = Storage()
            copy.tcpInfo = tcpInfo
            copy.congestion = congestion
            copy.congestionControlInfo = congestionControlInfo
            copy.memory = memory
            copy.typeOfService = typeOfService
            copy.storedOwners = storedOwners
            return copy
        }

        var isEmpty: Bool {
            tcpInfo == nil && congestion == nil && congestionControlInfo == nil && memory == nil
                && typeOfService == nil && storedOwners == nil
        }
    }

    var storage: Storage?

    /// No attributes.
    static let none = SocketDetails(storage: nil)

    @inline(__always)
    func read<Value>(_ body: (Storage) -> Value?) -> Value? {
        guard let storage else { return nil }
        return body(storage)
    }

    /// Changes the attributes, copying the storage first when it is shared.
    mutating func modify(_ body: (Storage) -> Void) {
        if storage == nil {
            storage = Storage()
        } else if !isKnownUniquelyReferenced(&storage) {
            storage = storage!.copy()
        }
        body(storage!)
        if storage!.isEmpty { storage = nil }
    }

    static func == (lhs: SocketDetails, rhs: SocketDetails) -> Bool {
        if lhs.storage === rhs.storage { return true }
        return lhs.read(\.tcpInfo) == rhs.read(\.tcpInfo) && lhs.read(\.congestion) == rhs.read(\.congestion)
            && lhs.read(\.congestionControlInfo) == rhs.read(\.congestionControlInfo)
            && lhs.read(\.memory) == rhs.read(\.memory) && lhs.read(\.typeOfService) == rhs.read(\.typeOfService)
            && lhs.read(\.storedOwners) == rhs.read(\.storedOwners)
    }

    func hash(into hasher: inout Hasher) {
        hasher.combine(read(\.tcpInfo))
        hasher.combine(read(\.congestion))
        hasher.combine(read(\.congestionControlInfo))
        hasher.combine(read(\.memory))
        hasher.combine(read(\.typeOfService))
        hasher.combine(read(\.storedOwners))
    }
}
