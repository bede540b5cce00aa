/// The BPF Type Format: the kernel's description of its own types (`/sys/kernel/btf/vmlinux`), read just far
/// enough to find a few named types and the byte offsets of their members.
///
/// The layout is the kernel's `include/uapi/linux/btf.h`: a header (magic `0xEB9F`, the type and string sections'
/// offsets and lengths after the header), then `struct btf_type` records (name offset, `info` with the kind in
/// bits 24–28, the member count in bits 0–15 and the bitfield flag in bit 31, then a size or a type id), each
/// followed by data whose length its kind fixes. Type ids count the records from 1 (0 is `void`). The blob is in
/// the machine's byte order; a blob in the other order is rejected.
///
/// The blob is read in place (``init(mapped:)``: the kernel's 5.5 MB mapped, not copied); only the index of the
/// records' starts is allocated (4 bytes per type).
struct BTFTypes {
    /// Bytes that a ``BTFTypes`` made by ``BTFTypes/init(bytes:)`` owns.
    final class Storage {
        let raw: UnsafeMutableRawBufferPointer

        init(_ bytes: [UInt8]) {
            raw = .allocate(byteCount: max(bytes.count, 1), alignment: 8)
            raw.copyBytes(from: bytes)
        }

        deinit { raw.deallocate() }
    }

    /// The kinds this reader names (`BTF_KIND_*`).
    enum Kind: UInt32 {
        case integer = 1
        case pointer, array, structure, union, enumeration, forward, typedef, volatile, constant,
            restrict, function, functionPrototype, variable, dataSection, float, declarationTag, typeTag,
            enumeration64
    }

    /// One type record: its kind, name, member count, flag and the size-or-type word.
    struct TypeRecord {
        var kind: Kind?
        var nameOffset: UInt32
        var count: Int
        var kindFlag: Bool
        var sizeOrType: UInt32
        /// Where the record starts in ``BTFTypes/raw``.
        var start: Int
    }

    /// A member found by ``BTFTypes/member(_:in:)``: its byte offset from the start of the outer struct and its type.
    struct Member: Equatable {
        var offset: Int
        var type: UInt32
    }

    /// The blob: ``storage``'s, or a mapping the creator keeps for the value's lifetime.
    let raw: UnsafeRawBufferPointer
    private let storage: Storage?
    let typeStart: Int
    let stringStart: Int
    let stringEnd: Int
    /// Where each type record starts, indexed by type id (index 0, `void`, is unused).
    let recordStarts: [UInt32]

    /// Parses a copy of `bytes`.
    /// - Throws: As ``init(mapped:)``.
    init(bytes: [UInt8]) throws(BTFError) {
        let storage = Storage(bytes)
        try self.init(raw: UnsafeRawBufferPointer(rebasing: storage.raw[0..<bytes.count]), storage: storage)
    }

    /// Parses `mapped` in place; the caller keeps it readable (mapped) as long as the value is used.
    /// - Throws: ``BTFError`` for a blob that is not BTF, in the other byte order, or whose sections or records
    ///   run past its end.
    init(mapped: UnsafeRawBufferPointer) throws(BTFError) {
        try self.init(raw: mapped, storage: nil)
    }

    private init(raw bytes: UnsafeRawBufferPointer, storage: Storage?) throws(BTFError) {
        raw = bytes
        self.storage = storage
        guard bytes.count >= 24 else { throw BTFError("shorter than a BTF header") }
        func word(_ offset: Int) -> UInt32 {
            bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
        }
        guard bytes.loadUnaligned(as: UInt16.self) == 0xEB9F else {
            throw BTFError("no BTF magic (or the other byte order)")
        }
        let headerLength = Int(word(4))
        let typeOffset = Int(word(8))
        let typeLength = Int(word(12))
        let stringOffset = Int(word(16))
        let stringLength = Int(word(20))
        typeStart = headerLength + typeOffset
        stringStart = headerLength + stringOffset
        stringEnd = stringStart + stringLength
        guard headerLength >= 24, typeStart + typeLength <= bytes.count, stringEnd <= bytes.count else {
            throw BTFError("sections past the end of the blob")
        }
        recordStarts = try Self.indexRecords(bytes, from: typeStart, to: typeStart + typeLength)
    }

    /// The start of every type record, in id order.
    private static func indexRecords(
        _ raw: UnsafeRawBufferPointer,
        from start: Int,
        to end: Int
    ) throws(BTFError) -> [UInt32] {
        guard end <= Int(UInt32.max) else { throw BTFError("a blob over 4 GiB") }
        var starts: [UInt32] = [0]
        var offset = start
        while offset < end {
            guard offset + 12 <= end else { throw BTFError("a type record past the end") }
            let info = raw.loadUnaligned(fromByteOffset: offset + 4, as: UInt32.self)
            let count = Int(info & 0xFFFF)
            guard let kind = Kind(rawValue: (info >> 24) & 0x1F) else {
                throw BTFError("unknown type kind \((info >> 24) & 0x1F)")
            }
            starts.append(UInt32(offset))
            offset += 12 + trailingLength(kind, count: count)
        }
        guard offset == end else { throw BTFError("a type record past the end") }
        return starts
    }

