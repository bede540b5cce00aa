import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration.BPFOwners {
    /// Runs `sockdiag -tanp -v` in `namespace` through `wrapper` (a command that execs the rest of its arguments)
    /// twice, automatic and with `SOCKDIAG_OWNERS=bpf`: the first prints `reference` and names `reason` under -v,
    /// the second fails with one line and status 1.
    static func expectFallback(
        in namespace: TestNamespace,
        through wrapper: [String],
        reason: String,
        reference: String,
        sourceLocation: SourceLocation = #_sourceLocation
    ) throws {
        let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
        let automatic = try namespace.exec(wrapper + [binary, "-tanp", "-v"])
        #expect(automatic.status == 0 && !automatic.signaled, "\(automatic)", sourceLocation: sourceLocation)
        #expect(automatic.stdout == reference, "\(wrapper)\n\(automatic)", sourceLocation: sourceLocation)
        #expect(
            automatic.stderr.contains("sockdiag: processes: /proc walk, not BPF: \(reason)"),
            "\(automatic)",
            sourceLocation: sourceLocation
        )
        let forced = try namespace.exec(wrapper + ["/usr/bin/env", "SOCKDIAG_OWNERS=bpf", binary, "-tanp"])
        #expect(
            forced.status == 1 && !forced.signaled && forced.stdout.isEmpty && forced.stderrLines.count == 1
                && forced.stderr.hasPrefix("sockdiag: the BPF owner iterator cannot be used: "),
            "\(wrapper)\n\(forced)",
            sourceLocation: sourceLocation
        )
    }

    @Test(
        "root without CAP_SYS_ADMIN, CAP_BPF, CAP_PERFMON or in a new PID namespace: the walk, same rows, -v says why",
        .enabled(if: Commands.find("setpriv") != nil && Commands.find("unshare") != nil, "needs setpriv and unshare")
    )
    func unavailableAsRoot() throws {
        let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
        let (setpriv, unshare) = (Commands.find("setpriv")!, Commands.find("unshare")!)
        let (namespace, population) = try Population.inNewNamespace()
        defer { namespace.remove() }
        defer { population.close() }
        let server = try PreforkedServer(in: namespace, port: 8640, workers: 2)
        defer { server.stop() }
        let reference = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=proc", binary, "-tanp"])
        try #require(reference.status == 0 && reference.stdout.contains("pid=\(server.workers[1]),fd=3)"))

        let capabilities = "neither CAP_SYS_ADMIN nor CAP_BPF and CAP_PERFMON"
        // None of the three, or CAP_BPF without CAP_PERFMON.
        for dropped in ["-sys_admin,-bpf,-perfmon", "-sys_admin,-perfmon"] {
            let wrapper = [setpriv, "--inh-caps=\(dropped)", "--bounding-set=\(dropped)"]
            try Self.expectFallback(in: namespace, through: wrapper, reason: capabilities, reference: reference.stdout)
        }
        // Its own PID namespace with the host's /proc: the same pids, but the program would read global ones.
        try Self.expectFallback(
            in: namespace,
            through: [unshare, "--pid", "--fork"],
            reason: "not in the initial PID namespace",
            reference: reference.stdout
        )
        // With its own /proc too: no process of the population is visible, by either source.
        let own = [unshare, "--pid", "--fork", "--mount-proc"]
        let alone = try namespace.exec(own + ["/usr/bin/env", "SOCKDIAG_OWNERS=proc", binary, "-tanp"])
        try #require(
            alone.status == 0 && !alone.stdout.contains("users:(") && alone.stdout.contains("(no process found)")
        )
        try Self.expectFallback(
            in: namespace,
            through: own,
            reason: "not in the initial PID namespace",
            reference: alone.stdout
        )
    }

    @Test(
        "a kernel without BTF, or with an empty, corrupt or truncated one: the walk, the same rows, -v says why",
        .enabled(if: Commands.find("unshare") != nil, "needs unshare")
    )
    func withoutBTF() throws {
        let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
        let unshare = Commands.find("unshare")!
        let (namespace, population) = try Population.inNewNamespace()
        defer { namespace.remove() }
        defer { population.close() }
        let reference = try namespace.exec(["/usr/bin/env", "SOCKDIAG_OWNERS=proc", binary, "-tanp"])
        try #require(reference.status == 0 && reference.stdout.contains("users:(("))
        let directory = FileManager.default.temporaryDirectory.appendingPathComponent("sockdiag-btf-\(getpid())")
        try FileManager.default.createDirectory(at: directory, withIntermediateDirectories: true)
        defer { try? FileManager.default.removeItem(at: directory) }
        let real = try Data(contentsOf: URL(fileURLWithPath: "/sys/kernel/btf/vmlinux"))
        var corrupt = real.prefix(4096)
        corrupt.replaceSubrange(8..<24, with: [UInt8](repeating: 0xFF, count: 16))
        let files: [(name: String, bytes: Data, reason: String)] = [
            ("none", Data(), "cannot open /sys/kernel/btf/vmlinux"),
            ("empty", Data(), ""),
            ("corrupt", corrupt, ""),
            ("truncated", real.prefix(real.count / 2), ""),
        ]
        for file in files {
            // A private mount namespace (unshare's default propagation is private): a tmpfs over
            // /sys/kernel/btf there, holding the file to test; the host's mounts are not touched.
            let source = directory.appendingPathComponent(file.name).path
            if file.name != "none" { try file.bytes.write(to: URL(fileURLWithPath: source)) }
            let copy = file.name == "none" ? "" : " && cp \"$0\" /sys/kernel/btf/vmlinux"
            let script = "mount -t tmpfs none /sys/kernel/btf\(copy) && shift && exec \"$@\""
            let wrapper = [unshare, "--mount", "/bin/sh", "-c", script, source, "--"]
            try Self.expectFallback(in: namespace, through: wrapper, reason: file.reason, reference: reference.stdout)
        }
    }
}
