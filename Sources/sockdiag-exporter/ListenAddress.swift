import NIOCore

/// `--listen ADDRESS:PORT`: an IPv4 address, or an IPv6 address in brackets, and a port.
struct ListenAddress: CustomStringConvertible, Sendable {
    /// The address as text, without brackets.
    var host: String
    var port: Int

    init(host: String, port: Int) {
        self.host = host
        self.port = port
    }

    /// Parses `127.0.0.1:9474`, `[::1]:9474` or `0.0.0.0:0`; `nil` for anything else.
    init?(argument: String) {
        guard let colon = argument.lastIndex(of: ":") else { return nil }
        var host = String(argument[..<colon])
        let portText = argument[argument.index(after: colon)...]
        guard !portText.isEmpty, portText.allSatisfy(\.isASCII), let port = Int(portText), (0...65535).contains(port)
        else { return nil }
        if host.hasPrefix("[") && host.hasSuffix("]") {
            host = String(host.dropFirst().dropLast())
            guard host.contains(":") else { return nil }
        } else if host.contains(":") {
            return nil  // an IPv6 address needs brackets
        }
        // inet_pton decides what an address is.
        guard (try? SocketAddress(ipAddress: host, port: port)) != nil else { return nil }
        self.init(host: host, port: port)
    }

    /// The address a listener got (with the port the kernel picked for port 0).
    init(boundTo address: SocketAddress) {
        self.init(host: address.ipAddress ?? "?", port: address.port ?? 0)
    }

    var description: String { host.contains(":") ? "[\(host)]:\(port)" : "\(host):\(port)" }
}
