#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// Decodes the text of `/proc/net/tcp`, `tcp6`, `udp` and `udp6` into ``Socket`` values, straight from the bytes,
/// without allocating per line.
///
/// Line layout (kernel `get_tcp4_sock()`, `get_tcp6_sock()`, `get_timewait4_sock()`, `get_openreq4()`,
/// `udp4_format_sock()`), fields separated by spaces:
///
///     sl local_address rem_address st tx_queue:rx_queue tr:tm->when retrnsmt uid timeout inode ...
///
/// - `sl`: decimal slot number and a colon (ignored).
/// - addresses: `ADDR:PORT`; ADDR is 8 hex digits per native-endian `u32` word holding network-order bytes
///   (one word for IPv4, four for IPv6), PORT is 4 hex digits in host order.
/// - `st`: the kernel state in hex (``SocketState`` numbers).
/// - queues: hex; for a listener `rx_queue` is the accept-queue length and `tx_queue` is 0.
/// - `tr`: the timer kind in hex (``SocketTimer/Kind`` numbers), `tm->when` the ticks (USER_HZ) until it fires.
/// - `retrnsmt`: hex retransmissions; `uid`, `timeout` (unanswered probes) and `inode`: decimal.
/// - the rest (refcount, pointer, rto, …, or UDP's drops) differs by socket kind and is ignored.
///
/// Feed it with ``consumeLines(_:_:)`` as the bytes arrive and finish with ``finish(unconsumedByteCount:)``.
struct ProcParser {
    /// The protocol of the file (the lines do not say).
    let transport: TransportProtocol
    /// The family of the file (the lines do not say; IPv4 lines have 8-digit addresses, IPv6 lines 32).
    let family: AddressFamily
    /// `USER_HZ`, the unit of `tm->when` (`sysconf(_SC_CLK_TCK)`).
    let clockTicksPerSecond: UInt32
    /// The file the text comes from, for error messages.
    let source: String
    /// How many lines (header included) have been consumed so far.
    private(set) var linesConsumed = 0

    /// Creates a parser for one file.
    /// - Parameters:
    ///   - transport: The protocol of the file.
    ///   - family: The family of the file.
    ///   - clockTicksPerSecond: `USER_HZ`; 0 is taken as 100.
    ///   - source: The path or name of the file, for error messages.
    init(transport: TransportProtocol, family: AddressFamily, clockTicksPerSecond: UInt32, source: String) {
        self.transport = transport
        self.family = family
        self.clockTicksPerSecond = clockTicksPerSecond == 0 ? 100 : clockTicksPerSecond
        self.source = source
    }

    /// Parses every complete (newline-terminated) line at the start of `bytes` and calls `body` for each socket.
    ///
    /// The first line of the file is the header; it is checked (it must start with `sl`) and skipped.
    /// - Parameters:
    ///   - bytes: Text continuing where the previous call stopped.
    ///   - body: Called once per socket line.
    /// - Returns: How many bytes were consumed: up to and including the last newline. The caller keeps the rest
    ///   and passes it again, followed by more text, on the next call.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` for a malformed line, or what `body` throws.
    mutating func consumeLines(_ bytes: UnsafeRawBufferPointer, _ body: (Socket) throws -> Void) throws -> Int {
        guard let base = bytes.baseAddress else { return 0 }
        var start = 0
        while start < bytes.count {
            guard let newline = memchr(base + start, 0x0A, bytes.count - start) else { break }
            let end = base.distance(to: UnsafeRawPointer(newline))
            let line = UnsafeRawBufferPointer(rebasing: bytes[start..<end])
            linesConsumed += 1
            if linesConsumed == 1 {
                try checkHeader(line)
            } else {
                let socket: Socket
                do throws(ProcLineError) {
                    socket = try Self.parseLine(
                        line,
                        transport: transport,
                        family: family,
                        clockTicksPerSecond: clockTicksPerSecond
                    )
                } catch {
                    throw malformed(line: linesConsumed, error.description, column: error.column + 1)
                }
                try body(socket)
            }
            start = end + 1
        }
        return start
    }

    /// Checks that the text ended at a line boundary.
    /// - Parameter unconsumedByteCount: The bytes left over after the last ``consumeLines(_:_:)`` call.
    /// - Throws: ``SockDiagError`` with code `malformedMessage` when the last line has no newline.
    func finish(unconsumedByteCount: Int) throws(SockDiagError) {
        if unconsumedByteCount > 0 {
            throw malformed(
                line: linesConsumed + 1,
                "truncated: \(unconsumedByteCount) bytes without a terminating newline",
                column: nil
            )
        }
    }

    /// The error for a line longer than the read buffer.
    func lineTooLong(bufferSize: Int) -> SockDiagError {
        malformed(line: linesConsumed + 1, "longer than the \(bufferSize)-byte read buffer", column: nil)
    }

