#if canImport(Glibc)
import Glibc
#endif

/// sockdiag run as the user `nobody` from a root test: a copy `nobody` can execute (``ExecutableCopy``), run through
/// `setpriv`. Delete the copy with ``remove()`` in a `defer`.
package struct UnprivilegedSockdiag {
    /// Whether this process is root and `setpriv`, the user `nobody` and the group `nogroup` exist.
    package static let canRun: Bool = {
        geteuid() == 0 && Commands.find("setpriv") != nil && getpwnam("nobody") != nil && getgrnam("nogroup") != nil
    }()

    private let copy: ExecutableCopy
    private let setpriv: String

    /// Copies the sockdiag the tests run (``Commands/sockdiagBinary``).
    /// - Throws: ``HelperError`` when there is no sockdiag or no `setpriv`, or the copy fails.
    package init() throws {
        guard let built = Commands.sockdiagBinary else {
            throw HelperError("sockdiag executable not found; set SOCKDIAG_BIN")
        }
        guard let setpriv = Commands.find("setpriv") else { throw HelperError("setpriv is not installed") }
        self.setpriv = setpriv
        copy = try ExecutableCopy(of: built, prefix: "sockdiag-nobody")
    }

    /// The command line that runs the copy with `arguments` as `nobody`, group `nogroup`, no supplementary groups.
    package func command(_ arguments: [String]) -> [String] {
        [setpriv, "--reuid=nobody", "--regid=nogroup", "--clear-groups", copy.path] + arguments
    }

    /// Deletes the copy.
    package func remove() {
        copy.remove()
    }
}
