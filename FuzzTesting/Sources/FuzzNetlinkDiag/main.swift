import SockDiagFormatting

@testable import SockDiag

/// The netlink_diag reply decoder, fed a captured dump as `SocketInspector.decode(capturedNetlinkDump:)` is:
/// libmnl's message walk and `NetlinkDiagParser`, then ss's table (named, numeric, `-e`) and JSON rows of each
/// socket. No option byte: the whole input is the dump.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzNetlinkDiag(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let bytes = UnsafeRawBufferPointer(start: start, count: count)
    var named = TableFormatter(families: [.inet, .inet6])
    named.processName = { _ in Array("fuzz".utf8) }
    var numeric = TableFormatter(families: [.inet])
    numeric.numeric = true
    numeric.details = [.extended]
    var json = JSONFormatter()
    var row: [UInt8] = []
    decodingUntrustedBytes("decode(capturedNetlinkDump:)") {
        try SocketInspector.decode(capturedNetlinkDump: bytes) { socket in
            named.write(socket, to: &row)
            numeric.write(socket, to: &row)
            json.write(socket, to: &row)
            row.removeAll(keepingCapacity: true)
        }
    }
    return 0
}