    private func checkHeader(_ line: UnsafeRawBufferPointer) throws(SockDiagError) {
        var index = 0
        while index < line.count && line[index] == UInt8(ascii: " ") { index += 1 }
        guard line.count - index >= 2, line[index] == UInt8(ascii: "s"), line[index + 1] == UInt8(ascii: "l") else {
            throw malformed(line: 1, "not the header of a /proc/net socket table (expected `sl`)", column: nil)
        }
    }

    private func malformed(line: Int, _ reason: String, column: Int?) -> SockDiagError {
        let place = column.map { "line \(line), column \($0)" } ?? "line \(line)"
        return SockDiagError(
            code: .malformedMessage,
            errno: nil,
            operation: "parse \(source)",
            message: "malformed \(source), \(place): \(reason)"
        )
    }

    /// Decodes one socket line (without its newline).
    /// - Throws: ``ProcLineError`` saying which field is wrong and where.
    @inline(__always)
    static func parseLine(
        _ line: UnsafeRawBufferPointer,
        transport: TransportProtocol,
        family: AddressFamily,
        clockTicksPerSecond: UInt32
    ) throws(ProcLineError) -> Socket {
        var cursor = ProcLineCursor(line)
        // sl
        try cursor.skipSpaces(before: "sl")
        _ = try cursor.decimal(maxDigits: 10, field: "sl")
        try cursor.expect(UInt8(ascii: ":"), field: "sl")
        // local_address, rem_address
        try cursor.skipSpaces(before: "local_address")
        let localAddress = try cursor.address(family, field: "local_address")
        try cursor.expect(UInt8(ascii: ":"), field: "local_address")
        let localPort = UInt16(truncatingIfNeeded: try cursor.hex(maxDigits: 4, field: "local port"))
        try cursor.skipSpaces(before: "rem_address")
        let peerAddress = try cursor.address(family, field: "rem_address")
        try cursor.expect(UInt8(ascii: ":"), field: "rem_address")
        let peerPort = UInt16(truncatingIfNeeded: try cursor.hex(maxDigits: 4, field: "remote port"))
        // st
        try cursor.skipSpaces(before: "st")
        let state = UInt8(truncatingIfNeeded: try cursor.hex(maxDigits: 2, field: "st"))
        // tx_queue:rx_queue
        try cursor.skipSpaces(before: "tx_queue")
        let sendQueue = UInt32(truncatingIfNeeded: try cursor.hex(maxDigits: 8, field: "tx_queue"))
        try cursor.expect(UInt8(ascii: ":"), field: "tx_queue")
        let receiveQueue = UInt32(truncatingIfNeeded: try cursor.hex(maxDigits: 8, field: "rx_queue"))
        // tr:tm->when
        try cursor.skipSpaces(before: "tr")
        let timerKind = UInt8(truncatingIfNeeded: try cursor.hex(maxDigits: 2, field: "tr"))
        try cursor.expect(UInt8(ascii: ":"), field: "tr")
        let ticks = try cursor.hex(maxDigits: 16, field: "tm->when")
        // retrnsmt
        try cursor.skipSpaces(before: "retrnsmt")
        let retransmits = try cursor.hex(maxDigits: 8, field: "retrnsmt")
        // uid
        try cursor.skipSpaces(before: "uid")
        let uid = UInt32(truncatingIfNeeded: try cursor.decimal(maxDigits: 10, field: "uid", limit: UInt64(UInt32.max)))
        // timeout: icsk_probes_out, printed with %d
        try cursor.skipSpaces(before: "timeout")
        let probes = try cursor.signedDecimalClampedAtZero(maxDigits: 10, field: "timeout")
        // inode, then the end of the line or more fields
        try cursor.skipSpaces(before: "inode")
        let inode = try cursor.decimal(maxDigits: 20, field: "inode")
        try cursor.expectEndOfField(field: "inode")

        let kind = SocketTimer.Kind(rawValue: timerKind)
        // As ss's tcp_show_line() and inet_diag do: the count that matters for the pending timer is
        // retransmissions for the retransmit timer and unanswered probes for keepalive and zero-window probes.
        let count = kind == .on ? retransmits : probes
        return Socket(
            transport: transport,
            family: family,
            state: SocketState(rawValue: state),
            local: Endpoint(address: localAddress, port: localPort),
            peer: Endpoint(address: peerAddress, port: peerPort),
            receiveQueue: receiveQueue,
            sendQueue: sendQueue,
            uid: uid,
            inode: inode,
            cookie: 0,
            interfaceIndex: 0,
            timer: SocketTimer(
                kind: kind,
                expiresMilliseconds: kind == .off
                    ? 0 : milliseconds(ticks: ticks, clockTicksPerSecond: clockTicksPerSecond),
                retransmits: UInt8(clamping: count)
            ),
            v6Only: nil
        )
    }

