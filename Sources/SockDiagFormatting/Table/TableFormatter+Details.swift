import SockDiag

/// The `-o`, `-e`, `-m` and `-i` parts of a table row, exactly as ss 6.1 prints them (`tcp_timer_print`,
/// `sock_details_print`, `print_skmeminfo`, `tcp_show_info` and `tcp_stats_print` in misc/ss.c).
extension TableFormatter {
    /// The longest detail text: the `-o -e` columns, `--tos`, `--inet-sockopt` and the `-m -i` line (cgroup
    /// paths are counted by the caller).
    static let maximumDetails = 160 + 64 + 160 + 1600

    /// Whether `socket` gets a second line (ss: `-m`, or `-i` for anything but UDP).
    static func hasSecondLine(_ socket: Socket, details: OutputDetails) -> Bool {
        details.contains(.memory) || (details.contains(.tcpInfo) && socket.transport != .udp)
    }

    /// Writes the detail columns of `socket` (each starting with a space), and its second line if any (a newline,
    /// a tab, then the memory and tcp_info fields); not the final newline.
    static func writeDetails(
        _ socket: Socket,
        details: OutputDetails,
        cgroup: [UInt8]?,
        to out: inout ByteWriter
    ) {
        if details.contains(.timer) && socket.timer.kind != .off {
            out.put(" timer:(")
            out.put(socket.timer.kind.word)
            out.put(UInt8(ascii: ","))
            out.timerExpiry(milliseconds: socket.timer.expiresMilliseconds)
            out.put(UInt8(ascii: ","))
            out.decimal(UInt32(socket.timer.retransmits))
            out.put(UInt8(ascii: ")"))
        }
        if details.contains(.extended) {
            if socket.uid != 0 {
                out.put(" uid:")
                out.decimal(socket.uid)
            }
            out.put(" ino:")
            out.decimal(socket.inode)
            out.put(" sk:")
            out.hex(socket.cookie)
            if let mark = socket.mark, mark != 0 {
                out.put(" fwmark:0x")
                out.hex(UInt64(mark))
            }
            if let cgroup, socket.cgroupID != 0 {
                out.put(" cgroup:")
                out.putSafe(cgroup)
            }
            if socket.family == .inet6, let v6Only = socket.v6Only {
                out.put(v6Only ? " v6only:1" : " v6only:0")
            }
            if let shutdown = socket.shutdown {
                out.put(UInt8(ascii: " "))
                out.put(shutdown.contains(.receive) ? UInt8(ascii: "-") : UInt8(ascii: "<"))
                out.put(UInt8(ascii: "-"))
                out.put(shutdown.contains(.send) ? UInt8(ascii: "-") : UInt8(ascii: ">"))
            }
        }
        writeOptionDetails(socket, details: details, cgroup: cgroup, to: &out)
        guard hasSecondLine(socket, details: details) else { return }
        if !details.contains(.oneLine) { out.put("\n\t") }
        if let memory = socket.memory {
            writeMemory(memory, to: &out)
        }
        if let info = socket.tcpInfo {
            writeTCPInfo(info, of: socket, details: details, to: &out)
        }
    }

    static func writeMemory(_ memory: SocketMemory, to out: inout ByteWriter) {
        if let counters = memory.counters {
            out.put(" skmem:(r")
            out.decimal(counters.receiveAllocated)
            out.put(",rb")
            out.decimal(counters.receiveBuffer)
            out.put(",t")
            out.decimal(counters.sendAllocated)
            out.put(",tb")
            out.decimal(counters.sendBuffer)
            out.put(",f")
            out.decimal(counters.forwardAllocated)
            out.put(",w")
            out.decimal(counters.sendQueued)
            out.put(",o")
            out.decimal(counters.optionMemory)
            if let backlog = counters.backlog {
                out.put(",bl")
                out.decimal(backlog)
            }
            if let drops = counters.drops {
                out.put(",d")
                out.decimal(drops)
            }
            out.put(UInt8(ascii: ")"))
        } else if let queues = memory.queues {
            out.put(" mem:(r")
            out.decimal(queues.receive)
            out.put(",w")
            out.decimal(queues.send)
            out.put(",f")
            out.decimal(queues.forwardAllocated)
            out.put(",t")
            out.decimal(queues.transmit)
            out.put(UInt8(ascii: ")"))
        }
    }

