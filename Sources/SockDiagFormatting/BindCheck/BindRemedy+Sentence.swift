import SockDiag

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension BindRemedy {
    /// The remedy as one sentence for a person, naming the sockets' owners.
    /// - Parameter owner: Describes the owner of a socket inode, e.g. `nginx (pid 1234)`, when known.
    /// - Parameter free: What `sockdiag free` would do, to name it where it carries the remedy out.
    public func sentence(owner: (UInt64) -> String?, free: FreeAdvice? = nil) -> String {
        // Without CAP_NET_ADMIN free cannot close sockets no process holds: the command is root's.
        let needsRoot = free?.plan.refusals.contains { $0.reason == .needsNetAdmin } == true
        if case .freePort = self, needsRoot, let free {
            return "or, as root, close them now (SOCK_DESTROY needs CAP_NET_ADMIN): sudo \(free.command)"
        }
        let base = baseSentence(owner: owner, freeCommand: free.map { (needsRoot ? "sudo " : "") + $0.command })
        guard let free, let holders = stoppedHolders else { return base }
        return base + free.clause(for: holders)
    }

    /// The holders the remedy stops (its owners are to be terminated), `nil` for a remedy that changes options,
    /// configuration or nothing.
    var stoppedHolders: [Socket]? {
        switch self {
        case .stopListener(let holders), .closeBoundInactive(let holders), .shareUDPPort(let holders):
            return holders
        case .closeConnections(let holders, _):
            return holders
        default:
            return nil
        }
    }

    /// The sentence without `free`'s clause; `freeCommand` replaces `sockdiag free PORT` where given.
    private func baseSentence(owner: (UInt64) -> String?, freeCommand: String?) -> String {
        func owners(_ sockets: [Socket]) -> String {
            Self.owners(of: sockets, owner: owner)
        }
        switch self {
        case .stopListener(let holders):
            return "stop or restart \(owners(holders)), which listens on the port; SO_REUSEADDR does not help against "
                + "a live listener"
        case .restrictDualStackListener(let holders):
            return "\(owners(holders)) listens on the IPv6 wildcard without IPV6_V6ONLY, which also takes the IPv4 "
                + "port: set IPV6_V6ONLY on that socket, or bind a specific address"
        case .joinReusePortGroup(let holders):
            let uids = Set(holders.map(\.uid)).sorted().map(String.init).joined(separator: ", ")
            let what = holders.count > 1 ? "a SO_REUSEPORT group of uid \(uids)" : "a listener of uid \(uids)"
            return "\(what) (\(owners(holders))) holds the port; SO_REUSEPORT joins only groups of the same user "
                + "(the kernel lets only sockets of one effective uid share a port, each with SO_REUSEPORT): run as "
                + "uid \(uids) with SO_REUSEPORT (if it set it too), or stop it"
        case .restrictNewSocketToIPv6(let holders):
            return "your new socket is dual-stack: a bind to [::] without IPV6_V6ONLY also takes every IPv4 address, "
                + "and \(owners(holders)) listens on IPv4: set IPV6_V6ONLY on the new socket, or bind a specific "
                + "address"
        case .closeBoundInactive(let holders):
            return "\(owners(holders)) bound the port without listening or connecting (netstat and ss 6.1 cannot "
                + "show it): stop it or make it close the socket"
        case .reuseAddressAgainstTimeWait:
            return "set SO_REUSEADDR before bind(): it is safe against TIME_WAIT (it does not help against a live "
                + "listener)"
        case .reuseAddressDoesNotHelpAgainstTimeWait:
            return "SO_REUSEADDR does not help here (a bind with it fails too): the TIME_WAIT sockets keep the flag "
                + "of the socket that left them, which did not set SO_REUSEADDR"
        case .freePort(let port):
            return "or close them now: \(freeCommand ?? "sockdiag free \(port)")"
        case .timeWaitBehindLiveSockets(let milliseconds, let port):
            let free = freeCommand ?? "sockdiag free \(port)"
            return "the TIME_WAIT sockets hold the port too, the last for \((UInt64(milliseconds) + 999) / 1000) s "
                + "more: waiting alone does not free it; once the live sockets are gone, wait for them, or let "
                + "\(free) close them too"
        case .waitForTimeWait(let milliseconds):
            return "or wait \((UInt64(milliseconds) + 999) / 1000) s: the last TIME_WAIT socket expires by itself"
        case .closeConnections(let holders, let reuseAddressWorks):
            let reuse = reuseAddressWorks ? "set SO_REUSEADDR before bind(), or " : ""
            return "connections still use the port as their local port (\(owners(holders))): \(reuse)close them"
        case .waitForEphemeralConnections(let holders):
            return "outgoing connections of \(owners(holders)) got this port as their ephemeral port: wait for them "
                + "to close"
        case .reservePort(let port, let list):
            return "reserve port \(port) so that it is never handed out again, keeping the ports already reserved: "
                + "sysctl -w net.ipv4.ip_local_reserved_ports=\(list) (add it to /etc/sysctl.d to keep it)"
        case .shareUDPPort(let holders):
            return "stop \(owners(holders)); sharing the port (SO_REUSEADDR on both sockets) makes the new socket "
                + "take the unicast datagrams sent to it, so the old one gets none (fit for multicast and broadcast), "
                + "and SO_REUSEPORT (same user) splits them between both"
        case .gainPrivilege(let unprivilegedPortStart):
            return "ports below \(unprivilegedPortStart) need privilege: run as root, grant the program "
                + "CAP_NET_BIND_SERVICE (setcap cap_net_bind_service+ep PROGRAM), or lower "
                + "net.ipv4.ip_unprivileged_port_start"
        case .bindLocalAddress:
            return "bind an address of this host (or namespace), or the wildcard"
        case .nothingToDo:
            return "nothing to do: the bind works as asked"
        }
    }

    /// The owners `owner` knows, else the sockets' uids and how to learn more.
    private static func owners(of sockets: [Socket], owner: (UInt64) -> String?) -> String {
        let names = Set(sockets.compactMap { $0.inode == 0 ? nil : owner($0.inode) }).sorted()
        if !names.isEmpty { return names.joined(separator: ", ") }
        let users = Set(sockets.map(\.uid)).sorted().map(BindReportFormatter.userName).joined(separator: ", ")
        let hint = geteuid() == 0 ? "no process in /proc holds it" : "run as root to see the process"
        return "the owner (\(users); \(hint))"
    }
}
