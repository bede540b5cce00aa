/// What the owner-storage program (``OwnerStorageProgram``) must know of the running kernel beyond
/// ``TaskFileLayout``, read from its BTF: where a socket's `struct sock` is, and in it the address family, the
/// protocol and the network namespace's inode number.
struct OwnerStorageLayout: Equatable, Sendable {
    /// The task-file iterator's layout (context, file, inode, task).
    var task: TaskFileLayout
    /// `struct socket`'s `sk` (a pointer to its `struct sock`).
    var socketSock: Int
    /// `struct sock`'s `__sk_common.skc_family` (16 bits).
    var sockFamily: Int
    /// `struct sock`'s `sk_protocol` (16 bits since 5.6).
    var sockProtocol: Int
    /// `struct sock`'s `__sk_common.skc_net.net` (a pointer to its `struct net`).
    var sockNet: Int
    /// `struct net`'s `ns.inum` (32 bits): the inode of `/proc/PID/ns/net`.
    var netInode: Int

    /// Reads the layout from `types`.
    /// - Throws: ``BTFError`` naming the first type or member that is missing or not of the expected shape.
    init(types: BTFTypes) throws(BTFError) {
        task = try TaskFileLayout(types: types)
        socketSock = try TaskFileLayout.offset(of: "sk", in: "socket", types: types, size: nil, pointer: true)
        let common = try TaskFileLayout.offset(of: "__sk_common", in: "sock", types: types, size: nil)
        sockFamily = try common + TaskFileLayout.offset(of: "skc_family", in: "sock_common", types: types, size: 2)
        sockNet = try common + Self.possibleNet(types)
        sockProtocol = try TaskFileLayout.offset(of: "sk_protocol", in: "sock", types: types, size: 2)
        let namespace = try TaskFileLayout.offset(of: "ns", in: "net", types: types, size: nil)
        netInode = try namespace + TaskFileLayout.offset(of: "inum", in: "ns_common", types: types, size: 4)
    }

    /// The offset of `sock_common.skc_net.net`: `skc_net` is a `possible_net_t`, a typedef of an unnamed struct.
    private static func possibleNet(_ types: BTFTypes) throws(BTFError) -> Int {
        guard let common = types.typeID(named: "sock_common", kind: .structure),
            let member = types.member("skc_net", in: common),
            let net = types.member("net", in: types.resolved(member.type)),
            types.record(types.resolved(net.type))?.kind == .pointer
        else { throw BTFError("no sock_common.skc_net.net pointer") }
        return member.offset + net.offset
    }

    /// Reads the running kernel's layout.
    static func running() throws(BTFError) -> OwnerStorageLayout {
        try TaskFileLayout.withRunningTypes { types throws(BTFError) in try OwnerStorageLayout(types: types) }
    }
}
