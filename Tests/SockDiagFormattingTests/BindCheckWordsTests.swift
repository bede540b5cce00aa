import SockDiag
import SockDiagFormatting
import Testing

/// bind-check's sentences say what the kernel does and name only what exists.
@Suite("bind-check: the words")
struct BindCheckWordsTests {
    static let listener = Socket(
        transport: .tcp, family: .inet, state: .listen, local: Endpoint(address: .v4(.any), port: 8000),
        peer: Endpoint(address: .v4(.any), port: 0), uid: 0, inode: 77
    )

    @Test("the caveat does not call a device a reason for no conflict: a bind without one conflicts with it")
    func caveatIsTheKernels() {
        let sentence = BindCaveat.holdersDoNotConflict.sentence
        #expect(!sentence.contains("(bound to a device"))
        #expect(!sentence.contains("SO_REUSEPORT group of your user"))
        #expect(sentence.contains("VRF") && sentence.contains("closed after the dump"))
    }

    @Test("an owner not found names the user and no option bind-check lacks (-p)")
    func unknownOwner() {
        let sentence = BindRemedy.stopListener(holders: [Self.listener]).sentence { _ in nil }
        #expect(!sentence.contains("-p"), "\(sentence)")
        #expect(sentence.contains("the owner (root (uid 0); "), "\(sentence)")
    }
}
