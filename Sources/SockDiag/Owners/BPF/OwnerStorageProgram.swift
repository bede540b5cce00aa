/// The owner-storage program (``SocketOwnerStorage``): run by the `task_file` iterator once per open descriptor,
/// it attaches each TCP socket of one network namespace to its owners *on the socket itself*, in a
/// socket-storage map (`BPF_MAP_TYPE_SK_STORAGE`), which inet_diag then puts in the socket's dump reply
/// (`INET_DIAG_SK_BPF_STORAGES`). Only what does not fit on the socket goes to user space: each owning process's
/// name once (the every-socket program's 32-byte name record) and the owners past the first
/// ``OwnerStorageValue/slots`` of a socket (a 16-byte ``SocketOwnerTable/Entry``).
///
/// In C it would read:
/// ```c
/// if (!task || !file) return 0;
/// if ((file->f_inode->i_mode & S_IFMT) != S_IFSOCK || task->pid != task->tgid) return 0;
/// struct { __u64 ino; __u32 tgid; __s32 fd; } entry = { file->f_inode->i_ino, task->tgid, fd };
/// struct socket *sock = bpf_sock_from_file(file);
/// struct sock *sk = sock ? sock->sk : NULL;
/// if (!sk || (sk->sk_family != AF_INET && sk->sk_family != AF_INET6) || sk->sk_protocol != IPPROTO_TCP) return 0;
/// if (sk->sk_net.net->ns.inum != NAMESPACE) return 0;
/// __u32 zero = 0, *last = bpf_map_lookup_elem(&last_process, &zero);
/// if (!last) return 0;
/// if (*last != entry.tgid) {
///     struct { __u64 zero; __u32 tgid, pad; char comm[16]; } named = { 0, entry.tgid, 0, ... };
///     if (bpf_seq_write(meta->seq, &named, 32)) return 0;  // buffer full: run again at the next read()
///     *last = entry.tgid;
/// }
/// struct sockdiag_owners *v = bpf_sk_storage_get(&owners, sk, NULL, BPF_SK_STORAGE_GET_F_CREATE);
/// if (!v) { bpf_seq_write(meta->seq, &entry, 16); return 0; }  // no storage: the owner goes to user space
/// __u32 index;
/// if (v->last_pid == entry.tgid && v->last_fd == fd) index = v->count - 1;  // run again: recorded already
/// else { index = v->count++; v->last_pid = entry.tgid; v->last_fd = fd;
///        if (index < 4) { v->owners[2 * index] = entry.tgid; v->owners[2 * index + 1] = fd; return 0; } }
/// if (index >= 4) bpf_seq_write(meta->seq, &entry, 16);
/// return 0;
/// ```
/// The namespace is compared as a 32-bit register (`mov32` zero-extends), so inodes above 2^31 compare right.
enum OwnerStorageProgram {
    typealias Instruction = TaskFileProgram.Instruction

    static let sockFromFile: Int32 = 162, storageGet: Int32 = 107
    static let storeImmediateWord: UInt8 = 0x62, moveImmediate32: UInt8 = 0xB4
    static let shiftLeftImmediate: UInt8 = 0x67, addRegister: UInt8 = 0x0F, subtractImmediate: UInt8 = 0x17
    static let jumpAtLeast: UInt8 = 0x35, jumpBelow: UInt8 = 0xA5

    /// Stack slots: the entry (inode, pid, fd), the name record, the key of the last-process map.
    static let entry: Int16 = -16, named: Int16 = -48, lastKey: Int16 = -56

    /// A program with named jump targets.
    private struct Assembly {
        var code: [Instruction] = []
        var jumps: [(index: Int, label: String)] = []
        var labels: [String: Int] = [:]

        mutating func emit(_ instructions: Instruction...) { code += instructions }

        mutating func jump(_ instruction: Instruction, to label: String) {
            jumps.append((code.count, label))
            code.append(instruction)
        }

        mutating func label(_ name: String) { labels[name] = code.count }

        /// The code with every jump resolved; the prologue's (offset 0) go to `done`.
        func resolved(prologue: Int) -> [Instruction] {
            var code = self.code
            for index in 0..<prologue where code[index].opcode & 0x07 == 0x05 && code[index].offset == 0 {
                let operation = code[index].opcode & 0xF0
                if operation != 0x80 && operation != 0x90 { code[index].offset = Int16(labels["done"]! - index - 1) }
            }
            for (index, label) in jumps { code[index].offset = Int16(labels[label]! - index - 1) }
            return code
        }
    }

