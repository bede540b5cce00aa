import SockDiagFormatting

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Defects already filed and being fixed, which a long run would otherwise hit again and again (each crash
/// restarts a job of `-fork`). Off unless `SOCKDIAG_FUZZ_SKIP_KNOWN=1`: CI and `--regress` run without it, so
/// the fail cases of these defects fail until the fixes land. Delete an entry when its fix has landed.
enum KnownDefects {
    static let skipping = getenv("SOCKDIAG_FUZZ_SKIP_KNOWN").map { String(cString: $0) == "1" } ?? false

    /// Issue 12: ss's rate formatter converts a Double >= 2^64 to UInt64 and traps (`ByteWriter.rounded` under
    /// `bitRate`: pacing_rate, max pacing rate, delivery_rate, send, bbr bw; `oneDecimal`: rwnd_limited and
    /// sndbuf_limited percentages). The table's second line (`-m`, `-i`: a decoded tcp_info is written whenever
    /// that line is) is left out while skipping; JSON keeps every field.
    static let tableDetailsThatTrap: OutputDetails = [.memory, .tcpInfo]

    /// Issue 12: a captured dump with a message whose `nlmsg_len` is >= 2^31 (libmnl 1.0.4's `mnl_nlmsg_ok()`
    /// casts it to `int`): SIGSEGV, or a hang for 0xFFFFFFFF (`MNL_ALIGN` wraps to 0 and the walk stands still).
    static func oversizedNetlinkLength(_ bytes: UnsafeRawBufferPointer) -> Bool {
        var offset = 0
        while offset + 16 <= bytes.count {
            let length = Int(UInt32(littleEndian: bytes.loadUnaligned(fromByteOffset: offset, as: UInt32.self)))
            if length >= 1 << 31 { return true }
            if length < 16 { return false }
            offset += (length + 3) & ~3
        }
        return false
    }
}
