import SockDiag

extension Listing {
    /// What ``streamWithStoredOwners(from:into:)`` did.
    enum StoredOwnersOutcome {
        /// The rows went out with their owners read from the kernel's records.
        case streamed(OwnersStage, DumpReport?)
        /// The kernel cannot keep the owners on the sockets, for this reason: nothing was written, the caller
        /// takes the table path.
        case unavailable(String)
    }

    /// `-p`'s every-socket path with the owners kept on the namespace's TCP sockets in the kernel
    /// (``SocketOwnerStorage``): one BPF run before the dump, then the rows stream with their owners in them, and
    /// memory does not grow with the sockets. Over netlink, for TCP only (unix_diag has no socket storage, and
    /// inet_diag puts none in UDP's or raw's replies), as `SOCKDIAG_OWNERS` allows (``OwnersStage/storageChoice()``),
    /// and by default only where the table would be large (``OwnersStage/storageThreshold``).
    /// - Throws: What the dump throws; with `SOCKDIAG_OWNERS=storage`, also why the path cannot be taken.
    func streamWithStoredOwners(from source: SocketSource, into writer: inout RowWriter) throws
        -> StoredOwnersOutcome
    {
        let choice = OwnersStage.storageChoice()
        func unavailable(_ reason: String) throws -> StoredOwnersOutcome {
            guard !choice.forced else { throw UsageError("SOCKDIAG_OWNERS=storage: \(reason)") }
            return .unavailable(reason)
        }
        guard choice.tried else { return .unavailable("SOCKDIAG_OWNERS asks for the table") }
        if !choice.forced, let files = OwnersStage.openFiles(), files < OwnersStage.storageThreshold {
            return .unavailable(
                "\(files) open files, fewer than \(OwnersStage.storageThreshold): the table is small, and faster"
            )
        }
        guard case .netlink = source else { return try unavailable("not reading netlink") }
        guard unixQuery == nil else { return try unavailable("UNIX sockets have no socket storage") }
        // inet_diag puts the storage in TCP's replies only: UDP and raw replies end before it (no icsk).
        guard query.protocols.allSatisfy({ $0 == .tcp }) else {
            return try unavailable("UDP and raw replies carry no socket storage")
        }
        let owners: OwnersStage
        do {
            owners = try OwnersStage.storedOwners()
        } catch let error as SockDiagError {
            return try unavailable(error.message)
        }
        var listing = self
        listing.query.owners = owners.storage
        writer.ownerStorage = owners.storage
        do {
            return .streamed(owners, try source.forEachRow(of: listing, into: &writer).sockets)
        } catch let error as SockDiagError
            where !writer.sink.hasWritten && (error.code == .requestRejected || error.code == .permissionDenied)
        {
            writer.ownerStorage = nil
            return try unavailable("the dump refused the socket storage request: \(error.message)")
        }
    }
}
