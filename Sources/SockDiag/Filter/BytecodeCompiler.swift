/// Compiles a ``FilterExpression`` to `INET_DIAG_REQ_BYTECODE` for the kernel's `inet_diag_bc_run()`.
///
/// Each op is `{u8 code, u8 yes, u16 no}`: the walk advances `yes` bytes when the op holds and `no` bytes when
/// not; a socket matches when the walk ends exactly at the end, and fails when it jumps 4 past it. Every
/// compiled block keeps that convention (fall off the end = true, end + 4 = false), so blocks combine as ss
/// combines them: `A and B` is A then B with A's failure exits moved past B; `A or B` is A, an unconditional
/// `JMP` over B, then B (A's failure lands on B); `not A` is A then a `JMP` to failure (A's failure lands on the
/// end). Ports are in host order, addresses in network order.
enum BytecodeCompiler {
    static let opJump: UInt8 = 1
    static let opSourceAtLeast: UInt8 = 2
    static let opSourceAtMost: UInt8 = 3
    static let opDestinationAtLeast: UInt8 = 4
    static let opDestinationAtMost: UInt8 = 5
    static let opAutobound: UInt8 = 6
    static let opSourceCondition: UInt8 = 7
    static let opDestinationCondition: UInt8 = 8
    static let opDevice: UInt8 = 9
    static let opMark: UInt8 = 10
    static let opSourceEqual: UInt8 = 11
    static let opDestinationEqual: UInt8 = 12
    static let opCgroup: UInt8 = 13

    /// The largest program sent: it must fit the 32 KiB request buffer with the headers (a longer one is
    /// evaluated in Swift instead).
    static let maximumLength = 32_000

    /// The bytecode for `expression`: empty for ``FilterExpression/all``, `nil` when it is too long to send (jump
    /// offsets are then not meaningful, so the program is discarded whole).
    ///
    /// Walks the tree with a stack of its own, joining each run of `and`s (or of `or`s) left to right whatever its
    /// grouping, so the program is ss's for the same text and no expression, however long or deep, costs native
    /// stack; it stops as soon as the program is known to be too long.
    /// - Parameters:
    ///   - expression: The filter.
    ///   - context: The ephemeral port range, which `autobound` checks besides the bind lock.
    static func compile(_ expression: FilterExpression, context: FilterContext = FilterContext()) -> [UInt8]? {
        var work: [Step] = [.compile(expression)]
        var blocks: [[UInt8]] = []
        var blockBytes = 0  // every block ends up in the program whole
        while let step = work.popLast() {
            switch step {
            case .compile(let node):
                switch node {
                case .and, .or:
                    let isOr = if case .or = node { true } else { false }
                    let operands = node.chainOperands(or: isOr)
                    work.append(.join(operands.count, or: isOr))
                    work += operands.reversed().map(Step.compile)
                case .not(let inner):
                    work.append(.negate)
                    work.append(.compile(inner))
                default:
                    let code = predicate(node, context)
                    blockBytes += code.count
                    blocks.append(code)
                }
            case .negate:
                blocks[blocks.count - 1] += op(opJump, yes: 4, no: 8)
                blockBytes += 4
            case .join(let count, let isOr):
                var code = blocks[blocks.count - count]
                for next in blocks[(blocks.count - count + 1)...] {
                    if isOr {
                        code += op(opJump, yes: 4, no: next.count + 4)
                        blockBytes += 4
                    } else {
                        relocateFailures(&code, by: next.count)
                    }
                    code += next
                }
                blocks.removeLast(count)
                blocks.append(code)
            }
            if blockBytes > maximumLength { return nil }
        }
        return blocks.first ?? []
    }

    /// What is left to do in ``compile(_:context:)``: each step leaves its block (or blocks) on a stack.
    private enum Step {
        /// Compile an expression to one block.
        case compile(FilterExpression)
        /// Replace the top block by `not` of it: the block, then a jump to failure (its failures land on the end).
        case negate
        /// Replace the top `count` blocks by their `and` (each block's failures moved past the rest) or their `or`
        /// (each block but the last followed by a jump over the next).
        case join(Int, or: Bool)
    }

