/// The container a process runs in, as its cgroup path names it (`/system.slice/docker-ID.scope`, `/docker/ID`,
/// `libpod-ID.scope`, `cri-containerd-ID.scope`, `crio-ID.scope`, `/lxc.payload.NAME`, `/lxc/NAME`).
public struct ContainerReference: Hashable, Sendable {
    /// The runtime whose naming the cgroup follows: `docker`, `podman`, `containerd`, `cri-o`, `lxc`, or
    /// `container` for a bare 64-digit id.
    public var runtime: String
    /// The container id (64 hexadecimal digits) or, for LXC, its name.
    public var id: String

    /// Creates a reference.
    public init(runtime: String, id: String) {
        self.runtime = runtime
        self.id = id
    }

    /// The first 12 digits of a hexadecimal id (as `docker ps` shows it), else the whole id.
    public var shortID: String {
        id.count == 64 ? String(id.prefix(12)) : id
    }

    /// The container one of the cgroup paths names, or `nil`.
    public static func find(in cgroups: [String]) -> ContainerReference? {
        for path in cgroups {
            if let found = find(inPath: path) { return found }
        }
        return nil
    }

    /// The container one cgroup path names, or `nil`: the last component that names one.
    static func find(inPath path: String) -> ContainerReference? {
        let components = path.split(separator: "/")
        for (index, component) in components.enumerated().reversed() {
            let scopes: [(prefix: String, runtime: String)] = [
                ("docker-", "docker"), ("libpod-", "podman"), ("cri-containerd-", "containerd"), ("crio-", "cri-o"),
            ]
            for scope in scopes where component.hasPrefix(scope.prefix) {
                var id = component.dropFirst(scope.prefix.count)
                if id.hasSuffix(".scope") { id = id.dropLast(".scope".count) }
                if isContainerID(id) { return ContainerReference(runtime: scope.runtime, id: String(id)) }
            }
            if component.hasPrefix("lxc.payload."), component.count > "lxc.payload.".count {
                return ContainerReference(runtime: "lxc", id: String(component.dropFirst("lxc.payload.".count)))
            }
            let parent = index > 0 ? components[index - 1] : ""
            if parent == "lxc" { return ContainerReference(runtime: "lxc", id: String(component)) }
            if isContainerID(component) {
                return ContainerReference(runtime: parent == "docker" ? "docker" : "container", id: String(component))
            }
        }
        return nil
    }

    /// 64 lowercase hexadecimal digits.
    static func isContainerID(_ text: Substring) -> Bool {
        text.utf8.count == 64 && text.utf8.allSatisfy { ($0 >= 0x30 && $0 <= 0x39) || ($0 >= 0x61 && $0 <= 0x66) }
    }
}
