/// The kernel's own socket counters (`/proc/net/sockstat`, `sockstat6`, and `CurrEstab` in `/proc/net/snmp`), for
/// what a dump cannot tell: sockets of every kind in use, orphans, TCP sockets allocated, raw and fragment counts.
///
/// Counters are those of the network namespace of the reading thread, except `tcpAllocated` and `tcpOrphans`, which
/// the kernel keeps for the whole machine.
public struct KernelSocketStatistics: Hashable, Sendable {
    /// Sockets of every kind in use (`sockets: used`).
    public var socketsUsed = 0
    /// Hashed TCP sockets, IPv4 (`TCP: inuse`); TIME_WAIT and request sockets are not counted.
    public var tcpInUse4 = 0
    /// Hashed TCP sockets, IPv6 (`TCP6: inuse`).
    public var tcpInUse6 = 0
    /// Orphaned TCP sockets (closed by their program, still in the kernel) (`orphan`).
    public var tcpOrphans = 0
    /// TIME_WAIT sockets (`tw`).
    public var tcpTimeWait = 0
    /// TCP sockets allocated (`alloc`).
    public var tcpAllocated = 0
    /// UDP sockets, IPv4 and IPv6.
    public var udpInUse4 = 0
    /// UDP sockets, IPv6.
    public var udpInUse6 = 0
    /// Raw sockets, IPv4.
    public var rawInUse4 = 0
    /// Raw sockets, IPv6.
    public var rawInUse6 = 0
    /// IP fragment queues, IPv4.
    public var fragmentsInUse4 = 0
    /// IP fragment queues, IPv6.
    public var fragmentsInUse6 = 0
    /// Established TCP connections (`Tcp: CurrEstab`).
    public var tcpCurrentlyEstablished = 0

    /// Creates zeroed counters.
    public init() {}

    /// Reads the counters.
    /// - Parameter procRoot: Where procfs is mounted.
    /// - Returns: The counters; a file that cannot be read leaves its counters at 0.
    public static func read(procRoot: String = "/proc") -> KernelSocketStatistics {
        var statistics = KernelSocketStatistics()
        for file in ["sockstat", "sockstat6"] {
            guard let text = readSmallFile("\(procRoot)/net/\(file)") else { continue }
            for line in text.split(separator: "\n") {
                statistics.apply(line)
            }
        }
        if let snmp = readSmallFile("\(procRoot)/net/snmp", limit: 1 << 16) {
            let lines = snmp.split(separator: "\n").filter { $0.hasPrefix("Tcp:") }
            if lines.count == 2 {
                let names = lines[0].split(separator: " ")
                let values = lines[1].split(separator: " ")
                if let index = names.firstIndex(of: "CurrEstab"), index < values.count {
                    statistics.tcpCurrentlyEstablished = Int(values[index]) ?? 0
                }
            }
        }
        return statistics
    }

    /// Applies one sockstat line such as `TCP: inuse 7 orphan 0 tw 2 alloc 10 mem 2`.
    mutating func apply(_ line: Substring) {
        let words = line.split(separator: " ")
        guard let label = words.first else { return }
        func value(_ key: String) -> Int {
            guard let index = words.firstIndex(where: { $0 == key }), index + 1 < words.count else { return 0 }
            return Int(words[index + 1]) ?? 0
        }
        switch label {
        case "sockets:": socketsUsed = value("used")
        case "TCP:":
            tcpInUse4 = value("inuse")
            tcpOrphans = value("orphan")
            tcpTimeWait = value("tw")
            tcpAllocated = value("alloc")
        case "TCP6:": tcpInUse6 = value("inuse")
        case "UDP:": udpInUse4 = value("inuse")
        case "UDP6:": udpInUse6 = value("inuse")
        case "RAW:": rawInUse4 = value("inuse")
        case "RAW6:": rawInUse6 = value("inuse")
        case "FRAG:": fragmentsInUse4 = value("inuse")
        case "FRAG6:": fragmentsInUse6 = value("inuse")
        default: break
        }
    }
}
