#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

/// cgroup v2 ids to paths, as ss's `cg_id_to_path` prints them for `-e`: the path under the cgroup2 mount
/// (`/` for the root), or `unreachable:ID` (hex) when there is no cgroup2 mount in this mount namespace (as under
/// `ip netns exec`, which remounts /sys) or no directory has that id.
///
/// On cgroup2 the id is the kernfs node id, which is the directory's inode number; the mount is walked once, on
/// the first lookup. The CLI is single-threaded: the cache is not locked.
final class CgroupPaths: @unchecked Sendable {
    private var paths: [UInt64: [UInt8]]?

    /// The path of cgroup `id`.
    func path(of id: UInt64) -> [UInt8] {
        if paths == nil { paths = Self.walk() }
        if let path = paths?[id] { return path }
        var text = Array("unreachable:".utf8)
        text.append(contentsOf: String(id, radix: 16).utf8)
        return text
    }

    /// The first cgroup2 mount point in /proc/self/mounts.
    static func mountPoint() -> String? {
        guard let file = fopen("/proc/self/mounts", "r") else { return nil }
        defer { fclose(file) }
        var line = [CChar](repeating: 0, count: 4096)
        while fgets(&line, Int32(line.count), file) != nil {
            let fields = String(cString: line).split(separator: " ")
            if fields.count > 2 && fields[2] == "cgroup2" { return String(fields[1]) }
        }
        return nil
    }

    /// Every directory under the cgroup2 mount by inode number.
    static func walk() -> [UInt64: [UInt8]] {
        var result: [UInt64: [UInt8]] = [:]
        guard let mount = mountPoint() else { return result }
        var pending: [String] = [""]
        while let relative = pending.popLast() {
            let path = mount + relative
            var status = stat()
            guard stat(path, &status) == 0 else { continue }
            result[UInt64(status.st_ino)] = relative.isEmpty ? Array("/".utf8) : Array(relative.utf8)
            guard let directory = opendir(path) else { continue }
            while let entry = readdir(directory) {
                guard entry.pointee.d_type == UInt8(DT_DIR) else { continue }
                let name = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                    String(decoding: raw.prefix { $0 != 0 }, as: UTF8.self)
                }
                if name == "." || name == ".." { continue }
                pending.append(relative + "/" + name)
            }
            closedir(directory)
        }
        return result
    }
}