    /// ss's `tcp_stats_print`: every field only when non-zero, fields a shorter `tcp_info` lacks as zero.
    private static func writeTCPInfo(
        _ info: TCPInfo,
        of socket: Socket,
        details: OutputDetails,
        to out: inout ByteWriter
    ) {
        let numeric = details.contains(.numericRates)
        if details.contains(.timer) {
            if info.options.contains(.timestamps) { out.put(" ts") }
            if info.options.contains(.sack) { out.put(" sack") }
            if info.options.contains(.ecn) { out.put(" ecn") }
            if info.options.contains(.ecnSeen) { out.put(" ecnseen") }
            if info.options.contains(.synData) { out.put(" fastopen") }
        }
        if let congestion = socket.congestion, congestion.count > 0 {
            out.put(UInt8(ascii: " "))
            congestion.withBytes { out.putSafe($0.assumingMemoryBound(to: UInt8.self)) }
        }
        if info.options.contains(.windowScale) {
            out.put(" wscale:")
            out.decimal(UInt32(info.sendWindowScale))
            out.put(UInt8(ascii: ","))
            out.decimal(UInt32(info.receiveWindowScale))
        }
        if info.rto != 0 && info.rto != 3_000_000 {
            out.put(" rto:")
            out.milliseconds(microseconds: info.rto)
        }
        if info.backoff != 0 {
            out.put(" backoff:")
            out.decimal(UInt32(info.backoff))
        }
        if info.rtt != 0 {
            out.put(" rtt:")
            out.milliseconds(microseconds: info.rtt)
            out.put(UInt8(ascii: "/"))
            out.milliseconds(microseconds: info.rttVariance)
        }
        if info.ato != 0 {
            out.put(" ato:")
            out.milliseconds(microseconds: info.ato)
        }
        field(" mss:", info.sendMSS, to: &out)
        field(" pmtu:", info.pmtu, to: &out)
        field(" rcvmss:", info.receiveMSS, to: &out)
        field(" advmss:", info.advertisedMSS, to: &out)
        field(" cwnd:", info.sendCongestionWindow, to: &out)
        if info.sendSlowStartThreshold < 0xFFFF {
            field(" ssthresh:", info.sendSlowStartThreshold, to: &out)
        }
        field(" bytes_sent:", info.bytesSent, to: &out)
        field(" bytes_retrans:", info.bytesRetransmitted, to: &out)
        field(" bytes_acked:", info.bytesAcked, to: &out)
        field(" bytes_received:", info.bytesReceived, to: &out)
        field(" segs_out:", info.segmentsOut, to: &out)
        field(" segs_in:", info.segmentsIn, to: &out)
        field(" data_segs_out:", info.dataSegmentsOut, to: &out)
        field(" data_segs_in:", info.dataSegmentsIn, to: &out)

        var rtt = Double(info.rtt)
        switch socket.congestionControlInfo {
        case .vegas(let enabled, _, let vegasRTT, _):
            if enabled != 0 && vegasRTT != 0 && vegasRTT != 0x7FFF_FFFF { rtt = Double(vegasRTT) }
        case .dctcp(let enabled, let ceState, let alpha, let ackedBytesECN, let ackedBytesTotal):
            if enabled != 0 {
                out.put(" dctcp:(ce_state:")
                out.decimal(UInt32(ceState))
                out.put(",alpha:")
                out.decimal(alpha)
                out.put(",ab_ecn:")
                out.decimal(ackedBytesECN)
                out.put(",ab_tot:")
                out.decimal(ackedBytesTotal)
                out.put(UInt8(ascii: ")"))
            } else {
                out.put(" dctcp:fallback_mode")
            }
        case .bbr(let bandwidth, let minRTT, let pacingGain, let congestionWindowGain):
            out.put(" bbr:(bw:")
            out.bitRate(Double(bandwidth) * 8, numeric: numeric)
            out.put("bps,mrtt:")
            out.milliseconds(microseconds: minRTT)
            if pacingGain != 0 {
                out.put(",pacing_gain:")
                out.general(Double(pacingGain) / 256)
            }
            if congestionWindowGain != 0 {
                out.put(",cwnd_gain:")
                out.general(Double(congestionWindowGain) / 256)
            }
            out.put(UInt8(ascii: ")"))
        case nil:
            break
        }
        if rtt > 0 && info.sendMSS != 0 && info.sendCongestionWindow != 0 {
            out.put(" send ")
            out.bitRate(Double(info.sendCongestionWindow) * Double(info.sendMSS) * 8_000_000 / rtt, numeric: numeric)
            out.put("bps")
        }
        field(" lastsnd:", info.lastDataSent, to: &out)
        field(" lastrcv:", info.lastDataReceived, to: &out)
        field(" lastack:", info.lastAckReceived, to: &out)
        if let pacing = info.pacingRate, pacing != 0, pacing != .max {
            out.put(" pacing_rate ")
            out.bitRate(Double(pacing) * 8, numeric: numeric)
            out.put("bps")
            if let maximum = info.maxPacingRate, maximum != 0, maximum != .max {
                out.put(UInt8(ascii: "/"))
                out.bitRate(Double(maximum) * 8, numeric: numeric)
                out.put("bps")
            }
        }
        if let delivery = info.deliveryRate, delivery != 0 {
            out.put(" delivery_rate ")
            out.bitRate(Double(delivery) * 8, numeric: numeric)
            out.put("bps")
        }
        field(" delivered:", info.delivered, to: &out)
        field(" delivered_ce:", info.deliveredCE, to: &out)
        if info.deliveryRateAppLimited { out.put(" app_limited") }
        if let busy = info.busyTime, busy != 0 {
            out.put(" busy:")
            out.decimal(busy / 1000)
            out.put("ms")
            if let limited = info.receiveWindowLimited, limited != 0 {
                out.put(" rwnd_limited:")
                out.decimal(limited / 1000)
                out.put("ms(")
                out.oneDecimal(100.0 * Double(limited) / Double(busy))
                out.put("%)")
            }
            if let limited = info.sendBufferLimited, limited != 0 {
                out.put(" sndbuf_limited:")
                out.decimal(limited / 1000)
                out.put("ms(")
                out.oneDecimal(100.0 * Double(limited) / Double(busy))
                out.put("%)")
            }
        }
        field(" unacked:", info.unacked, to: &out)
        if info.retrans != 0 || info.totalRetrans != 0 {
            out.put(" retrans:")
            out.decimal(info.retrans)
            out.put(UInt8(ascii: "/"))
            out.decimal(info.totalRetrans)
        }
        field(" lost:", info.lost, to: &out)
        if socket.state != .listen { field(" sacked:", info.sacked, to: &out) }
        field(" dsack_dups:", info.dsackDuplicates, to: &out)
        field(" fackets:", info.fackets, to: &out)
        if info.reordering != 3 {
            out.put(" reordering:")
            out.decimal(info.reordering)
        }
        field(" reord_seen:", info.reorderingSeen, to: &out)
        if info.receiveRTT != 0 {
            out.put(" rcv_rtt:")
            out.milliseconds(microseconds: info.receiveRTT)
        }
        field(" rcv_space:", info.receiveSpace, to: &out)
        field(" rcv_ssthresh:", info.receiveSlowStartThreshold, to: &out)
        field(" notsent:", info.notSentBytes, to: &out)
        if let minRTT = info.minRTT, minRTT != 0, minRTT != .max {
            out.put(" minrtt:")
            out.milliseconds(microseconds: minRTT)
        }
        field(" rcv_ooopack:", info.receiveOutOfOrderPackets, to: &out)
        field(" snd_wnd:", info.sendWindow, to: &out)
        writeNewerTCPInfo(info, to: &out)
    }

