import SockDiag

/// The `--tos`, `--cgroup` and `--inet-sockopt` parts of a table row, as ss 6.1's `inet_show_sock` prints them:
/// after `-e`'s columns, before the `-m`/`-i` line.
extension TableFormatter {
    static func writeOptionDetails(
        _ socket: Socket,
        details: OutputDetails,
        cgroup: [UInt8]?,
        to out: inout ByteWriter
    ) {
        if details.contains(.typeOfService), let service = socket.typeOfService {
            if let tos = service.tos {
                out.put(" tos:")
                out.alternateHex(UInt64(tos))
            }
            if let trafficClass = service.trafficClass {
                out.put(" tclass:")
                out.alternateHex(UInt64(trafficClass))
            }
            if let classID = service.classID {
                out.put(" class_id:")
                out.alternateHex(UInt64(classID))
            }
        }
        if details.contains(.cgroup), socket.cgroupID != nil, let cgroup {
            out.put(" cgroup:")
            out.put(cgroup)
        }
        if details.contains(.inetSocketOptions), let options = socket.inetOptions {
            out.put(details.contains(.oneLine) ? " inet-sockopt: (" : "\n\tinet-sockopt: (")
            for (option, word) in Self.socketOptionWords where options.contains(option) { out.put(word) }
            out.put(UInt8(ascii: ")"))
        }
    }
}

extension TableFormatter {
    /// Each `--inet-sockopt` flag with ss's word for it (and the space before it), in ss's order.
    static let socketOptionWords: [(InetSocketOptions, StaticString)] = [
        (.receiveErrors, " recverr"), (.connectionSocket, " is_icsk"), (.freeBind, " freebind"),
        (.headerIncluded, " hdrincl"), (.multicastLoop, " mc_loop"), (.transparent, " transparent"),
        (.multicastAll, " mc_all"), (.noDefragment, " nodefrag"), (.bindAddressNoPort, " bind_addr_no_port"),
        (.receiveErrorsRFC4884, " recverr_rfc4884"), (.deferConnect, " defer_connect"),
    ]
}

extension ByteWriter {
    /// C's `%#x`: `0` for zero, else `0x` and lowercase hex digits.
    mutating func alternateHex(_ value: UInt64) {
        if value != 0 { put("0x") }
        hex(value)
    }
}
