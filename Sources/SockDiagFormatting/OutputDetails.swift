/// What the formatters add to each socket beyond the basic columns, as ss's `-o`, `-e`, `-m`, `-i` and `-n` do.
public struct OutputDetails: OptionSet, Hashable, Sendable {
    /// The bits.
    public let rawValue: UInt16

    /// Creates a set from its bits.
    public init(rawValue: UInt16) {
        self.rawValue = rawValue
    }

    /// `-o`: the pending timer, ` timer:(keepalive,1min14sec,0)`; with ``tcpInfo`` also the negotiated options
    /// (`ts sack ecn ecnseen fastopen`).
    public static let timer = OutputDetails(rawValue: 1 << 0)
    /// `-e`: ` uid:1000 ino:12345 sk:2c5f`, the firewall mark, the cgroup, `v6only:1` and the shutdown arrows
    /// (`<->`, `<--`, `-->`, `---`). ss's `-e` also implies ``timer``; the formatter does not add it by itself.
    public static let extended = OutputDetails(rawValue: 1 << 1)
    /// `-m`: a second line with ` skmem:(r0,rb131072,t0,tb2626560,f0,w0,o0,bl0,d0)`.
    public static let memory = OutputDetails(rawValue: 1 << 2)
    /// `-i`: a second line (TCP only) with the congestion control algorithm and `tcp_info`, in ss 6.1's order and
    /// units.
    public static let tcpInfo = OutputDetails(rawValue: 1 << 3)
    /// `-n`: rates as whole bits per second (`send 68000000000bps`) instead of three digits and a prefix
    /// (`send 68Gbps`).
    public static let numericRates = OutputDetails(rawValue: 1 << 4)
    /// `-O`: the second line's fields (and `--inet-sockopt`'s) on the row's own line.
    public static let oneLine = OutputDetails(rawValue: 1 << 5)
    /// `-Q`: no `Recv-Q` and `Send-Q` columns.
    public static let noQueues = OutputDetails(rawValue: 1 << 6)
    /// `--tos`: ` tos:0x10 tclass:0 class_id:0` (what the kernel sent of them).
    public static let typeOfService = OutputDetails(rawValue: 1 << 7)
    /// `--cgroup`: ` cgroup:PATH` for every socket that reports a cgroup (also the root's, unlike `-e`).
    public static let cgroup = OutputDetails(rawValue: 1 << 8)
    /// `--inet-sockopt`: a line `inet-sockopt: ( is_icsk mc_loop)` with the flags of `INET_DIAG_SOCKOPT`.
    public static let inetSocketOptions = OutputDetails(rawValue: 1 << 9)
}