    /// Converts clock ticks to milliseconds, rounding up as ss does (`(ticks * 1000 + hz - 1) / hz`),
    /// saturating at `UInt32.max`.
    @inline(__always)
    static func milliseconds(ticks: UInt64, clockTicksPerSecond hz: UInt32) -> UInt32 {
        let hz = UInt64(hz == 0 ? 100 : hz)
        let (scaled, overflow) = ticks.multipliedReportingOverflow(by: 1000)
        guard !overflow else { return UInt32.max }
        let (rounded, overflow2) = scaled.addingReportingOverflow(hz - 1)
        guard !overflow2 else { return UInt32.max }
        return UInt32(clamping: rounded / hz)
    }
}

/// Why a /proc/net line could not be decoded: what, in which field, at which byte. Allocates nothing.
struct ProcLineError: Error, CustomStringConvertible {
    /// What was wrong.
    enum Problem {
        case endsBefore, endsInside, noSpaceBefore, unexpectedCharacter, expectedHexDigits, badHexDigit
        case expectedDecimalDigits, outOfRange
    }

    /// What was wrong.
    let problem: Problem
    /// The field (the header's name for it).
    let field: StaticString
    /// The byte offset in the line where it went wrong.
    let column: Int

    /// A phrase such as "bad hex digit in local_address".
    var description: String {
        switch problem {
        case .endsBefore: return "line ends before \(field)"
        case .endsInside: return "line ends inside \(field)"
        case .noSpaceBefore: return "no space before \(field)"
        case .unexpectedCharacter: return "unexpected character in \(field)"
        case .expectedHexDigits: return "expected hex digits in \(field)"
        case .badHexDigit: return "bad hex digit in \(field)"
        case .expectedDecimalDigits: return "expected decimal digits in \(field)"
        case .outOfRange: return "number out of range in \(field)"
        }
    }
}

/// Reads fields from one line of /proc/net text; every read is bounds-checked against the line.
struct ProcLineCursor {
    let line: UnsafeRawBufferPointer
    var position = 0

    @inline(__always)
    init(_ line: UnsafeRawBufferPointer) {
        self.line = line
    }

    /// Skips at least one space (none needed at the start of the line); fails at the end of the line.
    @inline(__always)
    mutating func skipSpaces(before field: StaticString) throws(ProcLineError) {
        let start = position
        while position < line.count && line[position] == UInt8(ascii: " ") { position += 1 }
        guard position < line.count else { throw fail(.endsBefore, field) }
        guard position > start || start == 0 else { throw fail(.noSpaceBefore, field) }
    }

    /// Requires `byte` next.
    @inline(__always)
    mutating func expect(_ byte: UInt8, field: StaticString) throws(ProcLineError) {
        guard position < line.count else { throw fail(.endsInside, field) }
        guard line[position] == byte else { throw fail(.unexpectedCharacter, field) }
        position += 1
    }

    /// Requires the end of the line or a space next.
    @inline(__always)
    mutating func expectEndOfField(field: StaticString) throws(ProcLineError) {
        guard position == line.count || line[position] == UInt8(ascii: " ") else {
            throw fail(.unexpectedCharacter, field)
        }
    }

    /// Reads 1 to `maxDigits` hex digits (either case).
    @inline(__always)
    mutating func hex(maxDigits: Int, field: StaticString) throws(ProcLineError) -> UInt64 {
        var value: UInt64 = 0
        let start = position
        let end = min(line.count, position + maxDigits)
        // The kernel pads most hex fields to 8 digits: take those in one step when they are all there.
        if end - position >= 8, let eight = Self.value(ofEightHexDigits: eightBytes()) {
            value = UInt64(eight)
            position += 8
        }
        while position < end, let digit = hexDigit(line[position]) {
            value = value << 4 | UInt64(digit)
            position += 1
        }
        guard position > start else { throw fail(.expectedHexDigits, field) }
        return value
    }

    /// Reads exactly 8 hex digits: one `u32` word.
    @inline(__always)
    mutating func word(field: StaticString) throws(ProcLineError) -> UInt32 {
        guard line.count - position >= 8 else { throw fail(.endsInside, field) }
        if let value = Self.value(ofEightHexDigits: eightBytes()) {
            position += 8
            return value
        }
        // Find the offending digit for the error.
        for _ in 0..<8 {
            guard hexDigit(line[position]) != nil else { throw fail(.badHexDigit, field) }
            position += 1
        }
        preconditionFailure("value(ofEightHexDigits:) rejected eight hex digits")
    }

