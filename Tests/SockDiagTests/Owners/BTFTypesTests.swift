import Foundation
import SockDiagTestSupport
import Testing

@testable import SockDiag

/// The BTF reader and the layout it gives the owner iterator, on the committed `Tests/Fixtures/btf/task-file.btf`
/// (clang's BTF for `task-file.c`, `Scripts/fixtures/make-btf-fixture.sh`).
@Suite("BTF: the owner iterator's offsets")
struct BTFTypesTests {
    static func fixture() throws -> [UInt8] {
        try Fixtures.bytes("btf/task-file.btf")
    }

    @Test("the layout: members directly, inside anonymous unions and structs, after bitfields")
    func layout() throws {
        let types = try BTFTypes(bytes: Self.fixture())
        let layout = try TaskFileLayout(types: types)
        #expect(layout.fileInode == 32)
        #expect(layout.inodeMode == 0)
        #expect(layout.inodeNumber == 24)
        #expect(layout.taskPID == 32)
        #expect(layout.taskTGID == 36)
        #expect(layout.taskCommand == 48)
        #expect(types.record(layout.iteratorID)?.kind == .function)
        #expect(types.string(at: types.record(layout.iteratorID)!.nameOffset) == "bpf_iter_task_file")
    }

    @Test("lookups: kinds are told apart, typedefs resolve, unknown names are nil")
    func lookups() throws {
        let types = try BTFTypes(bytes: Self.fixture())
        let inode = try #require(types.typeID(named: "inode", kind: .structure))
        #expect(types.typeID(named: "inode", kind: .union) == nil)
        #expect(types.typeID(named: "inod", kind: .structure) == nil)
        #expect(types.typeID(named: "inodes", kind: .structure) == nil)
        #expect(types.member("i_nlink", in: inode)?.offset == 16)
        #expect(types.member("i_size", in: inode) == nil)
        let mode = try #require(types.member("i_mode", in: inode))
        #expect(types.record(mode.type)?.kind == .typedef)
        let short = try #require(types.record(types.resolved(mode.type)))
        #expect(short.kind == .integer && short.sizeOrType == 2)
        let function = try #require(types.typeID(named: "bpf_iter_task_file", kind: .function))
        #expect(types.parameterNames(ofFunction: function) == ["meta", "task", "fd", "file"])
        #expect(types.parameterNames(ofFunction: inode) == nil)
    }

