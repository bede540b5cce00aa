import Testing

@testable import SockDiag

@Suite("The every-socket owner table: sort and lookup")
struct SocketOwnerTableTests {
    /// A deterministic generator (SplitMix64), so that a failure repeats.
    struct Generator: RandomNumberGenerator {
        var state: UInt64
        mutating func next() -> UInt64 {
            state &+= 0x9E37_79B9_7F4A_7C15
            var z = state
            z = (z ^ (z >> 30)) &* 0xBF58_476D_1CE4_E5B9
            z = (z ^ (z >> 27)) &* 0x94D0_49BB_1331_11EB
            return z ^ (z >> 31)
        }
    }

    /// Entries in (pid, fd) order, as the sources write them: dense inodes, outliers at both ends, shared
    /// sockets (the same inode under several pids and descriptors).
    static func entries(count: Int, seed: UInt64) -> [SocketOwnerTable.Entry] {
        var generator = Generator(state: seed)
        var entries: [SocketOwnerTable.Entry] = []
        var pid: Int32 = 1
        var fd: Int32 = 3
        for index in 0..<count {
            if Int.random(in: 0..<50, using: &generator) == 0 {
                pid += Int32.random(in: 1...9, using: &generator)
                fd = 3
            }
            let inode: UInt64
            switch Int.random(in: 0..<100, using: &generator) {
            case 0: inode = UInt64.random(in: 1...1_000, using: &generator)
            case 1: inode = UInt64.random(in: 1...UInt64.max, using: &generator)
            case 2..<10 where index > 0: inode = entries[Int.random(in: 0..<index, using: &generator)].inode
            default: inode = 46_000_000 + UInt64.random(in: 0..<UInt64(count * 2), using: &generator)
            }
            entries.append(SocketOwnerTable.Entry(inode: inode, pid: pid, fd: fd))
            fd += Int32.random(in: 1...3, using: &generator)
        }
        return entries
    }

    @Test("the radix sort orders by inode, pid and descriptor, as the tuple comparison does", arguments: [0, 1, 2, 7, 100, 5_000, 70_000])
    func sort(count: Int) {
        var entries = Self.entries(count: count, seed: UInt64(count))
        let expected = entries.sorted { ($0.inode, $0.pid, $0.fd) < ($1.inode, $1.pid, $1.fd) }
        SocketOwnerTable.sort(&entries)
        #expect(entries.map { [$0.inode, UInt64($0.pid), UInt64($0.fd)] } == expected.map { [$0.inode, UInt64($0.pid), UInt64($0.fd)] })
    }

    @Test("entries in another order are sorted by the whole tuple")
    func unordered() {
        var entries = Self.entries(count: 3_000, seed: 9).reversed().map { $0 }
        let expected = entries.sorted { ($0.inode, $0.pid, $0.fd) < ($1.inode, $1.pid, $1.fd) }
        SocketOwnerTable.sort(&entries)
        #expect(entries.map(\.inode) == expected.map(\.inode) && entries.map(\.pid) == expected.map(\.pid))
    }

    @Test("a lookup finds every owner of every inode, and none of an inode not in the table", arguments: [1, 2, 30, 1_024, 1_025, 20_000])
    func lookup(count: Int) {
        let entries = Self.entries(count: count, seed: UInt64(count) &+ 77)
        let table = SocketOwnerTable(entries: entries, commands: [:], report: SocketOwnerScanReport())
        var expected: [UInt64: [Int32]] = [:]
        for entry in entries.sorted(by: { ($0.inode, $0.pid, $0.fd) < ($1.inode, $1.pid, $1.fd) }) {
            expected[entry.inode, default: []].append(entry.fd)
        }
        for (inode, fds) in expected {
            #expect(table.owners(of: inode).map(\.fd) == fds, "inode \(inode)")
            for missing in [inode &- 1, inode &+ 1] where expected[missing] == nil && missing != 0 {
                #expect(table.owners(of: missing).isEmpty, "inode \(missing)")
            }
        }
        #expect(table.owners(of: 0).isEmpty && table.owners(of: UInt64.max - 1).isEmpty == (expected[UInt64.max - 1] == nil))
    }
}
