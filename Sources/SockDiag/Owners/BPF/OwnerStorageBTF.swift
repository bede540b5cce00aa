/// The BTF blob that types the owner-storage map's key and value: the kernel creates a socket-storage map
/// (`BPF_MAP_TYPE_SK_STORAGE`) only with BTF ids for both (`bpf_local_storage_map_alloc_check`), and checks that
/// the key is a 32-bit integer (`bpf_local_storage_map_check_btf`).
///
/// Three types, in `include/uapi/linux/btf.h`'s layout:
/// ```c
/// typedef int;                                 // [1] INT "int", 4 bytes, signed
/// typedef int [8];                             // [2] ARRAY of [1], indexed by [1]
/// struct sockdiag_owners {                     // [3] STRUCT, ``OwnerStorageValue/size`` bytes
///     int count, last_pid, last_fd, pad;
///     int owners[8];                           // (pid, fd) of the first four owners
/// };
/// ```
enum OwnerStorageBTF {
    /// The BTF ids of the key (`int`) and the value (`struct sockdiag_owners`).
    static let keyTypeID: UInt32 = 1
    static let valueTypeID: UInt32 = 3

    /// The blob, in the machine's byte order (little-endian on every machine Swift runs Linux on).
    static func blob() -> [UInt8] {
        var strings: [UInt8] = [0]
        func name(_ text: String) -> UInt32 {
            let offset = UInt32(strings.count)
            strings += Array(text.utf8) + [0]
            return offset
        }
        var types: [UInt32] = []
        // [1] INT: name, info (kind 1), size 4, encoding (BTF_INT_SIGNED << 24 | 32 bits).
        types += [name("int"), 1 << 24, 4, 1 << 24 | 32]
        // [2] ARRAY: no name, info (kind 3), 0, then element type, index type, element count.
        types += [0, 3 << 24, 0, 1, 1, UInt32(2 * OwnerStorageValue.slots)]
        // [3] STRUCT: name, info (kind 4, 5 members), size, then each member's name, type and bit offset.
        let members: [(String, UInt32, UInt32)] = [
            ("count", 1, 0), ("last_pid", 1, 32), ("last_fd", 1, 64), ("pad", 1, 96), ("owners", 2, 128),
        ]
        types += [name("sockdiag_owners"), 4 << 24 | UInt32(members.count), UInt32(OwnerStorageValue.size)]
        for (member, type, bits) in members { types += [name(member), type, bits] }

        let typeLength = UInt32(types.count * 4)
        var blob: [UInt8] = []
        func append(_ word: UInt32) { withUnsafeBytes(of: word.littleEndian) { blob += $0 } }
        // Header: magic 0xEB9F, version 1, flags 0; header length; type section offset and length; string
        // section offset and length (offsets after the header).
        blob += [0x9F, 0xEB, 1, 0]
        for word in [24, 0, typeLength, typeLength, UInt32(strings.count)] { append(word) }
        for word in types { append(word) }
        blob += strings
        return blob
    }
}

/// The value the owner-storage program keeps on each socket: how many descriptors of processes refer to it, the
/// last (pid, fd) it recorded (so that a program run again on the same descriptor, as the kernel does when its
/// buffer filled, records it once), and the first ``slots`` (pid, fd) in the iterator's order (pid, then fd).
/// The others are written to the iterator's output (``OwnerStorageProgram``).
enum OwnerStorageValue {
    /// Owners kept on the socket itself.
    static let slots = 4
    /// The value's size: four 32-bit words, then `slots` pairs.
    static let size = 16 + 8 * slots
}
