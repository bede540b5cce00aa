import SockDiag
import SockDiagFormatting

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#endif

extension Invocation {
    /// The invocation with what the display options imply made explicit: `-T`, `-Z` and `-z` list owners, `-b`
    /// shows timers, and `-F`'s file joins the filter words (after the command line's, as ss reads them).
    /// - Throws: `UsageError` when the filter file cannot be read; ``SELinuxUnavailable`` (exit 1, as ss) for
    ///   `-Z`/`-z` where SELinux is off.
    func resolvingDisplay() throws -> Invocation {
        var resolved = self
        if display.processContext || display.socketContext {
            // ss: "SELinux is not enabled." and exit 1, before anything is listed.
            guard SELinux.isEnabled else { throw SELinuxUnavailable(message: "SELinux is not enabled.") }
            throw SELinuxUnavailable(
                message: "-Z/-z: reading SELinux contexts is not implemented (SELinux is enabled here)"
            )
        }
        if display.threads { resolved.processes = true }
        if display.bpf { resolved.options = true }
        if let path = display.filterFile { resolved.selection.filter += try FilterFile.lines(path) }
        return resolved
    }

    /// The `OutputDetails` bits of the display options.
    var displayDetails: OutputDetails {
        var details: OutputDetails = []
        if display.oneLine { details.insert(.oneLine) }
        if display.noQueues { details.insert(.noQueues) }
        if display.typeOfService { details.insert(.typeOfService) }
        if display.cgroup { details.insert(.cgroup) }
        if display.inetSocketOptions { details.insert(.inetSocketOptions) }
        return details
    }
}

/// `-Z`/`-z` cannot show contexts: exit 1 with the reason.
struct SELinuxUnavailable: Error, CustomStringConvertible {
    let message: String
    var description: String { message }
}

/// Whether SELinux runs: its file system is mounted (what libselinux's `is_selinux_enabled` checks).
enum SELinux {
    static var isEnabled: Bool {
        access("/sys/fs/selinux/enforce", F_OK) == 0 || access("/selinux/enforce", F_OK) == 0
    }
}
