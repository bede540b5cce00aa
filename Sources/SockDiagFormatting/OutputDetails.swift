/// What the formatters add to each socket beyond the basic columns, as ss's `-o`, `-e`, `-m`, `-i` and `-n` do.
public struct OutputDetails: OptionSet, Hashable, Sendable {
    /// The bits.
    public let rawValue: UInt8

    /// Creates a set from its bits.
    public init(rawValue: UInt8) {
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
}
