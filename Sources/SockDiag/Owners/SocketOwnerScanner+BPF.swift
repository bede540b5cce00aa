extension SocketOwnerScanner {
    /// A scan by the BPF iterator, or why it cannot answer.
    func iteratorScan(
        _ iterator: TaskFileIterator,
        wanted: Set<UInt64>,
        threads: Bool
    ) -> Result<SocketOwnerScan, BTFError> {
        let privileged = source == .automatic
        if let reason = TaskFileIterator.unavailability(procRoot: procRoot, threads: threads, privileged: privileged) {
            return .failure(BTFError(reason))
        }
        do throws(BTFError) {
            var owners = try iterator.owners(of: wanted)
            for (inode, list) in owners where list.count > 1 {
                owners[inode] = list.sorted { ($0.pid, $0.fd) < ($1.pid, $1.fd) }
            }
            var report = SocketOwnerScanReport()
            report.source = .bpf
            return .success(SocketOwnerScan(owners: owners, report: report))
        } catch {
            return .failure(error)
        }
    }
}
