import SockDiag

/// The JSON keys the `-e`, `-m` and `-i` details add to each socket object (only the parts the socket has).
extension JSONFormatter {
    /// The longest detail text.
    static let maximumDetails = 256 + 512 + 256 + TCPInfo.maximumJSON

    /// Writes `,"key":…` pairs for the details of `socket`:
    /// - ``OutputDetails/extended``: `shutdown` (`{"receive":bool,"send":bool}` or null), `mark` and `cgroup_id`
    ///   (number or null);
    /// - ``OutputDetails/memory``: `memory`, with `skmem` (the `SK_MEMINFO_*` counters by their kernel names) and
    ///   `meminfo` (`inet_diag_meminfo`), each when sent;
    /// - ``OutputDetails/tcpInfo``: `congestion` (the algorithm's name), `tcp_info` (the fields the kernel's
    ///   layout has, by their kernel names) and `bbr_info`, `dctcp_info` or `vegas_info`;
    /// - ``OutputDetails/typeOfService``, ``OutputDetails/cgroup``, ``OutputDetails/inetSocketOptions``: the keys
    ///   `writeOptionDetails` documents.
    static func writeDetails(_ socket: Socket, details: OutputDetails, to out: inout ByteWriter) {
        if details.contains(.extended) { writeExtended(socket, to: &out) }
        writeOptionDetails(socket, details: details, to: &out)
        if details.contains(.memory), let memory = socket.memory { write(memory, to: &out) }
        if details.contains(.tcpInfo) { writeTCPInfo(socket, to: &out) }
    }

    /// `-e`: `shutdown`, `mark`, `cgroup_id`.
    private static func writeExtended(_ socket: Socket, to out: inout ByteWriter) {
        writeShutdown(socket.shutdown, to: &out)
        out.put(",\"mark\":")
        if let mark = socket.mark { out.decimal(mark) } else { out.put("null") }
        out.put(",\"cgroup_id\":")
        if let id = socket.cgroupID { out.decimal(id) } else { out.put("null") }
    }

    /// `"shutdown":{"receive":bool,"send":bool}`, or null.
    static func writeShutdown(_ shutdown: SocketShutdown?, to out: inout ByteWriter) {
        guard let shutdown else {
            out.put(",\"shutdown\":null")
            return
        }
        out.put(shutdown.contains(.receive) ? ",\"shutdown\":{\"receive\":true" : ",\"shutdown\":{\"receive\":false")
        out.put(shutdown.contains(.send) ? ",\"send\":true}" : ",\"send\":false}")
    }

    /// `-m`: `memory` with `skmem` and `meminfo`.
    static func write(_ memory: SocketMemory, to out: inout ByteWriter) {
        out.put(",\"memory\":{")
        if let counters = memory.counters {
            out.put("\"skmem\":{\"rmem_alloc\":")
            out.decimal(counters.receiveAllocated)
            out.put(",\"rcvbuf\":")
            out.decimal(counters.receiveBuffer)
            out.put(",\"wmem_alloc\":")
            out.decimal(counters.sendAllocated)
            out.put(",\"sndbuf\":")
            out.decimal(counters.sendBuffer)
            out.put(",\"fwd_alloc\":")
            out.decimal(counters.forwardAllocated)
            out.put(",\"wmem_queued\":")
            out.decimal(counters.sendQueued)
            out.put(",\"optmem\":")
            out.decimal(counters.optionMemory)
            if let backlog = counters.backlog {
                out.put(",\"backlog\":")
                out.decimal(backlog)
            }
            if let drops = counters.drops {
                out.put(",\"drops\":")
                out.decimal(drops)
            }
            out.put(UInt8(ascii: "}"))
        }
        if let queues = memory.queues {
            out.put(memory.counters == nil ? "\"meminfo\":{\"rmem\":" : ",\"meminfo\":{\"rmem\":")
            out.decimal(queues.receive)
            out.put(",\"wmem\":")
            out.decimal(queues.send)
            out.put(",\"fmem\":")
            out.decimal(queues.forwardAllocated)
            out.put(",\"tmem\":")
            out.decimal(queues.transmit)
            out.put(UInt8(ascii: "}"))
        }
        out.put(UInt8(ascii: "}"))
    }

    /// `-i`: `congestion`, `tcp_info` and the algorithm's own block.
    private static func writeTCPInfo(_ socket: Socket, to out: inout ByteWriter) {
        if let congestion = socket.congestion {
            out.put(",\"congestion\":\"")
            congestion.withBytes { name in
                // Kernel algorithm names are identifiers; anything JSON would need escaped is left out.
                for byte in name where byte >= 0x20 && byte != UInt8(ascii: "\"") && byte != UInt8(ascii: "\\") {
                    out.put(byte)
                }
            }
            out.put(UInt8(ascii: "\""))
        }
        if let info = socket.tcpInfo {
            out.put(",\"tcp_info\":")
            info.writeJSON(to: &out)
        }
        switch socket.congestionControlInfo {
        case .vegas(let enabled, let rttCount, let rtt, let minRTT):
            out.put(",\"vegas_info\":{\"enabled\":")
            out.decimal(enabled)
            out.put(",\"rtt_count\":")
            out.decimal(rttCount)
            out.put(",\"rtt\":")
            out.decimal(rtt)
            out.put(",\"min_rtt\":")
            out.decimal(minRTT)
            out.put(UInt8(ascii: "}"))
        case .dctcp(let enabled, let ceState, let alpha, let ackedBytesECN, let ackedBytesTotal):
            out.put(",\"dctcp_info\":{\"enabled\":")
            out.decimal(UInt32(enabled))
            out.put(",\"ce_state\":")
            out.decimal(UInt32(ceState))
            out.put(",\"alpha\":")
            out.decimal(alpha)
            out.put(",\"ab_ecn\":")
            out.decimal(ackedBytesECN)
            out.put(",\"ab_tot\":")
            out.decimal(ackedBytesTotal)
            out.put(UInt8(ascii: "}"))
        case .bbr(let bandwidth, let minRTT, let pacingGain, let congestionWindowGain):
            out.put(",\"bbr_info\":{\"bw\":")
            out.decimal(bandwidth)
            out.put(",\"min_rtt\":")
            out.decimal(minRTT)
            out.put(",\"pacing_gain\":")
            out.decimal(pacingGain)
            out.put(",\"cwnd_gain\":")
            out.decimal(congestionWindowGain)
            out.put(UInt8(ascii: "}"))
        case nil:
            break
        }
    }
}
