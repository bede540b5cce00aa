/// A socket's IP type of service and priority class (`INET_DIAG_TOS`, `INET_DIAG_TCLASS`, `INET_DIAG_CLASS_ID`),
/// reported when the query asks for ``SocketExtensions/typeOfService`` (ss `--tos`); never for minisockets.
public struct TypeOfService: Hashable, Sendable {
    /// The IPv4 TOS byte (`IP_TOS`); sent for both families (a dual-stack socket uses it for IPv4 traffic).
    public var tos: UInt8?
    /// The IPv6 traffic class (`IPV6_TCLASS`); IPv6 sockets only.
    public var trafficClass: UInt8?
    /// The net_cls cgroup class id, or the socket priority (`SO_PRIORITY`) when no class id is set.
    public var classID: UInt32?

    /// Creates a value; `nil` for what the kernel did not send.
    public init(tos: UInt8? = nil, trafficClass: UInt8? = nil, classID: UInt32? = nil) {
        self.tos = tos
        self.trafficClass = trafficClass
        self.classID = classID
    }
}
