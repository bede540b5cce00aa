import SockDiagFormatting

@testable import SockDiag

/// The inet_diag reply decoder, fed a captured dump as `SocketInspector.decode(capturedDump:)` is: libmnl's
/// message walk, `InetDiagParser` and every extension decoder, then ss's table and JSON rows of each socket
/// (`-oemi`, with and without `-n`), which read every decoded field. Option byte: bits 0-1 the transport (tcp, udp,
/// raw, tcp), bit 2 bound-inactive requested, bit 3 numeric rates.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzInetDiag(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let transports: [TransportProtocol] = [.tcp, .udp, .raw, .tcp]
    var details: OutputDetails = [.timer, .extended, .memory, .tcpInfo]
    if input.option & 8 != 0 { details.insert(.numericRates) }
    var table = TableFormatter(families: [.inet, .inet6])
    table.details = details
    table.cgroupPath = { _ in Array("/".utf8) }
    var json = JSONFormatter()
    json.details = details
    var row: [UInt8] = []
    decodingUntrustedBytes("decode(capturedDump:)") {
        try SocketInspector.decode(
            capturedDump: input.body,
            transport: transports[Int(input.option & 3)],
            boundInactiveRequested: input.option & 4 != 0
        ) { socket in
            table.write(socket, to: &row)
            json.write(socket, to: &row)
            row.removeAll(keepingCapacity: true)
        }
    }
    return 0
}