    /// The block of a predicate (anything but `not`, `and`, `or`).
    private static func predicate(_ expression: FilterExpression, _ context: FilterContext) -> [UInt8] {
        switch expression {
        case .all, .not, .and, .or:
            return []
        case .host(let side, let condition):
            if condition.family == nil && condition.address == nil, let port = condition.port {
                return compare(side == .local ? opSourceEqual : opDestinationEqual, port)
            }
            var payload: [UInt8] = []
            let family = condition.family
            payload.append(family?.rawValue ?? 0)
            payload.append(condition.prefixLength)
            payload += [0, 0]
            appendNative(Int32(condition.port.map(Int32.init) ?? -1), to: &payload)
            switch (family, condition.address) {
            case (.inet, .v4(let v4)?): appendNative(v4.rawValue.bigEndian, to: &payload)
            case (.inet6, .v6(let v6)?):
                appendNative(v6.high.bigEndian, to: &payload)
                appendNative(v6.low.bigEndian, to: &payload)
            case (.inet, _): payload += [UInt8](repeating: 0, count: 4)
            case (.inet6, _): payload += [UInt8](repeating: 0, count: 16)
            case (nil, _): break
            }
            let length = 4 + payload.count
            return op(side == .local ? opSourceCondition : opDestinationCondition, yes: length, no: length + 4) + payload
        case .portAtLeast(let side, let port):
            return compare(side == .local ? opSourceAtLeast : opDestinationAtLeast, port)
        case .portAtMost(let side, let port):
            return compare(side == .local ? opSourceAtMost : opDestinationAtMost, port)
        case .device(let index):
            var code = op(opDevice, yes: 8, no: 12)
            appendNative(index, to: &code)
            return code
        case .mark(let value, let mask):
            var code = op(opMark, yes: 12, no: 16)
            appendNative(value, to: &code)
            appendNative(mask, to: &code)
            return code
        case .cgroup(let id):
            var code = op(opCgroup, yes: 12, no: 16)
            appendNative(id, to: &code)
            return code
        case .autobound:
            // No bind lock, and the port in the ephemeral range: AUTO and S_GE low and S_LE high.
            var code = op(opAutobound, yes: 4, no: 8)
            for next in [
                compare(opSourceAtLeast, context.ephemeralPorts.lowerBound),
                compare(opSourceAtMost, context.ephemeralPorts.upperBound),
            ] {
                relocateFailures(&code, by: next.count)
                code += next
            }
            return code
        }
    }

    /// A port compare: the op, then an op whose `no` holds the port.
    private static func compare(_ code: UInt8, _ port: UInt16) -> [UInt8] {
        op(code, yes: 8, no: 12) + op(0, yes: 0, no: Int(port))
    }

    private static func op(_ code: UInt8, yes: Int, no: Int) -> [UInt8] {
        var bytes = [code, UInt8(truncatingIfNeeded: yes)]
        appendNative(UInt16(truncatingIfNeeded: no), to: &bytes)
        return bytes
    }

    private static func appendNative<T: FixedWidthInteger>(_ value: T, to bytes: inout [UInt8]) {
        withUnsafeBytes(of: value) { bytes.append(contentsOf: $0) }
    }

    /// Moves the failure exits of `code` (jumps to its end + 4) by `distance` bytes, as ss's `ssfilter_patch()`.
    private static func relocateFailures(_ code: inout [UInt8], by distance: Int) {
        var offset = 0
        while offset < code.count {
            let remaining = code.count - offset
            let yes = Int(code[offset + 1])
            let no = Int(code.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) })
            if no == remaining + 4 {
                let moved = UInt16(truncatingIfNeeded: no + distance)
                withUnsafeBytes(of: moved) { raw in
                    code[offset + 2] = raw[0]
                    code[offset + 3] = raw[1]
                }
            }
            offset += yes
        }
    }
}
