import Testing

@testable import SockDiag

/// The test model of `inet_diag_bc_audit()` must refuse what the kernel refuses, or the compiler tests prove
/// nothing about programs the kernel would reject.
@Suite("The model of the kernel's bytecode audit")
struct KernelBytecodeModelTests {
    @Test("programs the kernel refuses", arguments: [
        ([6, 8, 8, 0], "the last op's yes jumps 4 past the end: the walk ends at len -4, not 0"),
        ([11, 8, 12, 0, 0, 0, 80, 0, 1, 8, 8, 0], "a JMP whose yes leaves the program"),
        ([11, 12, 12, 0, 0, 0, 80, 0], "a port compare whose yes lands 4 past the end"),
        ([6, 4, 6, 0], "no not a multiple of 4"),
        ([6, 0, 8, 0], "yes below the op's minimum length"),
        ([6, 4, 0, 0], "no below the op's minimum length"),
        ([0, 2, 0, 0, 6, 4, 8, 0], "NOP with yes 2"),
        ([], "no op at all"),
        ([6, 4, 8], "a partial op"),
        ([11, 8, 6, 0, 0, 0, 80, 0], "a failure jump into the middle of an op"),
        ([99, 4, 8, 0], "an unknown op"),
        ([7, 12, 16, 0, 2, 8, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF], "a host condition without its address"),
        ([7, 16, 20, 0, 2, 33, 0, 0, 0xFF, 0xFF, 0xFF, 0xFF, 127, 0, 0, 1], "an IPv4 prefix of /33"),
    ] as [([UInt8], String)])
    func refused(program: [UInt8], why: String) {
        #expect(!KernelBytecodeModel.audit(program), "\(why)")
    }

    @Test("programs the kernel accepts", arguments: [
        [6, 4, 8, 0],
        [11, 8, 12, 0, 0, 0, 80, 0],
        [0, 4, 0, 0, 6, 4, 8, 0],
        [11, 8, 12, 0, 0, 0, 0x40, 0x1F, 1, 4, 12, 0, 12, 8, 12, 0, 0, 0, 0x40, 0x1F],
    ] as [[UInt8]])
    func accepted(program: [UInt8]) {
        #expect(KernelBytecodeModel.audit(program))
    }

    @Test("a mark condition needs CAP_NET_ADMIN")
    func markNeedsAdmin() {
        let program: [UInt8] = [10, 12, 16, 0, 0x10, 0, 0, 0, 0xFF, 0, 0, 0]
        #expect(KernelBytecodeModel.audit(program))
        #expect(!KernelBytecodeModel.audit(program, netAdmin: false))
    }
}
