import SockDiag

extension TCPInfo {
    /// The longest JSON object ``writeJSON(to:)`` writes.
    static let maximumJSON = 2048

    /// Writes the fields present as one JSON object, keyed by the kernel's names without `tcpi_`.
    func writeJSON(to out: inout ByteWriter) {
        out.put("{\"state\":")
        out.decimal(UInt32(state))
        out.put(",\"ca_state\":")
        out.decimal(UInt32(caState))
        out.put(",\"retransmits\":")
        out.decimal(UInt32(retransmits))
        out.put(",\"probes\":")
        out.decimal(UInt32(probes))
        out.put(",\"backoff\":")
        out.decimal(UInt32(backoff))
        out.put(",\"options\":")
        out.decimal(UInt32(options.rawValue))
        out.put(",\"snd_wscale\":")
        out.decimal(UInt32(sendWindowScale))
        out.put(",\"rcv_wscale\":")
        out.decimal(UInt32(receiveWindowScale))
        out.put(deliveryRateAppLimited ? ",\"delivery_rate_app_limited\":true" : ",\"delivery_rate_app_limited\":false")
        out.put(",\"fastopen_client_fail\":")
        out.decimal(UInt32(fastOpenClientFail))
        out.put(",\"rto\":")
        out.decimal(rto)
        out.put(",\"ato\":")
        out.decimal(ato)
        out.put(",\"snd_mss\":")
        out.decimal(sendMSS)
        out.put(",\"rcv_mss\":")
        out.decimal(receiveMSS)
        out.put(",\"unacked\":")
        out.decimal(unacked)
        out.put(",\"sacked\":")
        out.decimal(sacked)
        out.put(",\"lost\":")
        out.decimal(lost)
        out.put(",\"retrans\":")
        out.decimal(retrans)
        out.put(",\"fackets\":")
        out.decimal(fackets)
        out.put(",\"last_data_sent\":")
        out.decimal(lastDataSent)
        out.put(",\"last_ack_sent\":")
        out.decimal(lastAckSent)
        out.put(",\"last_data_recv\":")
        out.decimal(lastDataReceived)
        out.put(",\"last_ack_recv\":")
        out.decimal(lastAckReceived)
        out.put(",\"pmtu\":")
        out.decimal(pmtu)
        out.put(",\"rcv_ssthresh\":")
        out.decimal(receiveSlowStartThreshold)
        out.put(",\"rtt\":")
        out.decimal(rtt)
        out.put(",\"rttvar\":")
        out.decimal(rttVariance)
        out.put(",\"snd_ssthresh\":")
        out.decimal(sendSlowStartThreshold)
        out.put(",\"snd_cwnd\":")
        out.decimal(sendCongestionWindow)
        out.put(",\"advmss\":")
        out.decimal(advertisedMSS)
        out.put(",\"reordering\":")
        out.decimal(reordering)
        out.put(",\"rcv_rtt\":")
        out.decimal(receiveRTT)
        out.put(",\"rcv_space\":")
        out.decimal(receiveSpace)
        out.put(",\"total_retrans\":")
        out.decimal(totalRetrans)
        if let value = pacingRate {
            out.put(",\"pacing_rate\":")
            out.decimal(value)
        }
        if let value = maxPacingRate {
            out.put(",\"max_pacing_rate\":")
            out.decimal(value)
        }
        if let value = bytesAcked {
            out.put(",\"bytes_acked\":")
            out.decimal(value)
        }
        if let value = bytesReceived {
            out.put(",\"bytes_received\":")
            out.decimal(value)
        }
        if let value = segmentsOut {
            out.put(",\"segs_out\":")
            out.decimal(UInt32(value))
        }
        if let value = segmentsIn {
            out.put(",\"segs_in\":")
            out.decimal(UInt32(value))
        }
        if let value = notSentBytes {
            out.put(",\"notsent_bytes\":")
            out.decimal(UInt32(value))
        }
        if let value = minRTT {
            out.put(",\"min_rtt\":")
            out.decimal(UInt32(value))
        }
        if let value = dataSegmentsIn {
            out.put(",\"data_segs_in\":")
            out.decimal(UInt32(value))
        }
        if let value = dataSegmentsOut {
            out.put(",\"data_segs_out\":")
            out.decimal(UInt32(value))
        }
        if let value = deliveryRate {
            out.put(",\"delivery_rate\":")
            out.decimal(value)
        }
        if let value = busyTime {
            out.put(",\"busy_time\":")
            out.decimal(value)
        }
        if let value = receiveWindowLimited {
            out.put(",\"rwnd_limited\":")
            out.decimal(value)
        }
        if let value = sendBufferLimited {
            out.put(",\"sndbuf_limited\":")
            out.decimal(value)
        }
        if let value = delivered {
            out.put(",\"delivered\":")
            out.decimal(UInt32(value))
        }
        if let value = deliveredCE {
            out.put(",\"delivered_ce\":")
            out.decimal(UInt32(value))
        }
        if let value = bytesSent {
            out.put(",\"bytes_sent\":")
            out.decimal(value)
        }
        if let value = bytesRetransmitted {
            out.put(",\"bytes_retrans\":")
            out.decimal(value)
        }
        if let value = dsackDuplicates {
            out.put(",\"dsack_dups\":")
            out.decimal(UInt32(value))
        }
        if let value = reorderingSeen {
            out.put(",\"reord_seen\":")
            out.decimal(UInt32(value))
        }
        if let value = receiveOutOfOrderPackets {
            out.put(",\"rcv_ooopack\":")
            out.decimal(UInt32(value))
        }
        if let value = sendWindow {
            out.put(",\"snd_wnd\":")
            out.decimal(UInt32(value))
        }
        if let value = receiveWindow {
            out.put(",\"rcv_wnd\":")
            out.decimal(UInt32(value))
        }
        if let value = rehash {
            out.put(",\"rehash\":")
            out.decimal(UInt32(value))
        }
        if let value = totalRTO {
            out.put(",\"total_rto\":")
            out.decimal(UInt32(value))
        }
        if let value = totalRTORecoveries {
            out.put(",\"total_rto_recoveries\":")
            out.decimal(UInt32(value))
        }
        if let value = totalRTOTime {
            out.put(",\"total_rto_time\":")
            out.decimal(UInt32(value))
        }
        if let value = receivedCE {
            out.put(",\"received_ce\":")
            out.decimal(UInt32(value))
        }
        if let value = deliveredE1Bytes {
            out.put(",\"delivered_e1_bytes\":")
            out.decimal(UInt32(value))
        }
        if let value = deliveredE0Bytes {
            out.put(",\"delivered_e0_bytes\":")
            out.decimal(UInt32(value))
        }
        if let value = deliveredCEBytes {
            out.put(",\"delivered_ce_bytes\":")
            out.decimal(UInt32(value))
        }
        if let value = receivedE1Bytes {
            out.put(",\"received_e1_bytes\":")
            out.decimal(UInt32(value))
        }
        if let value = receivedE0Bytes {
            out.put(",\"received_e0_bytes\":")
            out.decimal(UInt32(value))
        }
        if let value = receivedCEBytes {
            out.put(",\"received_ce_bytes\":")
            out.decimal(UInt32(value))
        }
        if let value = ecnMode {
            out.put(",\"ecn_mode\":")
            out.decimal(UInt32(value))
        }
        if let value = accECNOptionSeen {
            out.put(",\"accecn_opt_seen\":")
            out.decimal(UInt32(value))
        }
        if let value = accECNFailMode {
            out.put(",\"accecn_fail_mode\":")
            out.decimal(UInt32(value))
        }
        if let value = options2 {
            out.put(",\"options2\":")
            out.decimal(UInt32(value))
        }
        out.put(UInt8(ascii: "}"))
    }
}
