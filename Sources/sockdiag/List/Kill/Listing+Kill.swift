import SockDiag
import SockDiagFormatting

extension Listing {
    /// `-K`: closes every socket the selection matches (in the namespace of `-N`, if given) and lists those the
    /// kernel closed, as ss does: sockets already gone or that the kernel cannot close are left out. With
    /// `--dry-run`, lists what it would close and closes nothing.
    ///
    /// The sockets are dumped (kernel and Swift filter, as the listing selects them) and their owners read (`-p`)
    /// before any is closed; then each is destroyed by its cookie.
    /// - Throws: A `KillFailure` (one line, exit 1) when the kernel refuses for want of CAP_NET_ADMIN or support;
    ///   what the dump throws.
    func killOneNamespace() throws {
        try enterNamespaceIfAsked()
        let inspector = try SocketInspector()
        var rows = try SocketSource.netlink(inspector).rows(of: self)
        let owners = options.processes ? try OwnersStage([rows], threads: options.display.threads) : nil
        var tally = KillTally()
        // Read from /proc/net (raw sockets when the kernel has no raw_diag): no cookie to destroy them by.
        tally.withoutCookie = rows.sockets.count { $0.cookie == 0 }
        rows.sockets.removeAll { $0.cookie == 0 }
        if !options.dryRun {
            rows.sockets = try rows.sockets.filter { try tally.count(inspector.destroy($0)) }
        }
        var writer = RowWriter(for: self)
        writer.start()
        try writer.write(rows, owners: owners)
        try writer.end()
        owners?.notePartial()
        if let failure = tally.failure(closed: rows.sockets.count) { throw failure }
    }
}

/// The kernel's answers to one `-K` run, and the line they end with.
struct KillTally {
    var notSupported = 0
    var failed: [Errno] = []
    /// Sockets read from /proc/net, which carries no socket cookie: SOCK_DESTROY cannot name them.
    var withoutCookie = 0

    /// Counts `outcome`; returns whether the socket was closed (and is listed).
    /// - Throws: `KillFailure` at the first `notPermitted`: the capability holds for the whole namespace, so
    ///   nothing was closed before and nothing would be after.
    mutating func count(_ outcome: DestroyOutcome) throws(KillFailure) -> Bool {
        switch outcome {
        case .destroyed: return true
        case .alreadyGone: return false
        case .notPermitted: throw KillFailure.notPermitted
        case .notSupported: notSupported += 1
        case .failed(let errno): failed.append(errno)
        }
        return false
    }

    /// The error to exit with after `closed` sockets were closed and listed: the kernel's refusals, or `nil`.
    func failure(closed: Int) -> KillFailure? {
        if let errno = failed.first {
            return KillFailure(
                "\(failed.count) socket\(failed.count == 1 ? "" : "s") could not be closed: SOCK_DESTROY answered "
                    + "\(errno)"
            )
        }
        if withoutCookie > 0 {
            let sockets = withoutCookie == 1 ? "1 raw socket" : "\(withoutCookie) raw sockets"
            return KillFailure(
                "\(sockets) cannot be closed: read from /proc/net/raw (this kernel has no raw_diag), which gives "
                    + "no socket cookie for SOCK_DESTROY"
            )
        }
        guard notSupported > 0 else { return nil }
        if closed == 0 {
            return KillFailure(
                "-K: the kernel cannot close these sockets (SOCK_DESTROY: Operation not supported; it needs "
                    + "CONFIG_INET_DIAG_DESTROY and a protocol that supports it)"
            )
        }
        return KillFailure(
            "\(notSupported) of the sockets could not be closed: the kernel cannot destroy sockets of their kind "
                + "(SOCK_DESTROY: Operation not supported)"
        )
    }
}

/// `-K` could not close what it was asked to: one line, exit 1.
struct KillFailure: Error, CustomStringConvertible {
    let description: String
    init(_ description: String) { self.description = description }

    static let notPermitted = KillFailure(
        "-K: closing sockets needs CAP_NET_ADMIN (SOCK_DESTROY: Operation not permitted); nothing was closed"
    )
}
