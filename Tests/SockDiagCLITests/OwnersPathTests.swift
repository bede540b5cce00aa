import Testing

@testable import sockdiag

/// `-p`'s choice between the table of every socket and the kept rows, by the namespace's share of the machine.
@Suite("-p streams only when the namespace holds a good share of the machine's sockets")
struct OwnersPathTests {
    @Test("a busy namespace streams; a small one beside a million sockets keeps its rows")
    func share() {
        #expect(OwnersStage.tableIsSmaller(namespaceSockets: 100_000, openFiles: 102_000))
        #expect(OwnersStage.tableIsSmaller(namespaceSockets: 20, openFiles: 3_000))
        #expect(OwnersStage.tableIsSmaller(namespaceSockets: 8_192, openFiles: 65_536))
        #expect(!OwnersStage.tableIsSmaller(namespaceSockets: 8_191, openFiles: 65_536))
        #expect(!OwnersStage.tableIsSmaller(namespaceSockets: 100, openFiles: 1_140_000))
        #expect(!OwnersStage.tableIsSmaller(namespaceSockets: 100_000, openFiles: 1_100_000))
    }

    @Test("the counts are read from this machine")
    func counts() throws {
        #expect(try #require(OwnersStage.namespaceSockets()) >= 0)
        #expect(try #require(OwnersStage.openFiles()) > 0)
    }
}
