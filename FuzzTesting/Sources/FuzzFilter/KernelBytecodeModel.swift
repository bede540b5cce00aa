@testable import SockDiag

/// A model of the kernel's `inet_diag_bc_audit()` and `inet_diag_bc_run()` (net/ipv4/inet_diag.c, Linux 6.x),
/// written from the kernel's source, line for line where it can be: ported from the test model
/// Tests/SockDiagTests/Filter/KernelBytecodeModel.swift, with what that one lacks: the attribute must hold one op
/// (`nla_len < sizeof(struct inet_diag_bc_op)` is `-EINVAL`), `valid_cc()` as the kernel writes it, and the final
/// `len == 0` check (`[6, 8, 8, 0]` jumps past the end and is rejected). `INET_DIAG_BC_MARK_COND` is audited as for
/// CAP_NET_ADMIN (without it the kernel answers `-EPERM` before looking at the op).
enum KernelBytecodeModel {
    /// What `inet_diag_bc_run()` knows about a socket (`struct inet_diag_entry`).
    struct Entry {
        var family: AddressFamily
        var source: (UInt64, UInt64)  // address as 128 bits, IPv4 in the top 32
        var destination: (UInt64, UInt64)
        var sport: UInt16
        var dport: UInt16
        var ifindex: UInt32
        var mark: UInt32
        var cgroup: UInt64
        /// `!(userlocks & SOCK_BINDPORT_LOCK)`.
        var autobound: Bool

        init(_ socket: Socket, autobound: Bool) {
            func bits(_ address: IPAddress) -> (UInt64, UInt64) {
                switch address {
                case .v4(let v4): return (UInt64(v4.rawValue) << 32, 0)
                case .v6(let v6): return (v6.high, v6.low)
                }
            }
            family = socket.family
            source = bits(socket.local.address)
            destination = bits(socket.peer.address)
            sport = socket.local.port
            dport = socket.peer.port
            ifindex = socket.interfaceIndex
            mark = socket.mark ?? 0
            cgroup = socket.cgroupID ?? 0
            self.autobound = autobound
        }
    }

    /// `struct inet_diag_bc_op`: `{u8 code; u8 yes; u16 no;}`.
    struct Op {
        var code: UInt8
        var yes: Int
        var no: Int
    }