    /// The eight bytes at `position`, the first in the lowest byte, on either endianness. Needs 8 bytes left.
    @inline(__always)
    private func eightBytes() -> UInt64 {
        UInt64(littleEndian: line.loadUnaligned(fromByteOffset: position, as: UInt64.self))
    }

    /// The value of eight ASCII hex digits (either case) packed in `chunk`, the first (most significant) digit in
    /// the lowest byte; `nil` if any byte is not a hex digit. SWAR: all eight at once, without branches.
    @inline(__always)
    static func value(ofEightHexDigits chunk: UInt64) -> UInt32? {
        let ones: UInt64 = 0x0101_0101_0101_0101
        let highBits = ones &* 0x80
        guard chunk & highBits == 0 else { return nil }
        // With every byte below 0x80, adding 0x80 - k sets a byte's high bit exactly when the byte is >= k,
        // and never carries into the next byte.
        let digits = (chunk &+ (ones &* (0x80 - 0x30))) & ~(chunk &+ (ones &* (0x80 - 0x3A)))
        let folded = chunk | (ones &* 0x20)
        let letters = (folded &+ (ones &* (0x80 - 0x61))) & ~(folded &+ (ones &* (0x80 - 0x67)))
        guard (digits | letters) & highBits == highBits else { return nil }
        // A digit's value is its low nibble, plus 9 for letters (the ones with bit 6 set).
        let nibbles = (chunk & (ones &* 0x0F)) &+ ((chunk >> 6) & ones) &* 9
        // Pairs of digits into one byte each, in the low byte of every 16-bit lane…
        let pairs = ((nibbles & 0x000F_000F_000F_000F) << 4) | ((nibbles >> 8) & 0x000F_000F_000F_000F)
        // …then the four bytes together, first pair lowest, and swapped so the first pair is most significant.
        let halves = (pairs | (pairs >> 8)) & 0x0000_FFFF_0000_FFFF
        return UInt32(truncatingIfNeeded: halves | (halves >> 16)).byteSwapped
    }

    /// Reads an address: one word for IPv4, four for IPv6. Each word is a native-endian `u32` whose bytes in
    /// memory are the address bytes in network order, so `UInt32(bigEndian:)` gives the host-order number on
    /// either endianness.
    @inline(__always)
    mutating func address(_ family: AddressFamily, field: StaticString) throws(ProcLineError) -> IPAddress {
        switch family {
        case .inet:
            return .v4(IPv4Address(rawValue: UInt32(bigEndian: try word(field: field))))
        case .inet6:
            let w0 = UInt64(UInt32(bigEndian: try word(field: field)))
            let w1 = UInt64(UInt32(bigEndian: try word(field: field)))
            let w2 = UInt64(UInt32(bigEndian: try word(field: field)))
            let w3 = UInt64(UInt32(bigEndian: try word(field: field)))
            return .v6(IPv6Address(high: w0 << 32 | w1, low: w2 << 32 | w3))
        }
    }

    /// Reads 1 to `maxDigits` decimal digits, failing above `limit`.
    @inline(__always)
    mutating func decimal(maxDigits: Int, field: StaticString, limit: UInt64 = .max) throws(ProcLineError) -> UInt64 {
        var value: UInt64 = 0
        let start = position
        let end = min(line.count, position + maxDigits)
        while position < end {
            let digit = line[position] &- UInt8(ascii: "0")
            guard digit < 10 else { break }
            let (times10, overflow) = value.multipliedReportingOverflow(by: 10)
            let (sum, overflow2) = times10.addingReportingOverflow(UInt64(digit))
            guard !overflow, !overflow2, sum <= limit else { throw fail(.outOfRange, field) }
            value = sum
            position += 1
        }
        guard position > start else { throw fail(.expectedDecimalDigits, field) }
        return value
    }

    /// Reads a decimal number with an optional minus sign; negative numbers give 0.
    @inline(__always)
    mutating func signedDecimalClampedAtZero(maxDigits: Int, field: StaticString) throws(ProcLineError) -> UInt64 {
        if position < line.count && line[position] == UInt8(ascii: "-") {
            position += 1
            _ = try decimal(maxDigits: maxDigits, field: field)
            return 0
        }
        return try decimal(maxDigits: maxDigits, field: field)
    }

    @inline(__always)
    private func hexDigit(_ byte: UInt8) -> UInt8? {
        let decimal = byte &- UInt8(ascii: "0")
        if decimal < 10 { return decimal }
        let letter = (byte | 0x20) &- UInt8(ascii: "a")
        if letter < 6 { return letter &+ 10 }
        return nil
    }

    /// The error for the current position.
    @inline(__always)
    private func fail(_ problem: ProcLineError.Problem, _ field: StaticString) -> ProcLineError {
        ProcLineError(problem: problem, field: field, column: position)
    }
}
