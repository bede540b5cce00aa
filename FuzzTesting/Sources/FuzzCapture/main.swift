import SockDiagFormatting

@testable import SockDiag

/// The capture-file reader (`--from FILE`, `TCPDIAG_FILE`): `DumpCapture(bytes:)` splits the file into dumps and
/// their recorded requests, then every dump is replayed as `sockdiag --from` replays it (libmnl's walk, the
/// inet_diag or unix_diag parser, the request's states and the Swift filter), and each socket is written as a table
/// and a JSON row. Option byte: bit 0 every state (else ss's default), bit 1 `-m -i` asked (the extensions the
/// capture holds are kept), bit 2 the filter `sport = :8000 or dst 127.0.0.0/8`, bit 3 UNIX `-e -m` and the path
/// filter `src /run/*`.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzzCapture(_ start: UnsafeRawPointer?, _ count: Int) -> CInt {
    let input = FuzzInput(start, count)
    let capture: DumpCapture
    do {
        capture = try DumpCapture(bytes: Array(input.body))
    } catch {
        return 0  // A malformed file is refused: the expected answer.
    }
    let states: StateSet = input.option & 1 != 0 ? .all.union(.boundInactive) : .ssDefault
    var query = SocketQuery(protocols: [.tcp, .udp, .raw], states: states, kernelFiltering: false)
    if input.option & 2 != 0 { query.extensions = [.tcpInfo, .memory] }
    if input.option & 4 != 0 { query.filter = captureFilter() }
    var unixQuery = UnixSocketQuery(states: states)
    if input.option & 8 != 0 {
        unixQuery.details = [.file, .memory]
        unixQuery.filter = unixFilter()
    }
    var table = TableFormatter(families: [.inet, .inet6])
    table.details = [.timer, .extended, .memory, .tcpInfo]
    table.cgroupPath = { _ in Array("/".utf8) }
    var json = JSONFormatter()
    json.details = table.details
    var row: [UInt8] = []
    decodingUntrustedBytes("DumpCapture.forEachSocket(matching:)") {
        try capture.forEachSocket(matching: query) { socket in
            table.write(socket, to: &row)
            json.write(socket, to: &row)
            row.removeAll(keepingCapacity: true)
        }
    }
    decodingUntrustedBytes("DumpCapture.forEachUnixSocket(matching:)") {
        try capture.forEachUnixSocket(matching: unixQuery) { socket in
            table.write(socket, to: &row)
            json.write(socket, to: &row)
            row.removeAll(keepingCapacity: true)
        }
    }
    return 0
}

/// `sport = :8000 or dst 127.0.0.0/8`, parsed for each input that asks for it (a global would hold the
/// expression's boxes in a way LeakSanitizer cannot follow, and be reported as a leak).
private func captureFilter() -> FilterExpression {
    let words = ["sport", "=", ":8000", "or", "dst", "127.0.0.0/8"]
    guard let result = try? FilterParser.parse(words) else { fuzzFailure("the capture filter does not parse") }
    return result.expression
}

/// `src /run/*`, parsed for each input that asks for it.
private func unixFilter() -> UnixPathFilter {
    guard let result = try? UnixFilterParser.parse(["src", "/run/*"]) else {
        fuzzFailure("the UNIX path filter does not parse")
    }
    return result.filter
}
