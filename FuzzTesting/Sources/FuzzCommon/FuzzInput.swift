import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// One libFuzzer input: an option byte that picks the variant of the call (which transport, which family, …),
/// then the bytes handed to the parser. The seeds under .build-fuzz/seeds/ carry the option byte that decodes
/// them as they were captured (Scripts/fuzz.sh writes them).
struct FuzzInput {
    /// The first byte (0 for an empty input).
    var option: UInt8
    /// The rest.
    var body: UnsafeRawBufferPointer

    init(_ start: UnsafeRawPointer?, _ count: Int) {
        let all = UnsafeRawBufferPointer(start: start, count: count)
        option = all.first ?? 0
        body = count > 0 ? UnsafeRawBufferPointer(rebasing: all.dropFirst()) : all
    }
}

/// Stops the fuzzer with `message`: libFuzzer saves the input that led here as a crash.
func fuzzFailure(_ message: String) -> Never {
    fatalError(message)
}

/// Runs a decoder: ``SockDiagError`` is the expected answer to malformed input; anything else that escapes, like a
/// trap, is a failure.
func decodingUntrustedBytes(_ operation: String, _ body: () throws -> Void) {
    do {
        try body()
    } catch is SockDiagError {
        // Malformed input is expected: it must be reported, not crash.
    } catch {
        fuzzFailure("\(operation) threw something else than SockDiagError: \(error)")
    }
}

/// The bytes of a file under Tests/Fixtures (found from this source file's place in FuzzTesting/Sources/FuzzCommon).
func fixtureBytes(_ name: String) -> [UInt8] {
    var root = #filePath
    for _ in 0..<4 { root = String(root[..<(root.lastIndex(of: "/") ?? root.startIndex)]) }
    let path = root + "/Tests/Fixtures/" + name
    guard let file = fopen(path, "rb") else { fuzzFailure("cannot open the fixture \(path)") }
    defer { fclose(file) }
    var bytes: [UInt8] = []
    var chunk = [UInt8](repeating: 0, count: 65536)
    while true {
        let count = fread(&chunk, 1, chunk.count, file)
        if count <= 0 { break }
        bytes += chunk[..<count]
    }
    return bytes
}