    /// The bytes that follow a record of `kind` with `count` members.
    private static func trailingLength(_ kind: Kind, count: Int) -> Int {
        switch kind {
        case .integer, .variable, .declarationTag: 4
        case .array: 12
        case .structure, .union, .dataSection, .enumeration64: 12 * count
        case .enumeration, .functionPrototype: 8 * count
        case .pointer, .forward, .typedef, .volatile, .constant, .restrict, .function, .float, .typeTag: 0
        }
    }

    /// The record of type `id`; `nil` for `void` (0) or an id past the last type.
    func record(_ id: UInt32) -> TypeRecord? {
        guard id > 0, Int(id) < recordStarts.count else { return nil }
        let start = Int(recordStarts[Int(id)])
        let info = word(start + 4)
        return TypeRecord(
            kind: Kind(rawValue: (info >> 24) & 0x1F),
            nameOffset: word(start),
            count: Int(info & 0xFFFF),
            kindFlag: info & 0x8000_0000 != 0,
            sizeOrType: word(start + 8),
            start: start
        )
    }

    /// The first type of `kind` named `name`: one pass over the records, comparing names only for that kind.
    func typeID(named name: String, kind: Kind) -> UInt32? {
        let wanted = Array(name.utf8)
        for id in 1..<recordStarts.count {
            let start = Int(recordStarts[id])
            guard (word(start + 4) >> 24) & 0x1F == kind.rawValue, nameEquals(word(start), wanted) else { continue }
            return UInt32(id)
        }
        return nil
    }

    /// The member `name` of the struct or union `id`, looked for also inside its anonymous struct and union
    /// members (the kernel nests many fields so); the offset counts from the start of `id`.
    func member(_ name: String, in id: UInt32) -> Member? {
        member(Array(name.utf8), in: id)
    }

    private func member(_ wanted: [UInt8], in id: UInt32) -> Member? {
        guard let outer = record(id), outer.kind == .structure || outer.kind == .union else { return nil }
        for index in 0..<outer.count {
            let at = outer.start + 12 + 12 * index
            let nameOffset = word(at)
            let type = word(at + 4)
            let offsetWord = word(at + 8)
            let bits = outer.kindFlag ? offsetWord & 0x00FF_FFFF : offsetWord
            if nameOffset == 0, let inner = member(wanted, in: resolved(type)) {
                return Member(offset: Int(bits / 8) + inner.offset, type: inner.type)
            }
            if nameOffset != 0, nameEquals(nameOffset, wanted) {
                return Member(offset: Int(bits / 8), type: type)
            }
        }
        return nil
    }

    /// `id` with its typedefs and qualifiers (`const`, `volatile`, `restrict`, type tags) removed.
    func resolved(_ id: UInt32) -> UInt32 {
        var current = id
        for _ in 0..<32 {
            guard let type = record(current) else { return current }
            switch type.kind {
            case .typedef, .volatile, .constant, .restrict, .typeTag: current = type.sizeOrType
            default: return current
            }
        }
        return current
    }

    /// The names of the parameters of the function `id` (a `FUNC` record pointing to its prototype), in order.
    func parameterNames(ofFunction id: UInt32) -> [String]? {
        guard let function = record(id), function.kind == .function,
            let prototype = record(function.sizeOrType), prototype.kind == .functionPrototype
        else { return nil }
        return (0..<prototype.count).map { index in string(at: word(prototype.start + 12 + 8 * index)) }
    }

    /// The NUL-terminated string at `offset` in the string section; empty past its end.
    func string(at offset: UInt32) -> String {
        var index = stringStart + Int(offset)
        var utf8: [UInt8] = []
        while index < stringEnd, raw[index] != 0 {
            utf8.append(raw[index])
            index += 1
        }
        return String(decoding: utf8, as: UTF8.self)
    }

    private func nameEquals(_ offset: UInt32, _ wanted: [UInt8]) -> Bool {
        let start = stringStart + Int(offset)
        guard start + wanted.count < stringEnd else { return false }
        for index in 0..<wanted.count where raw[start + index] != wanted[index] { return false }
        return raw[start + wanted.count] == 0
    }

    func word(_ offset: Int) -> UInt32 {
        raw.loadUnaligned(fromByteOffset: offset, as: UInt32.self)
    }
}

/// Why a BTF blob could not be read, or lacks what the owner iterator needs.
struct BTFError: Error, Equatable, CustomStringConvertible {
    let description: String

    init(_ description: String) {
        self.description = description
    }
}
