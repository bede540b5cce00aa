@testable import SockDiag

/// A model of the kernel's `inet_diag_bc_audit()` and `inet_diag_bc_run()` (net/ipv4/inet_diag.c), written from
/// the kernel's source, to check compiled programs without a kernel.
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
        var autobound: Bool

        init(_ socket: Socket, autobound: Bool = false) {
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

    /// The minimum length of the op at `offset` as the audit computes it, or nil when the op is invalid.
    static func minimumLength(_ bytes: [UInt8], at offset: Int, remaining: Int) -> Int? {
        let code = bytes[offset]
        switch code {
        case 0, 1, 6: return 4
        case 2, 3, 4, 5, 11, 12, 9: return remaining >= 8 ? 8 : nil
        case 10, 13: return remaining >= 12 ? 12 : nil
        case 7, 8:
            guard remaining >= 12 else { return nil }
            let family = bytes[offset + 4]
            let prefix = Int(bytes[offset + 5])
            let addressLength: Int
            switch family {
            case 0: addressLength = 0
            case 2: addressLength = 4
            case 10: addressLength = 16
            default: return nil
            }
            guard remaining >= 12 + addressLength, prefix <= 8 * addressLength else { return nil }
            return 12 + addressLength
        default: return nil
        }
    }

    /// Whether the kernel's audit accepts `bytes` as an `INET_DIAG_REQ_BYTECODE` attribute (an empty filter is
    /// sent as no attribute at all, which the audit never sees).
    ///
    /// `inet_diag_bc_audit()`: the attribute holds at least one op; ops are walked while `len > 0`, each op's
    /// minimum length checked (`valid_hostcond()` and friends; `MARK_COND` only for CAP_NET_ADMIN), every op but
    /// `NOP` has `no` ≥ that minimum, ≤ `len + 4`, a multiple of 4 and, when it lands inside the program, on an op
    /// boundary (`valid_cc()`); `yes` likewise; and the walk must end exactly at the end (`len == 0`).
    /// - Parameter netAdmin: Whether the requester has CAP_NET_ADMIN (mark conditions are refused without it).
    static func audit(_ bytes: [UInt8], netAdmin: Bool = true) -> Bool {
        guard bytes.count >= 4, bytes.count % 4 == 0 else { return false }
        var offset = 0
        var len = bytes.count
        while len > 0 {
            let current = op(bytes, at: offset)
            guard let minimum = minimumLength(bytes, at: offset, remaining: len) else { return false }
            if current.code == 10 && !netAdmin { return false }
            if current.code != 0 {
                if current.no < minimum || current.no > len + 4 || current.no & 3 != 0 { return false }
                if current.no < len && !validJumpTarget(bytes, remainingAtTarget: len - current.no) { return false }
            }
            if current.yes < minimum || current.yes > len + 4 || current.yes & 3 != 0 { return false }
            offset += current.yes
            len -= current.yes
        }
        return len == 0
    }

    /// `valid_cc()`: whether walking the program from its start by `yes` steps (each ≥ 4 and a multiple of 4)
    /// lands exactly where `remainingAtTarget` bytes are left.
    static func validJumpTarget(_ bytes: [UInt8], remainingAtTarget cc: Int) -> Bool {
        var len = bytes.count
        var offset = 0
        while len >= 0 {
            if cc > len { return false }
            if cc == len { return true }
            let step = op(bytes, at: offset).yes
            if step < 4 || step & 3 != 0 { return false }
            len -= step
            offset += step
        }
        return false
    }

    /// Whether `entry` passes `bytes`.
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
                let word = bit < 64 ? 0 : 1
                let shift = UInt64(63 - bit % 64)
                let x = ((word == 0 ? a.0 : a.1) >> shift) & 1
                let y = ((word == 0 ? b.0 : b.1) >> shift) & 1
                if x != y { return false }
            }
            return true
        }
        let entryFamily: UInt8 = entry.family == .inet ? 2 : 10
        if family != 0 && family != entryFamily {
            if entryFamily == 10 && family == 2 && address.0 == 0 && address.1 >> 32 == 0xFFFF {
                return bitstringMatch((address.1 << 32, 0), condition, prefix)
            }
            return false
        }
        if prefix == 0 { return true }
        return bitstringMatch(address, condition, prefix)
    }
}