    /// The program for `layout`, recording in the socket-storage map `owners` the sockets of the network
    /// namespace whose inode is `namespace`, naming processes once with the one-slot array map `last`.
    static func instructions(layout: OwnerStorageLayout, namespace: UInt32, owners: Int32, last: Int32)
        -> [Instruction]
    {
        typealias P = TaskFileProgram
        let task = layout.task
        var asm = Assembly()
        asm.code = P.socketPrologue(task)
        let prologue = asm.code.count
        asm.emit(
            Instruction(P.loadWord, dst: 3, src: 7, offset: Int16(task.taskTGID)),
            Instruction(P.loadWord, dst: 4, src: 7, offset: Int16(task.taskPID))
        )
        asm.jump(Instruction(P.jumpNotEqualRegister, dst: 3, src: 4), to: "done")  // a thread's own table
        asm.emit(
            Instruction(P.loadDouble, dst: 5, src: 1, offset: Int16(task.inodeNumber)),
            Instruction(P.storeDouble, dst: 10, src: 5, offset: entry),  // entry.inode
            Instruction(P.storeWord, dst: 10, src: 3, offset: entry + 8),  // entry.pid
            Instruction(P.storeWord, dst: 10, src: 9, offset: entry + 12),  // entry.fd
            Instruction(P.moveRegister, dst: 1, src: 8),
            Instruction(P.call, immediate: sockFromFile)  // r0 = struct socket *
        )
        asm.jump(Instruction(P.jumpEqual, dst: 0), to: "done")
        asm.emit(Instruction(P.loadDouble, dst: 8, src: 0, offset: Int16(layout.socketSock)))  // r8 = sk
        asm.jump(Instruction(P.jumpEqual, dst: 8), to: "done")
        asm.emit(Instruction(P.loadHalf, dst: 2, src: 8, offset: Int16(layout.sockFamily)))
        asm.jump(Instruction(P.jumpEqual, dst: 2, immediate: 2), to: "inet")  // AF_INET
        asm.jump(Instruction(P.jumpNotEqual, dst: 2, immediate: 10), to: "done")  // not AF_INET6
        asm.label("inet")
        asm.emit(Instruction(P.loadHalf, dst: 2, src: 8, offset: Int16(layout.sockProtocol)))
        asm.jump(Instruction(P.jumpNotEqual, dst: 2, immediate: 6), to: "done")  // not IPPROTO_TCP
        asm.emit(
            Instruction(P.loadDouble, dst: 2, src: 8, offset: Int16(layout.sockNet)),  // r2 = net
            Instruction(P.loadWord, dst: 2, src: 2, offset: Int16(layout.netInode)),  // r2 = net->ns.inum
            Instruction(moveImmediate32, dst: 3, immediate: Int32(bitPattern: namespace))
        )
        asm.jump(Instruction(P.jumpNotEqualRegister, dst: 2, src: 3), to: "done")  // another namespace
        nameProcess(&asm, task: task, last: last)
        recordOwner(&asm, owners: owners)
        asm.label("done")
        asm.emit(Instruction(P.moveImmediate, dst: 0, immediate: 0), Instruction(P.exit))
        return asm.resolved(prologue: prologue)
    }

    /// Writes the process's name record unless the last one written named it; on a full buffer, returns.
    private static func nameProcess(_ asm: inout Assembly, task: TaskFileLayout, last: Int32) {
        typealias P = TaskFileProgram
        asm.emit(
            Instruction(storeImmediateWord, dst: 10, offset: lastKey, immediate: 0),
            Instruction(P.loadImmediate64, dst: 1, src: P.pseudoMapDescriptor, immediate: last),
            Instruction(0),
            Instruction(P.moveRegister, dst: 2, src: 10),
            Instruction(P.addImmediate, dst: 2, immediate: Int32(lastKey)),
            Instruction(P.call, immediate: P.mapLookupElement)
        )
        asm.jump(Instruction(P.jumpEqual, dst: 0), to: "done")  // no slot (never)
        asm.emit(
            Instruction(P.moveRegister, dst: 9, src: 0),  // r9 = &last
            Instruction(P.loadWord, dst: 3, src: 9, offset: 0),
            Instruction(P.loadWord, dst: 4, src: 10, offset: entry + 8)
        )
        asm.jump(Instruction(P.jumpEqualRegister, dst: 3, src: 4), to: "named")
        asm.emit(
            Instruction(P.moveImmediate, dst: 1, immediate: 0),
            Instruction(P.storeDouble, dst: 10, src: 1, offset: named),  // marker: inode 0
            Instruction(P.storeWord, dst: 10, src: 4, offset: named + 8),  // marker: pid
            Instruction(P.storeWord, dst: 10, src: 1, offset: named + 12),
            Instruction(P.loadDouble, dst: 3, src: 7, offset: Int16(task.taskCommand)),
            Instruction(P.storeDouble, dst: 10, src: 3, offset: named + 16),  // comm[0..<8]
            Instruction(P.loadDouble, dst: 3, src: 7, offset: Int16(task.taskCommand + 8)),
            Instruction(P.storeDouble, dst: 10, src: 3, offset: named + 24),  // comm[8..<16]
            Instruction(P.loadDouble, dst: 1, src: 6, offset: 0),  // r1 = meta->seq
            Instruction(P.moveRegister, dst: 2, src: 10),
            Instruction(P.addImmediate, dst: 2, immediate: Int32(named)),
            Instruction(P.moveImmediate, dst: 3, immediate: 32),
            Instruction(P.call, immediate: P.seqWrite)
        )
        asm.jump(Instruction(P.jumpNotEqual, dst: 0, immediate: 0), to: "done")  // buffer full: run again
        asm.emit(
            Instruction(P.loadWord, dst: 4, src: 10, offset: entry + 8),
            Instruction(P.storeWord, dst: 9, src: 4, offset: 0)  // *last = pid
        )
        asm.label("named")
    }

