// sockdiag-floor [--filtered]: one netlink dump through SocketInspector.forEachRawMessage, counting the reply
// messages without decoding them, then prints the count. It is the floor row of Scripts/bench/bench-scale.sh: what
// the same requests cost with nothing done per socket (no decoding, no formatting, no output).
//
//   (no option)  every TCP state (`sockdiag -tan`'s request)
//   --filtered   time-wait sockets with local or peer port 8000 (`sockdiag --state time-wait --port 8000`)
import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

let arguments = CommandLine.arguments.dropFirst()
guard arguments.allSatisfy({ $0 == "--filtered" }) else {
    let line = "usage: sockdiag-floor [--filtered]\n"
    _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    exit(2)
}
let query =
    arguments.isEmpty
    ? SocketQuery(protocols: [.tcp], states: .all)
    : SocketQuery(protocols: [.tcp], states: .timeWait, ports: [PortMatch(.either, [8000])])

do {
    let inspector = try SocketInspector()
    var messages = 0
    try inspector.forEachRawMessage(matching: query) { _, _ in messages += 1 }
    print(messages)
} catch {
    let line = "sockdiag-floor: \(error)\n"
    _ = line.withCString { write(STDERR_FILENO, $0, strlen($0)) }
    exit(1)
}
