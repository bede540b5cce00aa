#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// What the owner iterator's program must know of the running kernel, read from its BTF: the BTF id of the
/// `task_file` iterator and the byte offsets of the few fields the program reads.
struct TaskFileLayout: Equatable, Sendable {
    /// The BTF id of `bpf_iter_task_file`, the function whose prototype types the iterator's context.
    var iteratorID: UInt32
    /// `struct file`'s `f_inode` (a pointer).
    var fileInode: Int
    /// `struct inode`'s `i_mode` (16 bits: the file type in bits 12–15) and `i_ino` (64 bits).
    var inodeMode: Int
    var inodeNumber: Int
    /// `struct task_struct`'s `tgid` and `pid` (32 bits each) and `comm` (16 bytes).
    var taskTGID: Int
    var taskPID: Int
    var taskCommand: Int

    /// Where the kernel publishes its own BTF.
    static let vmlinuxPath = "/sys/kernel/btf/vmlinux"

    /// Reads the layout from `types`.
    /// - Throws: ``BTFError`` naming the first type or member that is missing or not of the expected shape.
    init(types: BTFTypes) throws(BTFError) {
        guard let iterator = types.typeID(named: "bpf_iter_task_file", kind: .function) else {
            throw BTFError("no bpf_iter_task_file (kernel without task_file iterators)")
        }
        // The context is the function's arguments, 8 bytes each: the program reads them at 0, 8, 16 and 24.
        guard types.parameterNames(ofFunction: iterator) == ["meta", "task", "fd", "file"] else {
            throw BTFError("bpf_iter_task_file's parameters are not (meta, task, fd, file)")
        }
        iteratorID = iterator
        fileInode = try Self.offset(of: "f_inode", in: "file", types: types, size: nil, pointer: true)
        inodeMode = try Self.offset(of: "i_mode", in: "inode", types: types, size: 2)
        inodeNumber = try Self.offset(of: "i_ino", in: "inode", types: types, size: 8)
        taskTGID = try Self.offset(of: "tgid", in: "task_struct", types: types, size: 4)
        taskPID = try Self.offset(of: "pid", in: "task_struct", types: types, size: 4)
        taskCommand = try Self.offset(of: "comm", in: "task_struct", types: types, size: nil, array: 16)
        guard try Self.offset(of: "seq", in: "bpf_iter_meta", types: types, size: nil, pointer: true) == 0 else {
            throw BTFError("bpf_iter_meta.seq is not its first member")
        }
    }

    /// Reads the running kernel's layout from ``vmlinuxPath``: parsed where the kernel maps it (6.16 and later;
    /// its pages are the kernel's, `remap_pfn_range`, and count in no process's RSS), else from a copy read whole.
    static func running() throws(BTFError) -> TaskFileLayout {
        try withRunningTypes { types throws(BTFError) in try TaskFileLayout(types: types) }
    }

    /// Calls `body` with the running kernel's types (``vmlinuxPath``), mapped where the kernel maps them, else
    /// read whole.
    static func withRunningTypes<Value>(
        _ body: (BTFTypes) throws(BTFError) -> Value
    ) throws(BTFError) -> Value {
        guard case .success(let fd) = valueOrErrno({ open(vmlinuxPath, O_RDONLY | O_CLOEXEC) }) else {
            throw BTFError("cannot open \(vmlinuxPath): \(Errno.current)")
        }
        defer { close(fd) }
        var status = stat()
        let size = fstat(fd, &status) == 0 && status.st_size > 0 ? Int(status.st_size) : 0
        if size > 0, let mapped = mmap(nil, size, PROT_READ, MAP_PRIVATE, fd, 0), mapped != MAP_FAILED {
            defer { munmap(mapped, size) }
            return try body(BTFTypes(mapped: UnsafeRawBufferPointer(start: mapped, count: size)))
        }
        return try body(BTFTypes(bytes: readAll(fd, size: size, path: vmlinuxPath)))
    }

    /// The byte offset of `structure.name`, checked to be an integer of `size` bytes, a pointer, or an array of
    /// `array` one-byte elements.
    static func offset(
        of name: String,
        in structure: String,
        types: BTFTypes,
        size: Int?,
        pointer: Bool = false,
        array: Int? = nil
    ) throws(BTFError) -> Int {
        guard let id = types.typeID(named: structure, kind: .structure) else {
            throw BTFError("no struct \(structure)")
        }
        guard let member = types.member(name, in: id), let type = types.record(types.resolved(member.type)) else {
            throw BTFError("no \(structure).\(name)")
        }
        let shaped: Bool
        if let size {
            shaped = (type.kind == .integer || type.kind == .enumeration) && Int(type.sizeOrType) == size
        } else if pointer {
            shaped = type.kind == .pointer
        } else if let array {
            shaped = type.kind == .array && arrayLength(type, types: types) == array
        } else {
            shaped = true
        }
        guard shaped else { throw BTFError("\(structure).\(name) has an unexpected type") }
        return member.offset
    }

    /// The element count of an array of one-byte elements; `nil` for another element size.
    private static func arrayLength(_ type: BTFTypes.TypeRecord, types: BTFTypes) -> Int? {
        let element = types.word(type.start + 12)
        let count = types.word(type.start + 20)
        guard let elementType = types.record(types.resolved(element)), elementType.kind == .integer,
            elementType.sizeOrType == 1
        else { return nil }
        return Int(count)
    }

    /// The rest of `fd`'s content, read until the end (sysfs reports no useful size for every file; `size` is a
    /// hint).
    static func readAll(_ fd: Int32, size: Int, path: String) throws(BTFError) -> [UInt8] {
        let hint = size > 0 ? size : 1 << 20
        var bytes = [UInt8](repeating: 0, count: hint + 1)
        var count = 0
        while true {
            if count == bytes.count { bytes.append(contentsOf: repeatElement(0, count: bytes.count)) }
            let filled = count
            let result = bytes.withUnsafeMutableBytes { buffer in
                valueOrErrno { read(fd, buffer.baseAddress! + filled, buffer.count - filled) }
            }
            guard case .success(let length) = result else { throw BTFError("cannot read \(path)") }
            if length == 0 { break }
            count += length
        }
        bytes.removeSubrange(count...)
        return bytes
    }
}