    static func op(_ bytes: [UInt8], at offset: Int) -> Op {
        let no = bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset + 2, as: UInt16.self) }
        return Op(code: bytes[offset], yes: Int(bytes[offset + 1]), no: Int(no))
    }

    static func load<T: FixedWidthInteger>(_ bytes: [UInt8], _ offset: Int, as: T.Type) -> T {
        bytes.withUnsafeBytes { $0.loadUnaligned(fromByteOffset: offset, as: T.self) }
    }

    /// `valid_cc()`: whether walking the `yes` chain from the start reaches the op where `cc` bytes remain.
    static func validConditionalJump(_ bytes: [UInt8], _ cc: Int) -> Bool {
        var offset = 0
        var len = bytes.count
        while len >= 0 {
            if cc > len { return false }
            if cc == len { return true }
            let yes = op(bytes, at: offset).yes
            if yes < 4 || yes & 3 != 0 { return false }
            len -= yes
            offset += yes
        }
        return false
    }

    /// `min_len` of the op at `offset` after the audit's `valid_*cond()` check, or `nil` for `-EINVAL`.
    static func minimumLength(_ bytes: [UInt8], at offset: Int, len: Int) -> Int? {
        var minimum = 4  // sizeof(struct inet_diag_bc_op)
        switch bytes[offset] {
        case 7, 8:  // S_COND, D_COND: valid_hostcond()
            minimum += 8  // sizeof(struct inet_diag_hostcond)
            guard len >= minimum else { return nil }
            let addressLength: Int
            switch bytes[offset + 4] {
            case 0: addressLength = 0  // AF_UNSPEC
            case 2: addressLength = 4  // AF_INET
            case 10: addressLength = 16  // AF_INET6
            default: return nil
            }
            minimum += addressLength
            guard len >= minimum, Int(bytes[offset + 5]) <= 8 * addressLength else { return nil }
        case 9:  // DEV_COND: valid_devcond()
            minimum += 4
            guard len >= minimum else { return nil }
        case 2, 3, 4, 5, 11, 12:  // S_GE, S_LE, D_GE, D_LE, S_EQ, D_EQ: valid_port_comparison()
            minimum += 4
            guard len >= minimum else { return nil }
        case 10:  // MARK_COND: valid_markcond()
            minimum += 8
            guard len >= minimum else { return nil }
        case 13:  // CGROUP_COND: valid_cgroupcond()
            minimum += 8
            guard len >= minimum else { return nil }
        case 0, 1, 6:  // NOP, JMP, AUTO
            break
        default:
            return nil
        }
        return minimum
    }

    /// Whether the kernel's audit accepts `bytes` as the `INET_DIAG_REQ_BYTECODE` attribute.
    static func audit(_ bytes: [UInt8]) -> Bool {
        guard bytes.count >= 4 else { return false }
        // The kernel reads ops past a length that is not a multiple of 4 from the attribute's padding; whatever
        // it finds there, every op advances by a multiple of 4 and the final `len == 0` fails. Rejecting such a
        // length here keeps this model's reads inside the array.
        guard bytes.count % 4 == 0 else { return false }
        var offset = 0
        var len = bytes.count
        while len > 0 {
            let current = op(bytes, at: offset)
            guard let minimum = minimumLength(bytes, at: offset, len: len) else { return false }
            if current.code != 0 {
                if current.no < minimum || current.no > len + 4 || current.no & 3 != 0 { return false }
                if current.no < len && !validConditionalJump(bytes, len - current.no) { return false }
            }
            if current.yes < minimum || current.yes > len + 4 || current.yes & 3 != 0 { return false }
            offset += current.yes
            len -= current.yes
        }
        return len == 0
    }

    /// Whether `entry` passes `bytes` (an audited program).
    static func run(_ bytes: [UInt8], _ entry: Entry) -> Bool {
        var offset = 0
        var len = bytes.count
        while len > 0 {
            let current = op(bytes, at: offset)
            var yes = true
            switch current.code {
            case 1: yes = false
            case 2: yes = entry.sport >= UInt16(op(bytes, at: offset + 4).no)
            case 3: yes = entry.sport <= UInt16(op(bytes, at: offset + 4).no)
            case 4: yes = entry.dport >= UInt16(op(bytes, at: offset + 4).no)
            case 5: yes = entry.dport <= UInt16(op(bytes, at: offset + 4).no)
            case 6: yes = entry.autobound
            case 7, 8: yes = hostCondition(bytes, offset, entry, source: current.code == 7)
            case 9: yes = load(bytes, offset + 4, as: UInt32.self) == entry.ifindex
            case 10:
                yes = entry.mark & load(bytes, offset + 8, as: UInt32.self) == load(bytes, offset + 4, as: UInt32.self)
            case 11: yes = entry.sport == UInt16(op(bytes, at: offset + 4).no)
            case 12: yes = entry.dport == UInt16(op(bytes, at: offset + 4).no)
            case 13: yes = load(bytes, offset + 4, as: UInt64.self) == entry.cgroup
            default: break
            }
            let step = yes ? current.yes : current.no
            offset += step
            len -= step
        }
        return len == 0
    }

    /// The `INET_DIAG_BC_S_COND`/`D_COND` case of `inet_diag_bc_run()`, with `bitstring_match()`.
    static func hostCondition(_ bytes: [UInt8], _ offset: Int, _ entry: Entry, source: Bool) -> Bool {
        let family = bytes[offset + 4]
        let prefix = Int(bytes[offset + 5])
        let port = load(bytes, offset + 8, as: Int32.self)
        if port != -1 && port != Int32(source ? entry.sport : entry.dport) { return false }
        let address = source ? entry.source : entry.destination
        var condition: (UInt64, UInt64) = (0, 0)
        if family == 2 {
            condition.0 = UInt64(UInt32(bigEndian: load(bytes, offset + 12, as: UInt32.self))) << 32
        } else if family == 10 {
            condition = (
                UInt64(bigEndian: load(bytes, offset + 12, as: UInt64.self)),
                UInt64(bigEndian: load(bytes, offset + 20, as: UInt64.self))
            )
        }
        func bitstringMatch(_ a: (UInt64, UInt64), _ b: (UInt64, UInt64), _ bits: Int) -> Bool {
            for bit in 0..<bits {
                let shift = UInt64(63 - bit % 64)
                let x = ((bit < 64 ? a.0 : a.1) >> shift) & 1
                let y = ((bit < 64 ? b.0 : b.1) >> shift) & 1
                if x != y { return false }
            }
            return true
        }
        let entryFamily: UInt8 = entry.family == .inet ? 2 : 10
        if family != 0 && family != entryFamily {
            // An AF_INET condition against an AF_INET6 socket: its IPv4-mapped address (::ffff:a.b.c.d) only.
            if entryFamily == 10 && family == 2 && address.0 == 0 && address.1 >> 32 == 0xFFFF {
                return bitstringMatch((address.1 << 32, 0), condition, prefix)
            }
            return false
        }
        if prefix == 0 { return true }
        return bitstringMatch(address, condition, prefix)
    }
}
