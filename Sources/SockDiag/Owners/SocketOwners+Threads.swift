#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension OwnerWalk {
    /// `ss -T`: scans the descriptor table of each thread of `pid` but the main one (`PID/task/TID/fd`), each
    /// owner with its thread's id and command name. A process that exits meanwhile is skipped.
    mutating func scanThreads(of pid: Int32) {
        let taskPath = "\(pid)/task"
        let descriptor = openat(proc, taskPath, O_RDONLY | O_DIRECTORY | O_CLOEXEC)
        guard descriptor >= 0, let directory = fdopendir(descriptor) else {
            if descriptor >= 0 { close(descriptor) }
            return
        }
        defer { closedir(directory) }
        var tids: [Int32] = []
        while let entry = readdir(directory) {
            let tid = withUnsafeBytes(of: entry.pointee.d_name) { raw in
                SocketOwnerScanner.entryNumber(raw.baseAddress!.assumingMemoryBound(to: UInt8.self))
            }
            if let tid, tid != pid { tids.append(tid) }
        }
        for tid in tids.sorted() where !done {
            var name = Array("\(pid)/task/\(tid)".utf8)
            name.append(0)
            name.withUnsafeBufferPointer { scanProcess(pid: pid, tid: tid, name: $0.baseAddress!) }
        }
    }
}
