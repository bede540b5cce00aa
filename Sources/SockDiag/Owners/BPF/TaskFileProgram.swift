/// The owner iterator's BPF program, assembled here as the inet_diag filter bytecode is: run by the kernel's
/// `task_file` iterator once per open descriptor of every process, it writes one ``TaskFileRecord`` for each
/// descriptor whose file is a socket with an inode in the map of wanted inodes, and nothing for any other.
///
/// In C it would read:
/// ```c
/// if (!task || !file) return 0;
/// struct inode *inode = file->f_inode;
/// if ((inode->i_mode & S_IFMT) != S_IFSOCK) return 0;
/// __u64 ino = inode->i_ino;
/// if (!bpf_map_lookup_elem(&wanted, &ino)) return 0;
/// struct record r = { ino, task->tgid, task->pid, fd, 0, task->comm };
/// bpf_seq_write(meta->seq, &r, sizeof(r));
/// return 0;
/// ```
/// The offsets come from the running kernel's BTF (``TaskFileLayout``); the verifier checks every read against
/// the same BTF, and reads through a kernel pointer cannot fault.
enum TaskFileProgram {
    /// One 8-byte BPF instruction.
    struct Instruction: Equatable {
        var opcode: UInt8
        var registers: UInt8
        var offset: Int16
        var immediate: Int32

        init(_ opcode: UInt8, dst: UInt8 = 0, src: UInt8 = 0, offset: Int16 = 0, immediate: Int32 = 0) {
            self.opcode = opcode
            registers = src << 4 | dst
            self.offset = offset
            self.immediate = immediate
        }
    }

    // Opcodes (`include/uapi/linux/bpf.h`): class | size or operation | source.
    static let loadDouble: UInt8 = 0x79, loadWord: UInt8 = 0x61, loadHalf: UInt8 = 0x69
    static let storeDouble: UInt8 = 0x7B, storeWord: UInt8 = 0x63
    static let moveRegister: UInt8 = 0xBF, moveImmediate: UInt8 = 0xB7
    static let addImmediate: UInt8 = 0x07, andImmediate: UInt8 = 0x57
    static let jumpEqual: UInt8 = 0x15, jumpNotEqual: UInt8 = 0x55
    static let jumpEqualRegister: UInt8 = 0x1D, jumpNotEqualRegister: UInt8 = 0x5D, jump: UInt8 = 0x05
    static let call: UInt8 = 0x85, exit: UInt8 = 0x95, loadImmediate64: UInt8 = 0x18
    /// `BPF_PSEUDO_MAP_FD`: the 64-bit immediate is a map descriptor.
    static let pseudoMapDescriptor: UInt8 = 1
    static let mapLookupElement: Int32 = 1, seqWrite: Int32 = 127
    /// The stack slot of the map key, below the record.
    static let keySlot: Int16 = -48

    /// What both programs start with: r6 = `meta`, r7 = `task`, r8 = `file`, r9 = `fd`, r1 = `file->f_inode`, and a
    /// branch to the end (patched later) unless there are a task and a file, and the file is a socket.
    static func socketPrologue(_ layout: TaskFileLayout) -> [Instruction] {
        [
            Instruction(loadDouble, dst: 6, src: 1, offset: 0),  // r6 = ctx->meta
            Instruction(loadDouble, dst: 7, src: 1, offset: 8),  // r7 = ctx->task
            Instruction(loadWord, dst: 9, src: 1, offset: 16),  // r9 = ctx->fd
            Instruction(loadDouble, dst: 8, src: 1, offset: 24),  // r8 = ctx->file
            Instruction(jumpEqual, dst: 7),  // no task: done
            Instruction(jumpEqual, dst: 8),  // no file: done
            Instruction(loadDouble, dst: 1, src: 8, offset: Int16(layout.fileInode)),  // r1 = file->f_inode
            Instruction(loadHalf, dst: 2, src: 1, offset: Int16(layout.inodeMode)),  // r2 = inode->i_mode
            Instruction(andImmediate, dst: 2, immediate: 0xF000),  // S_IFMT
            Instruction(jumpNotEqual, dst: 2, immediate: 0xC000),  // not S_IFSOCK: done
        ]
    }

