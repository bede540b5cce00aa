extension SocketOwnerTable {
    /// Sorts `entries` by inode, then pid, then descriptor, in place.
    ///
    /// An MSD radix sort on the inode's bytes that vary, in place (American flag sort: one counting pass and one
    /// pass of swaps per byte and bucket, no comparisons, no scratch array: the table is the only copy of the
    /// entries, which matters while `-p`'s scan and the dump's first replies share the memory), small buckets by
    /// insertion; then each run of one inode (a socket held by several descriptors) by pid and descriptor.
    static func sort(_ entries: inout [Entry]) {
        guard let first = entries.first else { return }
        var varying: UInt64 = 0
        for entry in entries { varying |= entry.inode ^ first.inode }
        entries.withUnsafeMutableBufferPointer { entries in
            if varying != 0 {
                let top = (63 - varying.leadingZeroBitCount) / 8 * 8
                withUnsafeTemporaryAllocation(of: Int.self, capacity: 2 * 256 * (top / 8 + 1)) { counters in
                    flagSort(entries, shift: top, varying: varying, counters: counters)
                }
            }
            sortRunsOfOneInode(entries)
        }
    }

    /// Sorts `entries` by the inode's bits below `shift + 8`, the bits above being equal; `counters` holds 512
    /// integers for each byte left.
    private static func flagSort(
        _ entries: UnsafeMutableBufferPointer<Entry>,
        shift: Int,
        varying: UInt64,
        counters: UnsafeMutableBufferPointer<Int>
    ) {
        guard entries.count > 24 else {
            insertionSortByInode(entries)
            return
        }
        guard (varying >> UInt64(shift)) & 0xFF != 0 else {
            if shift > 0 {
                flagSort(entries, shift: shift - 8, varying: varying, counters: counters)
            }
            return
        }
        @inline(__always) func digit(_ entry: Entry) -> Int { Int(truncatingIfNeeded: entry.inode >> UInt64(shift)) & 0xFF }
        let heads = UnsafeMutableBufferPointer(rebasing: counters[0..<256])
        let tails = UnsafeMutableBufferPointer(rebasing: counters[256..<512])
        let rest = UnsafeMutableBufferPointer(rebasing: counters[512...])
        for index in 0..<256 { heads[index] = 0 }
        for entry in entries { heads[digit(entry)] += 1 }
        var offset = 0
        for index in 0..<256 {
            let count = heads[index]
            heads[index] = offset
            offset += count
            tails[index] = offset
        }
        // Each entry is swapped straight into its bucket; a bucket is done when its head meets its tail.
        for bucket in 0..<256 {
            while heads[bucket] < tails[bucket] {
                var entry = entries[heads[bucket]]
                var target = digit(entry)
                while target != bucket {
                    swap(&entry, &entries[heads[target]])
                    heads[target] += 1
                    target = digit(entry)
                }
                entries[heads[bucket]] = entry
                heads[bucket] += 1
            }
        }
        guard shift > 0 else { return }
        var start = 0
        for bucket in 0..<256 {
            let end = tails[bucket]
            if end - start > 1 {
                flagSort(
                    UnsafeMutableBufferPointer(rebasing: entries[start..<end]),
                    shift: shift - 8,
                    varying: varying,
                    counters: rest
                )
            }
            start = end
        }
    }

    /// Sorts a few entries by inode (stable).
    private static func insertionSortByInode(_ entries: UnsafeMutableBufferPointer<Entry>) {
        guard entries.count > 1 else { return }
        for index in 1..<entries.count {
            let entry = entries[index]
            var position = index
            while position > 0, entries[position - 1].inode > entry.inode {
                entries[position] = entries[position - 1]
                position -= 1
            }
            entries[position] = entry
        }
    }

    /// Sorts each run of entries with one inode by pid and descriptor.
    private static func sortRunsOfOneInode(_ entries: UnsafeMutableBufferPointer<Entry>) {
        var start = 0
        while start < entries.count {
            var end = start + 1
            while end < entries.count, entries[end].inode == entries[start].inode { end += 1 }
            if end - start > 1 {
                var run = UnsafeMutableBufferPointer(rebasing: entries[start..<end])
                run.sort { ($0.pid, $0.fd) < ($1.pid, $1.fd) }
            }
            start = end
        }
    }
}
