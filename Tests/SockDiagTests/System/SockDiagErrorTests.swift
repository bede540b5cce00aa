import Testing

@testable import SockDiag

@Suite("SockDiagError: identity by code and errno, the namespace codes")
struct SockDiagErrorTests {
    @Test("errors with the same code and errno are equal and hash alike, whatever their words")
    func equalityByCodeAndErrno() {
        let first = SockDiagError(code: .ioFailed, errno: .noSpace, operation: "receive", message: "one sentence")
        let second = SockDiagError(code: .ioFailed, errno: .noSpace, operation: "send", message: "another")
        #expect(first == second)
        #expect(Set([first, second]).count == 1)
        #expect(first != SockDiagError(code: .ioFailed, errno: .badMessage, operation: "receive", message: ""))
        #expect(first != SockDiagError(code: .ioFailed, operation: "receive", message: "one sentence"))
        #expect(first != SockDiagError(code: .malformedMessage, errno: .noSpace, operation: "receive", message: ""))
    }

    @Test("each code has its own stable identifier")
    func identifiers() {
        let codes: [SockDiagError.Code] = [
            .socketUnavailable, .permissionDenied, .moduleNotLoaded, .requestRejected, .ioFailed, .dumpInterrupted,
            .malformedMessage, .procUnavailable, .unsupportedFilter, .namespaceNotFound, .namespaceVanished,
        ]
        #expect(Set(codes).count == codes.count)
        #expect(Set(codes.map(\.description)).count == codes.count)
        #expect(SockDiagError.Code.moduleNotLoaded.description == "module-not-loaded")
        #expect(SockDiagError.Code.namespaceNotFound.description == "namespace-not-found")
    }

    @Test("a namespace name that names nothing is namespaceNotFound, with the sentence the commands print")
    func missingNamespace() {
        let name = "sockdiag-no-such-namespace"
        let message = "no network namespace '\(name)' (/var/run/netns/\(name) does not exist; see `ip netns list`)"
        #expect {
            try NetworkNamespace.find(named: name)
        } throws: { error in
            guard let error = error as? SockDiagError else { return false }
            return error.code == .namespaceNotFound && error.errno == .noSuchFileOrDirectory
                && error.message == message
        }
        #expect {
            try NetworkNamespace.enter(named: name)
        } throws: { error in
            (error as? SockDiagError)?.code == .namespaceNotFound && (error as? SockDiagError)?.message == message
        }
    }
}
