import SockDiagFormatting

@testable import SockDiag

/// The /proc parsers: a captured `/proc/net/{tcp,tcp6,udp,udp6,raw,raw6}` table through
/// `ProcSocketReader.decode(capturedTable:…)` (each socket then through ss's table row), and the same text as
/// `/proc/net/sockstat` lines through `KernelSocketStatistics`. Option byte: bits 0-1 the transport (tcp, udp, raw,
/// tcp), bit 2 IPv6, bits 3-4 USER_HZ (100, 250, 1000, 1).
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzProcNet(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let transports: [TransportProtocol] = [.tcp, .udp, .raw, .tcp]
    let hertz = [100, 250, 1000, 1][Int(input.option >> 3 & 3)]
    var table = TableFormatter(families: [.inet, .inet6])
    table.details = [.timer, .extended]
    var row: [UInt8] = []
    decodingUntrustedBytes("decode(capturedTable:)") {
        try ProcSocketReader.decode(
            capturedTable: input.body,
            transport: transports[Int(input.option & 3)],
            family: input.option & 4 != 0 ? .inet6 : .inet,
            clockTicksPerSecond: hertz
        ) { socket in
            table.write(socket, to: &row)
            row.removeAll(keepingCapacity: true)
        }
    }
    var statistics = KernelSocketStatistics()
    for line in String(decoding: input.body, as: UTF8.self).split(separator: "\n") {
        statistics.apply(line)
    }
    return 0
}
