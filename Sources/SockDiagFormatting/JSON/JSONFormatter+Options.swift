import SockDiag

/// The JSON keys of `--tos`, `--cgroup` and `--inet-sockopt`.
extension JSONFormatter {
    /// Writes, when asked for and reported (never for minisockets):
    /// - ``OutputDetails/typeOfService``: `tos`, `tclass` (IPv6 only) and `class_id`, numbers, each when sent;
    /// - ``OutputDetails/cgroup`` (without ``OutputDetails/extended``, which writes it already): `cgroup_id`,
    ///   number or null;
    /// - ``OutputDetails/inetSocketOptions``: `inet_sockopt`, the set flags by ss's words
    ///   (`["is_icsk","mc_loop"]`).
    static func writeOptionDetails(_ socket: Socket, details: OutputDetails, to out: inout ByteWriter) {
        if details.contains(.typeOfService), let service = socket.typeOfService {
            if let tos = service.tos {
                out.put(",\"tos\":")
                out.decimal(UInt32(tos))
            }
            if let trafficClass = service.trafficClass {
                out.put(",\"tclass\":")
                out.decimal(UInt32(trafficClass))
            }
            if let classID = service.classID {
                out.put(",\"class_id\":")
                out.decimal(classID)
            }
        }
        if details.contains(.cgroup) && !details.contains(.extended) {
            out.put(",\"cgroup_id\":")
            if let id = socket.cgroupID { out.decimal(id) } else { out.put("null") }
        }
        if details.contains(.inetSocketOptions), let options = socket.inetOptions {
            out.put(",\"inet_sockopt\":[")
            var first = true
            for (option, word) in TableFormatter.socketOptionWords where options.contains(option) {
                out.put(first ? "\"" : ",\"")
                // The table's words start with a space.
                let bytes = UnsafeBufferPointer(start: word.utf8Start + 1, count: word.utf8CodeUnitCount - 1)
                out.put(bytes)
                out.put(UInt8(ascii: "\""))
                first = false
            }
            out.put(UInt8(ascii: "]"))
        }
    }
}
