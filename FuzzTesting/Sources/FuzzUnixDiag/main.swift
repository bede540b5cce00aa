import SockDiagFormatting

@testable import SockDiag

/// The unix_diag reply decoder, fed a captured dump as `SocketInspector.decode(capturedUnixDump:)` is: libmnl's
/// message walk and `UnixDiagParser`, then ss's table and JSON rows of each socket. No option byte: the whole
/// input is the dump.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzUnixDiag(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    let table = TableFormatter(families: [.inet, .inet6])
    var json = JSONFormatter()
    var row: [UInt8] = []
    decodingUntrustedBytes("decode(capturedUnixDump:)") {
        try SocketInspector.decode(capturedUnixDump: bytes) { socket in
            table.write(socket, to: &row)
            json.write(socket, to: &row)
            row.removeAll(keepingCapacity: true)
        }
    }
    return 0
}