    @Test("what is not BTF, or is cut short, is an error and never a crash")
    func malformed() throws {
        let bytes = try Self.fixture()
        #expect(throws: BTFError.self) { try BTFTypes(bytes: []) }
        #expect(throws: BTFError.self) { try BTFTypes(bytes: [0x9F, 0xEB] + bytes.dropFirst(2).reversed()) }
        #expect(throws: BTFError.self) { try BTFTypes(bytes: [0xEB, 0x9F] + bytes.dropFirst(2)) }
        for length in stride(from: 0, to: bytes.count, by: 7) {
            #expect(throws: BTFError.self) { try BTFTypes(bytes: Array(bytes[..<length])) }
        }
        // A type section that ends inside a record.
        var short = bytes
        let typeLength = short.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: 12, as: UInt32.self) }
        withUnsafeBytes(of: typeLength - 4) { short.replaceSubrange(12..<16, with: $0) }
        #expect(throws: BTFError.self) { try BTFTypes(bytes: short) }
    }

    @Test("a kernel without the task_file iterator, or with another shape, is refused by name")
    func missingPieces() throws {
        var bytes = try Self.fixture()
        let types = try BTFTypes(bytes: bytes)
        // Rename the function in the string section: the layout then says what is missing.
        let function = try #require(types.typeID(named: "bpf_iter_task_file", kind: .function))
        let at = types.stringStart + Int(types.record(function)!.nameOffset)
        bytes[at] = UInt8(ascii: "x")
        #expect(throws: BTFError("no bpf_iter_task_file (kernel without task_file iterators)")) {
            try TaskFileLayout(types: BTFTypes(bytes: bytes))
        }
    }

    @Test("the program: every branch lands on the final return, the map descriptor is in the 64-bit load")
    func program() throws {
        let layout = try TaskFileLayout(types: BTFTypes(bytes: Self.fixture()))
        let code = TaskFileProgram.instructions(layout: layout, map: 42)
        let done = code.count - 2
        for (index, instruction) in code.enumerated()
        where instruction.opcode == TaskFileProgram.jumpEqual || instruction.opcode == TaskFileProgram.jumpNotEqual {
            #expect(index + 1 + Int(instruction.offset) == done, "branch at \(index)")
        }
        let load = try #require(code.firstIndex { $0.opcode == TaskFileProgram.loadImmediate64 })
        #expect(code[load].immediate == 42 && code[load].registers == 0x11)
        #expect(code.last == TaskFileProgram.Instruction(TaskFileProgram.exit))
        let bytes = TaskFileProgram.bytes(code)
        #expect(bytes.count == code.count * 8)
        // r6 = *(u64 *)(r1 + 0): 0x79, dst 6 src 1.
        #expect(Array(bytes[0..<8]) == [0x79, 0x16, 0, 0, 0, 0, 0, 0])
    }

    @Test("the every-socket program: one branch to the entry-only write, every other to the final return")
    func everySocketProgram() throws {
        let layout = try TaskFileLayout(types: BTFTypes(bytes: Self.fixture()))
        let code = TaskFileProgram.everySocketInstructions(layout: layout, last: 7)
        let done = code.count - 2
        let jumps: Set<UInt8> = [
            TaskFileProgram.jumpEqual, TaskFileProgram.jumpNotEqual, TaskFileProgram.jumpNotEqualRegister,
            TaskFileProgram.jump,
        ]
        for (index, instruction) in code.enumerated() where jumps.contains(instruction.opcode) {
            #expect(index + 1 + Int(instruction.offset) == done, "branch at \(index)")
        }
        let named = try #require(code.firstIndex { $0.opcode == TaskFileProgram.jumpEqualRegister })
        let target = named + 1 + Int(code[named].offset)
        // The entry-only write: r1 = meta->seq, r2 = r10 - 16, r3 = 16, bpf_seq_write.
        #expect(code[target + 2].immediate == -16 && code[target + 3].immediate == 16)
        #expect(code[target + 4] == TaskFileProgram.Instruction(TaskFileProgram.call, immediate: 127))
        let load = try #require(code.firstIndex { $0.opcode == TaskFileProgram.loadImmediate64 })
        #expect(code[load].immediate == 7 && code[load].registers == 0x11)
    }

    @Test("a record: inode, process, thread, descriptor and the NUL-padded command name")
    func record() {
        var bytes = [UInt8](repeating: 0, count: TaskFileRecord.size)
        withUnsafeBytes(of: UInt64(123_456).littleEndian) { bytes.replaceSubrange(0..<8, with: $0) }
        withUnsafeBytes(of: Int32(77).littleEndian) { bytes.replaceSubrange(8..<12, with: $0) }
        withUnsafeBytes(of: Int32(78).littleEndian) { bytes.replaceSubrange(12..<16, with: $0) }
        withUnsafeBytes(of: Int32(5).littleEndian) { bytes.replaceSubrange(16..<20, with: $0) }
        bytes.replaceSubrange(24..<29, with: Array("nginx".utf8))
        let record = bytes.withUnsafeBytes { TaskFileRecord($0) }
        #expect(record == TaskFileRecord(inode: 123_456, pid: 77, tid: 78, fd: 5, command: "nginx"))
        bytes.replaceSubrange(24..<40, with: Array("0123456789abcdef".utf8))
        #expect(bytes.withUnsafeBytes { TaskFileRecord($0) }.command == "0123456789abcdef")
    }
}
