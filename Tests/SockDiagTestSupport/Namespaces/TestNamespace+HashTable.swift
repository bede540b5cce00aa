import Foundation

extension TestNamespace {
    /// A namespace whose TCP established hash table is its own, with `buckets` buckets, instead of the machine's.
    ///
    /// The kernel sizes a new namespace's table from `net.ipv4.tcp_child_ehash_entries` of the namespace that
    /// creates it; so a parent namespace gets that setting, the namespace is created from inside it (`nsenter
    /// --net=PARENT unshare --net=/var/run/netns/NAME`) and the parent is deleted. Nothing of the machine's own
    /// settings changes. Remove it with ``remove()`` as any other.
    package convenience init(establishedHashBuckets buckets: Int) throws {
        guard let nsenter = Commands.find("nsenter"), let unshare = Commands.find("unshare") else {
            throw HelperError("nsenter and unshare (util-linux) are not installed")
        }
        func run(_ command: String, _ arguments: [String]) throws {
            let result = try Commands.run(command, arguments)
            guard result.status == 0 else {
                throw HelperError("\(command) \(arguments.joined(separator: " ")) failed: \(result)")
            }
        }
        try self.init { ip, name in
            let parent = name + "-parent"
            try run(ip, ["netns", "add", parent])
            defer { _ = try? Commands.run(ip, ["netns", "del", parent]) }
            try run(ip, ["netns", "exec", parent, "sysctl", "-qw", "net.ipv4.tcp_child_ehash_entries=\(buckets)"])
            // unshare --net=FILE binds the new namespace onto FILE, which must exist.
            let path = "/var/run/netns/" + name
            FileManager.default.createFile(atPath: path, contents: nil)
            do {
                try run(nsenter, ["--net=/var/run/netns/" + parent, unshare, "--net=" + path, "true"])
            } catch {
                try? FileManager.default.removeItem(atPath: path)
                throw error
            }
        }
    }
}
