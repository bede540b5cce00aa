import ArgumentParser

/// The rest of ss's display options as plain values, whichever parser filled them.
struct Display: Equatable {
    /// `-r`: host and service names (ss: `resolve_hosts`; services stay numeric with `-n`).
    var resolve = false
    /// `-T`: the owners of each thread (`tid=`), implies `-p`.
    var threads = false
    /// `-O`: everything on the row's line.
    var oneLine = false
    /// `-Q`: no Recv-Q and Send-Q columns.
    var noQueues = false
    /// `--tos`: tos, tclass and class_id.
    var typeOfService = false
    /// `--cgroup`: the cgroup path of every socket.
    var cgroup = false
    /// `--inet-sockopt`: the socket options line.
    var inetSocketOptions = false
    /// `-Z`: the processes' SELinux contexts.
    var processContext = false
    /// `-z`: the processes' and the sockets' SELinux contexts.
    var socketContext = false
    /// `-b`: classic BPF filters attached to the sockets (implies `-o`).
    var bpf = false
    /// `-F`: the file to read the filter expression from (`-` for standard input).
    var filterFile: String?
}

/// ss's options that change what each row shows: `-r -T -O -Q --tos --cgroup --inet-sockopt -Z -z -b -F`.
struct DisplayOptions: ParsableArguments {
    @Flag(name: [.customShort("r"), .customLong("resolve")], help: "Resolve host and service names (-rn: hosts only).")
    var resolve = false

    @Flag(name: [.customShort("T"), .customLong("threads")], help: "Show each thread holding the socket (tid=); implies -p.")
    var threads = false

    @Flag(name: [.customShort("O"), .customLong("oneline")], help: "Print each socket's data on one line.")
    var oneLine = false

    @Flag(name: [.customShort("Q"), .customLong("no-queues")], help: "Leave out the Recv-Q and Send-Q columns.")
    var noQueues = false

    @Flag(name: .customLong("tos"), help: "Show the type of service: tos, tclass and class_id (or priority).")
    var typeOfService = false

    @Flag(name: .customLong("cgroup"), help: "Show the cgroup v2 path of each socket.")
    var cgroup = false

    @Flag(name: .customLong("inet-sockopt"), help: "Show the internet socket options (recverr, freebind, …).")
    var inetSocketOptions = false

    @Flag(name: [.customShort("Z"), .customLong("context")], help: "Show the processes' SELinux contexts (implies -p).")
    var processContext = false

    @Flag(
        name: [.customShort("z"), .customLong("contexts")],
        help: "Show the processes' and the sockets' SELinux contexts (implies -p)."
    )
    var socketContext = false

    @Flag(
        name: [.customShort("b"), .customLong("bpf")],
        help: "Show classic BPF socket filters (implies -o); the kernel reports none for TCP, UDP or raw sockets."
    )
    var bpf = false

    @Option(
        name: [.customShort("F"), .customLong("filter")],
        help: ArgumentHelp(
            "Read the filter expression from FILE (- for standard input; lines starting with # are comments).",
            valueName: "file"
        )
    )
    var filterFile: String?

    /// The parsed values.
    var plain: Display {
        Display(
            resolve: resolve, threads: threads, oneLine: oneLine, noQueues: noQueues, typeOfService: typeOfService,
            cgroup: cgroup, inetSocketOptions: inetSocketOptions, processContext: processContext,
            socketContext: socketContext, bpf: bpf, filterFile: filterFile
        )
    }
}