    /// The `tcp_info` fields ss 6.1 does not know, after its own, each only when non-zero: `rcv_wnd` and `rehash`
    /// as later ss prints them, then the RTO totals (Linux 6.7+) and the Accurate ECN counters (6.18+) under
    /// their kernel names, as in the JSON.
    private static func writeNewerTCPInfo(_ info: TCPInfo, to out: inout ByteWriter) {
        field(" rcv_wnd:", info.receiveWindow, to: &out)
        field(" rehash:", info.rehash, to: &out)
        field(" total_rto:", info.totalRTO.map(UInt32.init), to: &out)
        field(" total_rto_recoveries:", info.totalRTORecoveries.map(UInt32.init), to: &out)
        field(" total_rto_time:", info.totalRTOTime, to: &out)
        field(" received_ce:", info.receivedCE, to: &out)
        field(" delivered_e1_bytes:", info.deliveredE1Bytes, to: &out)
        field(" delivered_e0_bytes:", info.deliveredE0Bytes, to: &out)
        field(" delivered_ce_bytes:", info.deliveredCEBytes, to: &out)
        field(" received_e1_bytes:", info.receivedE1Bytes, to: &out)
        field(" received_e0_bytes:", info.receivedE0Bytes, to: &out)
        field(" received_ce_bytes:", info.receivedCEBytes, to: &out)
    }

    @inline(__always)
    private static func field(_ name: StaticString, _ value: UInt32?, to out: inout ByteWriter) {
        guard let value, value != 0 else { return }
        out.put(name)
        out.decimal(value)
    }

    @inline(__always)
    private static func field(_ name: StaticString, _ value: UInt64?, to out: inout ByteWriter) {
        guard let value, value != 0 else { return }
        out.put(name)
        out.decimal(value)
    }
}
