import SockDiag

extension JSONFormatter {
    /// `"netns":{"inode":N,"name":"NAME"|null,"current":BOOL},`
    static func namespaceKey(_ namespace: NetworkNamespace) -> [UInt8] {
        var key = Array("\"netns\":{\"inode\":".utf8)
        key.append(contentsOf: String(namespace.inode).utf8)
        if let name = namespace.name {
            key.append(contentsOf: ",\"name\":\"".utf8)
            key.appendJSONEscaped(name.utf8)
            key.append(UInt8(ascii: "\""))
        } else {
            key.append(contentsOf: ",\"name\":null".utf8)
        }
        key.append(contentsOf: namespace.isCurrent ? ",\"current\":true},".utf8 : ",\"current\":false},".utf8)
        return key
    }
}
