import Testing

#if canImport(Glibc)
import Glibc
#endif

@testable import sockdiag

/// The fast command-line path must read every ordinary command line exactly as ArgumentParser does.
@Suite("Fast argument parsing agrees with ArgumentParser")
struct FastArgumentsTests {
    static let commandLines: [[String]] = [
        [], ["-tan"], ["-t", "-a", "-n"], ["-tuan"], ["-t4an"], ["-u6an"], ["-tl"],
        ["-tln", "-H"], ["--state", "time-wait", "--port", "8000"], ["--state=time-wait", "--port=8000"],
        ["-tan", "state", "time-wait", "( sport = :8000 or dport = :8000 )"],
        ["-ta", "sport", "=", ":8000", "or", "dport", "=", ":8000"], ["--sport", "80", "--sport", "443", "--dport", "9"],
        ["--src", "127.0.0.1", "--dst", "[::1]:443"], ["--json", "-tan"], ["-s"], ["-s", "--json"], ["-st"],
        ["--backend", "proc", "-tan"], ["--backend=netlink"], ["--no-kernel-filter", "-tan", "src", "10/8"],
        ["--kernel-filter"], ["-v", "-tan"], ["--verbose"], ["-V"], ["--tcp", "--udp", "--ipv4", "--ipv6"],
        ["--all", "--listening", "--bound-inactive", "--numeric", "--no-header", "--summary"], ["-tB"],
        ["-tan", "--state", "connected", "--state", "listening"], ["autobound"], ["-ta", "!", "dev", "=", "lo"],
        ["-tanoemi"], ["-tani"], ["-tanm"], ["-o"], ["-e", "-t"], ["-tm", "--json"], ["-ti", "--json", "-n"],
        ["--options", "--extended", "--memory", "--info"], ["-tanie", "state", "established"], ["-u", "-m"],
        ["-wa"], ["--raw", "-n"], ["-wtua"], ["-xa"], ["--unix", "--json"], ["-xl", "state", "listening"],
        ["-tanp"], ["-p"], ["--processes", "--json"], ["-tlnp", "--port", "8000"], ["-p", "-tan", "--port=8000"],
        ["--all-netns"], ["--all-netns", "-tan", "--json"], ["-tanH", "--all-netns"], ["--all-netns", "-s"],
        ["--all-netns", "-tanp", "--port", "8000"], ["-K", "--state", "time-wait"], ["-tK", "--kill-all"],
        ["--kill", "--dry-run", "-t", "--port", "8000"], ["-tKp", "-l", "--json"],
        ["-r"], ["-tuar"], ["-tuarn"], ["--resolve"], ["-T"], ["-tanT", "--json"], ["--threads"], ["-O"],
        ["-tanemiO"], ["--oneline"], ["-Q"], ["-tQp"], ["--no-queues"], ["--tos"], ["-tan", "--tos", "--json"],
        ["--cgroup"], ["--inet-sockopt"], ["-tan", "--cgroup", "--inet-sockopt", "-O"], ["-Z"], ["-z"],
        ["--context"], ["--contexts"], ["-Zz"], ["-b"], ["--bpf"], ["-tab"], ["--filter", "rules"],
        ["--filter=rules"], ["-tan", "--filter", "rules", "sport", "=", ":22"],
        ["-rTOQbzZ", "--tos", "--cgroup", "--inet-sockopt"],
        ["-0"], ["-a0"], ["-M"], ["-Ma"], ["-S"], ["--packet", "--netlink", "--mptcp", "--sctp"],
        ["--vsock", "--xdp", "--tipc"], ["-A", "netlink"], ["-aA", "netlink,packet"], ["-A", "all,!tcp", "-A", "u_dgr"],
        ["--query", "tcp"], ["--socket=udp"], ["-f", "link"], ["-af", "inet"], ["--family", "netlink", "-f", "xdp"],
        ["-A", "!tcp"],
    ]

    @Test("same invocation as ArgumentParser, with and without the `list` subcommand's name", arguments: commandLines)
    func agrees(arguments: [String]) throws {
        let fast = try #require(FastArguments.parse(arguments[...]), "fast path declined \(arguments)")
        for line in [arguments, ["list"] + arguments] {
            let parsed = try SockDiagCommand.parseAsRoot(line)
            let command = try #require(parsed as? ListCommand, "\(line)")
            #expect(fast == command.invocation, "\(line)")
        }
    }

    @Test("anything unusual goes to ArgumentParser", arguments: [
        ["--help"], ["-h"], ["--bogus"], ["-X"], ["--state"], ["--port", "-1"], ["--dport=-1"], ["-t", "-t"],
        ["--tcp", "-t"], ["--", "sport", "=", ":1"], ["--backend", "foo"], ["--backend", "proc", "--backend", "proc"],
        ["--json=1"], ["-"], ["--kernel-filter", "--no-kernel-filter"], ["--port", ""], ["-ii"], ["-o", "--options"],
        ["--info=1"], ["-tanX"], ["-xx"], ["-p", "--processes"], ["--processes=yes"],
        ["--all-netns", "--all-netns"], ["--all-netns=1"], ["--all-netns", "-N", "x"], ["-K", "--kill"],
        ["--dry-run=1"], ["-KK"], ["-rr"], ["-r", "--resolve"], ["--tos=1"], ["--tos", "--tos"], ["-TT"],
        ["--filter", "a", "--filter", "b"], ["--filter", "-"], ["-F", "rules"], ["-F", "-"], ["--cgroup=1"],
        ["-A"], ["-Anetlink"], ["-fA", "x"], ["-A", "-t"], ["-00"], ["--A", "tcp"],
    ])
    func declines(arguments: [String]) {
        #expect(FastArguments.parse(arguments[...]) == nil, "\(arguments)")
    }

    @Test("-F FILE and - (standard input) through ArgumentParser", arguments: [["-F", "rules"], ["-F", "-"], ["-tanF", "x"]])
    func filterFileShort(arguments: [String]) throws {
        let parsed = try SockDiagCommand.parseAsRoot(arguments)
        let command = try #require(parsed as? ListCommand)
        #expect(command.invocation.display.filterFile == arguments.last)
    }

    @Test("-T, -b and -F resolve into -p, -o and filter words after the command line's")
    func displayImplications() throws {
        let path = "/tmp/sockdiag-cli-filter-\(getpid())"
        let file = fopen(path, "w")
        fputs("# comment\nsport = :22\n\n or dport = :80\n", file)
        fclose(file)
        defer { unlink(path) }
        var invocation = try #require(FastArguments.parse(["-tTb", "--filter", path, "state", "established"][...]))
        invocation = try invocation.resolvingDisplay()
        #expect(invocation.processes && invocation.options)
        #expect(invocation.selection.filter == ["state", "established", "sport = :22", " or dport = :80"])
    }

    @Test("--version through ArgumentParser is the version line too")
    func version() throws {
        #expect(FastArguments.parse(["--version"][...])?.printVersion == true)
    }
}
