import Testing

@testable import SockDiag

/// `fwmark = MARK/MASK` matches when `(mark & MASK) == MARK`, MARK as written: the kernel's
/// `INET_DIAG_BC_MARK_COND` and ss's `run_ssfilter` both compare so; a MARK with bits outside MASK matches nothing.
@Suite("fwmark MARK/MASK as the kernel and ss compare it")
struct MarkConditionTests {
    static func socket(mark: UInt32) -> Socket {
        Socket(
            transport: .tcp,
            family: .inet,
            state: .established,
            local: Endpoint(address: .v4(.loopback), port: 22),
            peer: Endpoint(address: .v4(.loopback), port: 40000),
            mark: mark
        )
    }

    @Test("the Swift evaluator and the kernel's bytecode agree", arguments: [
        ("fwmark = 0x1234/0xff00", 0x1234, false),
        ("fwmark = 0x1234/0xff00", 0x1200, false),
        ("fwmark = 0x1200/0xff00", 0x1234, true),
        ("fwmark = 0x1200/0xff00", 0x12FF, true),
        ("fwmark = 0x1200/0xff00", 0x1334, false),
        ("fwmark = 0x12/0xf0", 0x12, false),
        ("fwmark = 0x10/0xf0", 0x12, true),
        ("fwmark != 0x1234/0xff00", 0x1234, true),
        ("fwmark = 0x1234", 0x1234, true),
        ("fwmark = 0/0", 0xFFFF_FFFF, true),
    ] as [(String, UInt32, Bool)])
    func matches(text: String, mark: UInt32, expected: Bool) throws {
        let expression = try FilterParser.parse([text]).expression
        let socket = Self.socket(mark: mark)
        #expect(expression.matches(socket) == expected, "Swift: \(text) on mark \(mark)")
        let code = try #require(BytecodeCompiler.compile(expression))
        #expect(KernelBytecodeModel.run(code, .init(socket)) == expected, "kernel: \(text) on mark \(mark)")
    }

    @Test("MARK goes into the bytecode as written")
    func bytes() throws {
        let code = try #require(BytecodeCompiler.compile(try FilterParser.parse(["fwmark = 0x12/0xf0"]).expression))
        #expect(code == [10, 12, 16, 0, 0x12, 0, 0, 0, 0xF0, 0, 0, 0])
    }
}
