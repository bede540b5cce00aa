/// The answer of a bind check.
public enum BindVerdict: String, Hashable, Sendable {
    /// A plain bind succeeds.
    case free
    /// Only a bind with `SO_REUSEADDR` succeeds.
    case freeWithReuseAddress = "free-with-reuseaddr"
    /// Only a bind with `SO_REUSEPORT` succeeds (a group of the caller's user holds the port).
    case freeWithReusePort = "free-with-reuseport"
    /// No bind succeeds: the address and port are in use.
    case inUse = "in-use"
    /// The port is privileged and the caller lacks the privilege (`EACCES`).
    case needsPrivilege = "needs-privilege"
    /// The address is not one of this network namespace's (`EADDRNOTAVAIL`).
    case addressNotAvailable = "address-not-available"
    /// The test bind failed otherwise.
    case error
}
