/// The every-socket program (``TaskFileIterator/everySocket(into:)``): for each descriptor of a process (not of
/// a thread with a table of its own) whose file is a socket, a 16-byte ``SocketOwnerTable/Entry`` (inode, process
/// id, descriptor), preceded, at the first such descriptor of each process, by a 32-byte name record: a 16-byte
/// marker of inode 0 (no socket has inode 0) with the process id, then its command name (16 bytes, NUL-padded).
///
/// In C it would read:
/// ```c
/// if (!task || !file) return 0;
/// struct inode *inode = file->f_inode;
/// if ((inode->i_mode & S_IFMT) != S_IFSOCK || task->pid != task->tgid) return 0;
/// struct { __u64 ino; __u32 tgid; __s32 fd; } entry = { inode->i_ino, task->tgid, fd };
/// __u32 zero = 0, *last = bpf_map_lookup_elem(&last_process, &zero);  // one slot, reset before each run
/// if (!last) return 0;
/// if (*last == entry.tgid) { bpf_seq_write(meta->seq, &entry, 16); return 0; }
/// struct { __u64 zero; __u32 tgid, pad; char comm[16]; typeof(entry) entry; } named = { 0, entry.tgid, 0, ... };
/// if (bpf_seq_write(meta->seq, &named, 48) == 0) *last = entry.tgid;
/// return 0;
/// ```
/// The slot is updated only once the name is written: when the kernel's buffer is full, it drops the object's
/// output and runs the program on the same descriptor again at the next `read()`, which then writes the name again.
extension TaskFileProgram {
    /// Stack slots: the entry, the name record just below it (so both go in one write), the map key.
    static let entrySlot: Int16 = -16, namedSlot: Int16 = -48, lastKeySlot: Int16 = -56

    /// The every-socket program for `layout`, keeping the last named process in the one-slot array map `last`.
    static func everySocketInstructions(layout: TaskFileLayout, last: Int32) -> [Instruction] {
        let entry = entrySlot, named = namedSlot
        var code = socketPrologue(layout)
        code += [
            Instruction(loadWord, dst: 3, src: 7, offset: Int16(layout.taskTGID)),  // r3 = task->tgid
            Instruction(loadWord, dst: 4, src: 7, offset: Int16(layout.taskPID)),  // r4 = task->pid
            Instruction(jumpNotEqualRegister, dst: 3, src: 4),  // a thread with a table of its own: done
            Instruction(loadDouble, dst: 5, src: 1, offset: Int16(layout.inodeNumber)),  // r5 = inode->i_ino
            Instruction(storeDouble, dst: 10, src: 5, offset: entry),  // entry.inode
            Instruction(storeWord, dst: 10, src: 3, offset: entry + 8),  // entry.pid
            Instruction(storeWord, dst: 10, src: 9, offset: entry + 12),  // entry.fd
            Instruction(moveImmediate, dst: 1, immediate: 0),
            Instruction(storeWord, dst: 10, src: 1, offset: lastKeySlot),  // key 0
            Instruction(loadImmediate64, dst: 1, src: pseudoMapDescriptor, immediate: last),  // r1 = &last_process
            Instruction(0),
            Instruction(moveRegister, dst: 2, src: 10),
            Instruction(addImmediate, dst: 2, immediate: Int32(lastKeySlot)),  // r2 = &key
            Instruction(call, immediate: mapLookupElement),
            Instruction(jumpEqual, dst: 0),  // no slot (never): done
            Instruction(moveRegister, dst: 9, src: 0),  // r9 = &last
            Instruction(loadWord, dst: 3, src: 9, offset: 0),  // r3 = *last
            Instruction(loadWord, dst: 4, src: 10, offset: entry + 8),  // r4 = entry.pid
            Instruction(jumpEqualRegister, dst: 3, src: 4),  // named already: write the entry alone
            Instruction(moveImmediate, dst: 1, immediate: 0),
            Instruction(storeDouble, dst: 10, src: 1, offset: named),  // marker: inode 0
            Instruction(storeWord, dst: 10, src: 4, offset: named + 8),  // marker: pid
            Instruction(storeWord, dst: 10, src: 1, offset: named + 12),  // marker: padding
            Instruction(loadDouble, dst: 3, src: 7, offset: Int16(layout.taskCommand)),
            Instruction(storeDouble, dst: 10, src: 3, offset: named + 16),  // comm[0..<8]
            Instruction(loadDouble, dst: 3, src: 7, offset: Int16(layout.taskCommand + 8)),
            Instruction(storeDouble, dst: 10, src: 3, offset: named + 24),  // comm[8..<16]
            Instruction(loadDouble, dst: 1, src: 6, offset: 0),  // r1 = meta->seq
            Instruction(moveRegister, dst: 2, src: 10),
            Instruction(addImmediate, dst: 2, immediate: Int32(named)),  // r2 = &named
            Instruction(moveImmediate, dst: 3, immediate: Int32(-named)),  // name record and entry
            Instruction(call, immediate: seqWrite),
            Instruction(jumpNotEqual, dst: 0, immediate: 0),  // not written (buffer full): done, slot unchanged
            Instruction(loadWord, dst: 4, src: 10, offset: entry + 8),
            Instruction(storeWord, dst: 9, src: 4, offset: 0),  // *last = entry.pid
            Instruction(jump),  // done
        ]
        let entryOnly = code.count
        code += [
            Instruction(loadDouble, dst: 1, src: 6, offset: 0),  // r1 = meta->seq
            Instruction(moveRegister, dst: 2, src: 10),
            Instruction(addImmediate, dst: 2, immediate: Int32(entry)),  // r2 = &entry
            Instruction(moveImmediate, dst: 3, immediate: Int32(-entry)),
            Instruction(call, immediate: seqWrite),
        ]
        let done = code.count
        for index in code.indices {
            switch code[index].opcode {
            case jumpEqualRegister: code[index].offset = Int16(entryOnly - index - 1)
            case jumpEqual, jumpNotEqual, jumpNotEqualRegister, jump: code[index].offset = Int16(done - index - 1)
            default: break
            }
        }
        code.append(Instruction(moveImmediate, dst: 0, immediate: 0))
        code.append(Instruction(exit))
        return code
    }
}
