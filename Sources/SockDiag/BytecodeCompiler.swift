/// Compiles port conditions to `INET_DIAG_REQ_BYTECODE` for the kernel's `inet_diag_bc_run()`.
///
/// Each op is `{u8 code, u8 yes, u16 no}`: the walk advances `yes` bytes when the op holds and `no` bytes
/// when not; a socket matches when the walk ends exactly at the end. A port compare takes a second op
/// whose `no` holds the port in host order. An OR of alternatives is `A JMP B`: a true `A` lands on the
/// unconditional `JMP` that skips the rest of the group; a false `A` skips the `JMP` to try `B`.
enum BytecodeCompiler {
    static let opJump: UInt8 = 1
    static let opSourceEqual: UInt8 = 11
    static let opDestinationEqual: UInt8 = 12

    /// The bytecode for all of `conditions` (AND), or an empty array when there is nothing to filter.
    static func compile(_ conditions: [PortMatch]) -> [UInt8] {
        // First pass: the ops with `no` = nil for "fail", resolved once the total length is known.
        var ops: [(code: UInt8, yes: UInt8, no: UInt16?)] = []
        for condition in conditions {
            var alternatives: [(UInt8, UInt16)] = []
            for port in condition.ports {
                switch condition.side {
                case .local: alternatives.append((opSourceEqual, port))
                case .peer: alternatives.append((opDestinationEqual, port))
                case .either:
                    alternatives.append((opSourceEqual, port))
                    alternatives.append((opDestinationEqual, port))
                }
            }
            if alternatives.isEmpty { continue }
            for (index, (code, port)) in alternatives.enumerated() {
                let isLast = index == alternatives.count - 1
                // On false: skip this compare (8) and its JMP (4) to the next alternative, or fail.
                ops.append((code, 8, isLast ? nil : 12))
                ops.append((0, 0, port))
                if !isLast {
                    // Skip the remaining alternatives: each is 8 bytes plus 4 for every JMP but the last's.
                    let remaining = alternatives.count - index - 1
                    ops.append((opJump, 4, UInt16(4 + remaining * 8 + (remaining - 1) * 4)))
                }
            }
        }
        if ops.isEmpty { return [] }
        let total = ops.count * 4
        var bytes: [UInt8] = []
        bytes.reserveCapacity(total)
        for (index, op) in ops.enumerated() {
            let no = op.no ?? UInt16(total - index * 4 + 4)
            bytes.append(op.code)
            bytes.append(op.yes)
            withUnsafeBytes(of: no) { bytes.append(contentsOf: $0) }  // host order
        }
        return bytes
    }
}
