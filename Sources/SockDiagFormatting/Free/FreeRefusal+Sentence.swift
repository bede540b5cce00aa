import SockDiag

extension FreeRefusal.Reason {
    /// A stable name for JSON: `init-process`, `ancestor`, `docker-proxy`, `container`, `other-user`,
    /// `shares-socket`, `owner-not-found`.
    public var name: String {
        switch self {
        case .initProcess: return "init-process"
        case .ancestor: return "ancestor"
        case .dockerProxy: return "docker-proxy"
        case .container: return "container"
        case .otherUser: return "other-user"
        case .sharesSocket: return "shares-socket"
        case .ownerNotFound: return "owner-not-found"
        case .needsNetAdmin: return "needs-net-admin"
        }
    }

    /// Why the process is left alone, for a person.
    public var sentence: String {
        switch self {
        case .initProcess:
            return "PID 1 is never signalled (systemd socket activation, or the init of this system or container)"
        case .ancestor:
            return "it runs this sockdiag (sockdiag itself or one of its ancestors, such as the shell)"
        case .dockerProxy(let container):
            return "docker-proxy publishes a container's port" + (container.map { " (container at \($0))" } ?? "")
        case .container(let container):
            return "it runs in a container (\(container.runtime) \(container.shortID))"
        case .otherUser(let uid):
            return "it belongs to \(BindReportFormatter.userName(uid)), whom you may not signal"
        case .sharesSocket(let pid):
            return "pid \(pid), which is left alone, holds the same sockets: signalling this one would not free "
                + "the port"
        case .needsNetAdmin:
            return "no process holds it, and closing it (SOCK_DESTROY) needs CAP_NET_ADMIN, which you lack"
        case .ownerNotFound(let complete):
            return complete
                ? "no process in /proc holds the socket (another PID namespace, a descriptor in flight, a kernel "
                    + "socket)"
                : "its owner is among the processes that could not be read"
        }
    }

    /// What to do instead, for a person.
    /// - Parameter target: The address and port being freed.
    public func instead(for target: BindTarget) -> String {
        switch self {
        case .initProcess(let unit?):
            return "stop the socket unit: systemctl stop \(unit) (and its service)"
        case .initProcess(nil):
            return "find the socket unit with `systemctl list-sockets | grep :\(target.port)`, then systemctl stop "
                + "UNIT.socket"
        case .ancestor:
            return "end it yourself, or make it close the socket"
        case .dockerProxy:
            return "stop the container that publishes the port (docker ps --filter publish=\(target.port), then "
                + "docker stop CONTAINER), or publish it elsewhere"
        case .container(let container):
            return "stop the container: " + Self.stopCommand(container)
        case .otherUser:
            return "run as root (sudo sockdiag free …), or as that user"
        case .sharesSocket(let pid):
            return "deal with pid \(pid) first"
        case .needsNetAdmin:
            return "run as root (sudo sockdiag free …), or wait until it expires by itself"
        case .ownerNotFound(let complete):
            return complete
                ? "look for it with sockdiag -tanep 'sport = :\(target.port)' and lsof -i :\(target.port)"
                : "run as root to see every process"
        }
    }

    /// The command that stops `container` with its runtime.
    static func stopCommand(_ container: ContainerReference) -> String {
        switch container.runtime {
        case "docker": return "docker stop \(container.shortID)"
        case "podman": return "podman stop \(container.shortID)"
        case "containerd", "cri-o": return "crictl stop \(container.shortID)"
        case "lxc": return "lxc-stop -n \(container.id)"
        default: return "stop container \(container.shortID) with its runtime"
        }
    }
}
