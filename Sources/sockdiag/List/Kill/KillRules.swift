import SockDiag

/// What `-K` accepts: the options it goes with, and the safety catch against a selection that nothing narrows.
enum KillRules {
    /// Checks the `-K` options of `options` against each other and the rest of the listing's options.
    /// - Parameter query: The query built from the selection.
    /// - Throws: `UsageError` (exit 2).
    static func check(_ options: Invocation, query: SocketQuery) throws(UsageError) {
        guard options.kill else {
            if options.dryRun || options.killAll {
                throw UsageError("\(options.dryRun ? "--dry-run" : "--kill-all") applies only to -K/--kill")
            }
            return
        }
        if let conflict = conflict(options) {
            throw UsageError("-K/--kill cannot be combined with \(conflict)")
        }
        if !options.killAll && !isNarrowed(options.selection, query: query) {
            throw UsageError(
                "-K refused: nothing narrows the selection (no state, port, address or filter), so it would close "
                    + "every connection, your own SSH session included; narrow it, or add --kill-all"
            )
        }
    }

    /// The option that `-K` cannot go with, as a phrase, or `nil`.
    static func conflict(_ options: Invocation) -> String? {
        if options.backend == .proc { return "--backend proc: sockets are closed over netlink (sock_diag) only" }
        if options.allNamespaces { return "--all-netns: close sockets in one namespace at a time (-N NAME)" }
        if options.summary { return "-s/--summary: it closes sockets and lists them, it does not count them" }
        if options.selection.unix { return "-x/--unix: the kernel cannot close UNIX sockets (no SOCK_DESTROY)" }
        if options.printVersion { return "-V" }
        if options.diag != nil { return "-D/--diag: it records a dump and closes nothing" }
        if options.replayPath != nil { return "a capture (--from, TCPDIAG_FILE): its sockets are not this machine's" }
        return nil
    }

    /// Whether something narrows `selection` below "every socket of the protocols and families": a state
    /// selection (`--state`, `-l`, `-B`, `state`/`exclude` words) that leaves out some of `-a`'s states, a port,
    /// an address, or a filter expression. Protocols (`-t -u -w`) and families (`-4 -6`) do not narrow: TCP over
    /// IPv4 holds the SSH session too.
    static func isNarrowed(_ selection: Selection, query: SocketQuery) -> Bool {
        if query.effectiveFilter != .all { return true }
        let positional = (try? FilterParser.parse(selection.filter))?.states
        let namesStates = !selection.states.isEmpty || selection.listening || selection.boundInactive
            || positional != nil
        return namesStates && !query.states.isSuperset(of: .all)
    }
}