    /// Records the owner in the socket's storage, or writes it as an overflow entry past the first slots.
    private static func recordOwner(_ asm: inout Assembly, owners: Int32) {
        typealias P = TaskFileProgram
        asm.emit(
            Instruction(P.loadImmediate64, dst: 1, src: P.pseudoMapDescriptor, immediate: owners),
            Instruction(0),
            Instruction(P.moveRegister, dst: 2, src: 8),
            Instruction(P.moveImmediate, dst: 3, immediate: 0),
            Instruction(P.moveImmediate, dst: 4, immediate: 1),  // BPF_SK_STORAGE_GET_F_CREATE
            Instruction(P.call, immediate: storageGet)
        )
        asm.jump(Instruction(P.jumpEqual, dst: 0), to: "failed")
        asm.emit(
            Instruction(P.moveRegister, dst: 9, src: 0),  // r9 = value
            Instruction(P.loadWord, dst: 3, src: 9, offset: 0),  // r3 = count
            Instruction(P.loadWord, dst: 4, src: 9, offset: 4),
            Instruction(P.loadWord, dst: 5, src: 10, offset: entry + 8)
        )
        asm.jump(Instruction(P.jumpNotEqualRegister, dst: 4, src: 5), to: "fresh")
        asm.emit(
            Instruction(P.loadWord, dst: 4, src: 9, offset: 8),
            Instruction(P.loadWord, dst: 5, src: 10, offset: entry + 12)
        )
        asm.jump(Instruction(P.jumpNotEqualRegister, dst: 4, src: 5), to: "fresh")
        asm.emit(Instruction(subtractImmediate, dst: 3, immediate: 1))  // run again: index = count - 1
        asm.jump(Instruction(P.jump), to: "overflow")
        asm.label("fresh")
        asm.emit(
            Instruction(P.moveRegister, dst: 4, src: 3),
            Instruction(P.addImmediate, dst: 4, immediate: 1),
            Instruction(P.storeWord, dst: 9, src: 4, offset: 0),  // count + 1
            Instruction(P.loadWord, dst: 4, src: 10, offset: entry + 8),
            Instruction(P.storeWord, dst: 9, src: 4, offset: 4),  // last_pid
            Instruction(P.loadWord, dst: 5, src: 10, offset: entry + 12),
            Instruction(P.storeWord, dst: 9, src: 5, offset: 8)  // last_fd
        )
        asm.jump(Instruction(jumpAtLeast, dst: 3, immediate: Int32(OwnerStorageValue.slots)), to: "overflow")
        asm.emit(
            Instruction(shiftLeftImmediate, dst: 3, immediate: 3),
            Instruction(addRegister, dst: 3, src: 9),
            Instruction(P.storeWord, dst: 3, src: 4, offset: 16),  // owners[index].pid
            Instruction(P.storeWord, dst: 3, src: 5, offset: 20)  // owners[index].fd
        )
        asm.jump(Instruction(P.jump), to: "done")
        asm.label("overflow")
        asm.jump(Instruction(jumpBelow, dst: 3, immediate: Int32(OwnerStorageValue.slots)), to: "done")
        asm.jump(Instruction(P.jump), to: "write")
        // No storage for this socket (the kernel refused it: the socket's option memory is over
        // `net.core.optmem_max`, or it is being freed): the owner goes to user space as an overflow entry does.
        asm.label("failed")
        asm.label("write")
        asm.emit(
            Instruction(P.loadDouble, dst: 1, src: 6, offset: 0),
            Instruction(P.moveRegister, dst: 2, src: 10),
            Instruction(P.addImmediate, dst: 2, immediate: Int32(entry)),
            Instruction(P.moveImmediate, dst: 3, immediate: 16),
            Instruction(P.call, immediate: P.seqWrite)
        )
    }
}
