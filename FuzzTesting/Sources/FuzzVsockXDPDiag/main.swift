import SockDiagFormatting

@testable import SockDiag

/// The vsock_diag and xsk_diag reply decoders, fed a dump as `SocketInspector.decode(capturedVsockDump:)` and
/// `decode(capturedXDPDump:)` are: libmnl's message walk and `VsockXDPDiagParser`, then ss's table (with `-e`) and
/// JSON rows of each socket. Option byte: bit 0 set for XDP, clear for vsock.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzVsockXDPDiag(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    guard count > 0, let start else { return 0 }
    let xdp = start.load(as: UInt8.self) & 1 == 1
    let bytes = UnsafeRawBufferPointer(start: start + 1, count: count - 1)
    var table = TableFormatter(families: [.inet, .inet6])
    table.details = [.extended]
    var json = JSONFormatter()
    var row: [UInt8] = []
    if xdp {
        decodingUntrustedBytes("decode(capturedXDPDump:)") {
            try SocketInspector.decode(capturedXDPDump: bytes) { socket in
                table.write(socket, to: &row)
                json.write(socket, to: &row)
                row.removeAll(keepingCapacity: true)
            }
        }
    } else {
        decodingUntrustedBytes("decode(capturedVsockDump:)") {
            try SocketInspector.decode(capturedVsockDump: bytes) { socket in
                table.write(socket, to: &row)
                json.write(socket, to: &row)
                row.removeAll(keepingCapacity: true)
            }
        }
    }
    return 0
}