    /// The program for `layout`, looking inodes up in the hash map `map` (a descriptor).
    static func instructions(layout: TaskFileLayout, map: Int32) -> [Instruction] {
        let record = -Int16(TaskFileRecord.size)
        // The branches to the final `return 0` are patched once its index is known.
        var code = socketPrologue(layout)
        code += [
            Instruction(loadDouble, dst: 3, src: 1, offset: Int16(layout.inodeNumber)),  // r3 = inode->i_ino
            Instruction(storeDouble, dst: 10, src: 3, offset: keySlot),
            Instruction(loadImmediate64, dst: 1, src: pseudoMapDescriptor, immediate: map),  // r1 = &wanted
            Instruction(0),
            Instruction(moveRegister, dst: 2, src: 10),
            Instruction(addImmediate, dst: 2, immediate: Int32(keySlot)),  // r2 = &key
            Instruction(call, immediate: mapLookupElement),
            Instruction(jumpEqual, dst: 0),  // not wanted: done
            Instruction(loadDouble, dst: 3, src: 10, offset: keySlot),
            Instruction(storeDouble, dst: 10, src: 3, offset: record),  // record.inode
            Instruction(loadWord, dst: 3, src: 7, offset: Int16(layout.taskTGID)),
            Instruction(storeWord, dst: 10, src: 3, offset: record + 8),  // record.tgid
            Instruction(loadWord, dst: 3, src: 7, offset: Int16(layout.taskPID)),
            Instruction(storeWord, dst: 10, src: 3, offset: record + 12),  // record.pid
            Instruction(storeWord, dst: 10, src: 9, offset: record + 16),  // record.fd
            Instruction(moveImmediate, dst: 3, immediate: 0),
            Instruction(storeWord, dst: 10, src: 3, offset: record + 20),  // padding
            Instruction(loadDouble, dst: 3, src: 7, offset: Int16(layout.taskCommand)),
            Instruction(storeDouble, dst: 10, src: 3, offset: record + 24),  // record.comm[0..<8]
            Instruction(loadDouble, dst: 3, src: 7, offset: Int16(layout.taskCommand + 8)),
            Instruction(storeDouble, dst: 10, src: 3, offset: record + 32),  // record.comm[8..<16]
            Instruction(loadDouble, dst: 1, src: 6, offset: 0),  // r1 = meta->seq
            Instruction(moveRegister, dst: 2, src: 10),
            Instruction(addImmediate, dst: 2, immediate: Int32(record)),  // r2 = &record
            Instruction(moveImmediate, dst: 3, immediate: Int32(TaskFileRecord.size)),
            Instruction(call, immediate: seqWrite),
        ]
        let done = code.count
        for index in code.indices
        where code[index].opcode == jumpEqual || code[index].opcode == jumpNotEqual {
            code[index].offset = Int16(done - index - 1)
        }
        code.append(Instruction(moveImmediate, dst: 0, immediate: 0))
        code.append(Instruction(exit))
        return code
    }

    /// The instructions as the kernel reads them (`struct bpf_insn`, little-endian on every machine Swift runs
    /// Linux on).
    static func bytes(_ code: [Instruction]) -> [UInt8] {
        var bytes: [UInt8] = []
        bytes.reserveCapacity(code.count * 8)
        for instruction in code {
            bytes.append(instruction.opcode)
            bytes.append(instruction.registers)
            withUnsafeBytes(of: instruction.offset.littleEndian) { bytes.append(contentsOf: $0) }
            withUnsafeBytes(of: instruction.immediate.littleEndian) { bytes.append(contentsOf: $0) }
        }
        return bytes
    }
}

/// What the program writes for one descriptor: 40 bytes, the socket inode (8), the process id (`tgid`, 4), the
/// thread id (`pid`, 4), the descriptor (4), padding (4) and the command name (16, NUL-padded).
struct TaskFileRecord: Equatable {
    static let size = 40

    var inode: UInt64
    var pid: Int32
    var tid: Int32
    var fd: Int32
    var command: String

    init(inode: UInt64, pid: Int32, tid: Int32, fd: Int32, command: String) {
        self.inode = inode
        self.pid = pid
        self.tid = tid
        self.fd = fd
        self.command = command
    }

    /// Reads the record at the start of `raw` (at least ``size`` bytes).
    init(_ raw: UnsafeRawBufferPointer) {
        inode = raw.loadUnaligned(fromByteOffset: 0, as: UInt64.self)
        pid = raw.loadUnaligned(fromByteOffset: 8, as: Int32.self)
        tid = raw.loadUnaligned(fromByteOffset: 12, as: Int32.self)
        fd = raw.loadUnaligned(fromByteOffset: 16, as: Int32.self)
        command = Self.command(UnsafeRawBufferPointer(rebasing: raw[24..<40]))
    }

    /// The command name in the 16 NUL-padded bytes at the start of `raw`.
    static func command(_ raw: UnsafeRawBufferPointer) -> String {
        let name = UnsafeRawBufferPointer(rebasing: raw[0..<16])
        let length = name.firstIndex(of: 0) ?? 16
        return String(decoding: UnsafeRawBufferPointer(rebasing: name[0..<length]), as: UTF8.self)
    }
}
