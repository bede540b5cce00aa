import Testing

@testable import SockDiag

/// A model of the kernel's `inet_diag_bc_audit()` and `inet_diag_bc_run()` (net/ipv4/inet_diag.c) for the
/// ops the compiler emits.
enum KernelBytecodeModel {
    struct Op {
        var code: UInt8
        var yes: Int
        var no: Int
    }

    static func op(_ bytes: [UInt8], at offset: Int) -> Op {
        let no = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) }
        return Op(code: bytes[offset], yes: Int(bytes[offset + 1]), no: Int(no))
    }

    /// Whether the kernel's audit accepts `bytes`.
    static func audit(_ bytes: [UInt8]) -> Bool {
        var offset = 0
        var len = bytes.count
        func validTarget(_ target: Int) -> Bool {
            // The target must be reachable by following `yes` from the start.
            var position = 0
            while position < target {
                position += op(bytes, at: position).yes
            }
            return position == target
        }
        while len > 0 {
            let current = op(bytes, at: offset)
            var minimum = 4
            switch current.code {
            case 11, 12:
                minimum = 8
                if len < minimum { return false }
            case 1, 0:
                break
            default:
                return false
            }
            if current.code != 0 {
                if current.no < minimum || current.no > len + 4 || current.no & 3 != 0 { return false }
                if current.no < len && !validTarget(offset + current.no) { return false }
            }
            if current.yes < minimum || current.yes > len + 4 || current.yes & 3 != 0 { return false }
            offset += current.yes
            len -= current.yes
        }
        return true
    }

    /// Whether a socket with these ports passes `bytes`.
    static func run(_ bytes: [UInt8], sport: UInt16, dport: UInt16) -> Bool {
        var offset = 0
        var len = bytes.count
        while len > 0 {
            let current = op(bytes, at: offset)
            var yes = true
            switch current.code {
            case 1: yes = false
            case 11: yes = sport == UInt16(op(bytes, at: offset + 4).no)
            case 12: yes = dport == UInt16(op(bytes, at: offset + 4).no)
            default: break
            }
            let step = yes ? current.yes : current.no
            offset += step
            len -= step
        }
        return len == 0
    }
}

@Suite("Port conditions compiled to inet_diag bytecode")
struct BytecodeCompilerTests {
    static let cases: [[PortMatch]] = [
        [PortMatch(.local, [8000])],
        [PortMatch(.peer, [8000])],
        [PortMatch(.either, [8000])],
        [PortMatch(.local, [80, 443, 8080])],
        [PortMatch(.either, [80, 443])],
        [PortMatch(.local, [8000]), PortMatch(.peer, [9000])],
        [PortMatch(.either, [8000]), PortMatch(.local, [8000, 2]), PortMatch(.peer, [3, 4, 5])],
        [PortMatch(.local, [0])],
    ]

    @Test("no conditions, no bytecode")
    func empty() {
        #expect(BytecodeCompiler.compile([]).isEmpty)
        #expect(BytecodeCompiler.compile([PortMatch(.local, [])]).isEmpty)
    }

    @Test("the kernel's audit accepts the bytecode and its verdict equals the Swift filter", arguments: cases)
    func agreesWithSwiftFilter(conditions: [PortMatch]) {
        let bytecode = BytecodeCompiler.compile(conditions)
        #expect(bytecode.count % 4 == 0)
        #expect(KernelBytecodeModel.audit(bytecode))
        let query = SocketQuery(states: .all, ports: conditions)
        let interesting: [UInt16] = [0, 1, 2, 3, 4, 5, 80, 443, 8000, 8080, 9000, 65535]
        var matched = 0
        for sport in interesting {
            for dport in interesting {
                let socket = Socket(
                    transport: .tcp,
                    family: .inet,
                    state: .established,
                    local: Endpoint(address: .v4(.loopback), port: sport),
                    peer: Endpoint(address: .v4(.loopback), port: dport)
                )
                let kernel = KernelBytecodeModel.run(bytecode, sport: sport, dport: dport)
                #expect(kernel == query.matches(socket), "sport \(sport) dport \(dport)")
                if kernel { matched += 1 }
            }
        }
        #expect(matched > 0)
        #expect(matched < interesting.count * interesting.count)
    }

    @Test("the model itself rejects broken bytecode")
    func modelRejects() {
        // A fail jump that lands in the middle of an op, and an unknown op code.
        #expect(!KernelBytecodeModel.audit([11, 8, 6, 0, 0, 0, 80, 0]))
        #expect(!KernelBytecodeModel.audit([99, 4, 8, 0]))
    }
}
