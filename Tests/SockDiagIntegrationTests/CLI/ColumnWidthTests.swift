import Foundation
import SockDiagTestSupport
import Testing

#if canImport(Glibc)
import Glibc
#endif

extension Integration {
    /// ss's column widths against ss 6.1 itself, byte for byte: in a pipe (compact, as current ss: ss 6.1's lines
    /// without their trailing spaces), on a terminal (`script` with `stty cols N`) and with `COLUMNS`.
    @Suite(
        .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a private network namespace"),
        .enabled(if: Commands.ss != nil && Commands.find("script") != nil, "needs ss and script (util-linux)")
    )
    struct ColumnWidths {
        /// ss 6.1's output as current ss prints it in a pipe: no trailing spaces, and `Process` in the header only
        /// with `-p` (ss 6.1 heads an empty column with it).
        static func currentSS(_ text: String, processes: Bool) -> String {
            var lines = text.split(separator: "\n", omittingEmptySubsequences: false).map(String.init)
            if !processes, let header = lines.first, header.contains("Address:Port") {
                lines[0] = header.replacingOccurrences(of: "Process", with: "")
            }
            return lines.map { String($0.reversed().drop { $0 == " " }.reversed()) }.joined(separator: "\n")
        }

        /// `command` run in `namespace` on a terminal `columns` wide, its carriage returns removed.
        static func onTerminal(_ command: [String], columns: Int, in namespace: TestNamespace) throws -> String {
            let script = try #require(Commands.find("script"))
            let line = "stty cols \(columns); exec " + command.map { "'\($0)'" }.joined(separator: " ") + " 2>/dev/null"
            let result = try namespace.exec([script, "-qec", line, "/dev/null"])
            try #require(result.status == 0, "\(command): \(result)")
            return result.stdout.replacingOccurrences(of: "\r", with: "")
        }

        /// `command` in a pipe, without `COLUMNS` unless given.
        static func inPipe(_ command: [String], columns: Int? = nil, in namespace: TestNamespace) throws -> String {
            let environment = columns.map { ["COLUMNS=\($0)"] } ?? []
            let result = try namespace.exec(["env", "-u", "COLUMNS"] + environment + command)
            try #require(result.status == 0, "\(command): \(result)")
            return result.stdout
        }

        @Test("in a pipe: ss's columns, as wide as their longest cell, no line ending in spaces", arguments: [
            ["-tan"], ["-tn"], ["-uan"], ["-xa"], ["-tanH"], ["-tuan"],
            ["-tan", "exclude", "time-wait", "-p"], ["-tln", "-p"], ["-tn", "state", "established"], ["-4an"],
            ["-tanr"],
        ])
        func pipe(arguments: [String]) throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let ours = try Self.inPipe([binary] + arguments, in: namespace)
            let theirs = try Self.inPipe([ss] + arguments, in: namespace)
            let expected = Self.currentSS(theirs, processes: arguments.contains("-p"))
            #expect(ours == expected, "sockdiag\n\(ours)\nss\n\(theirs)")
            #expect(!ours.split(separator: "\n").contains { $0.hasSuffix(" ") }, "\(arguments): trailing spaces")
        }

        /// The cases where ss 6.1's columns are current ss's: with `-p` (the Process column holds the owners), or
        /// without a header (ss 6.1's empty Process column is then 0 wide).
        @Test("on a terminal: spread over its width as ss", arguments: [
            (["-tan", "exclude", "time-wait", "-p"], 100), (["-tanH"], 100), (["-tanH"], 61), (["-tanH"], 200),
            (["-xaH"], 100), (["-uanpH"], 40), (["-tlnp"], 150), (["-tanH", "state", "established"], 80),
        ] as [([String], Int)])
        func terminal(arguments: [String], columns: Int) throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let path = FileManager.default.temporaryDirectory.appendingPathComponent("sockdiag-widths-\(getpid())").path
            let unix = try namespace.onThread { try UnixAndRaw.population(path: path) }
            defer {
                for fd in unix { close(fd) }
                unlink(path)
            }
            let ours = try Self.onTerminal([binary] + arguments, columns: columns, in: namespace)
            let theirs = try Self.onTerminal([ss] + arguments, columns: columns, in: namespace)
            #expect(ours == theirs, "\(arguments) \(columns)\nsockdiag\n\(ours)\nss\n\(theirs)")
        }

        @Test("-i on a terminal: the rows as ss's, the second line indented by a tab and padded as ss pads it")
        func terminalInfo() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let arguments = ["-tlni"]
            let ours = try Self.onTerminal([binary] + arguments, columns: 100, in: namespace)
            // ss 6.1 heads the details column `Process`; current ss leaves it without a header.
            let theirs = try Self.onTerminal([ss] + arguments, columns: 100, in: namespace)
                .replacingOccurrences(of: "Process", with: "       ")
            #expect(ours == theirs, "sockdiag\n\(ours)\nss\n\(theirs)")
            let lines = ours.split(separator: "\n").dropFirst()
            let indented = lines.enumerated().allSatisfy { ($0.offset % 2 == 1) == $0.element.hasPrefix("\t") }
            #expect(lines.count > 2 && indented)
        }

        @Test("COLUMNS in a pipe lays out as a terminal that wide; a terminal's own width wins over it")
        func columnsVariable() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let (namespace, population) = try Population.inNewNamespace()
            defer { namespace.remove() }
            defer { population.close() }
            let arguments = ["-tanH"]
            let terminal = try Self.onTerminal([ss] + arguments, columns: 120, in: namespace)
            #expect(try Self.inPipe([binary] + arguments, columns: 120, in: namespace) == terminal)
            let narrow = try Self.onTerminal([ss] + arguments, columns: 70, in: namespace)
            let ours = try Self.onTerminal(["env", "COLUMNS=120", binary] + arguments, columns: 70, in: namespace)
            #expect(ours == narrow)
            // Not a number, or not positive: ignored, as ss's atoi.
            let compact = try Self.inPipe([binary] + arguments, in: namespace)
            for value in ["0", "-5", "wide"] {
                let result = try namespace.exec(["env", "COLUMNS=\(value)", binary] + arguments)
                #expect(result.stdout == compact, "COLUMNS=\(value)")
            }
        }

        /// ss writes its rows in batches (when its buffer holds five 1 MiB chunks) and sizes each batch's columns
        /// by what it has seen so far (some 10 s: it takes that many rows to fill ss's buffer): 45,000 unbound UNIX sockets fill the first batch, the bound ones with
        /// 107-byte names that the kernel lists after them widen only the second.
        @Test("ss's batches: rows after ss's buffer fills are laid out on their own, as ss does")
        func batches() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found; set SOCKDIAG_BIN")
            let ss = try #require(Commands.ss)
            let python = try #require(BindCheck.systemPython)
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let holder = try BackgroundProcess(
                Commands.ip!, ["netns", "exec", namespace.name, python, "-c", Self.manySockets], label: "holder"
            )
            defer { holder.stop() }
            try holder.wait("the sockets", seconds: 30) { holder.stdout.contains("ready") ? true : nil }
            let arguments = ["-xap"]
            let ours = try Self.inPipe([binary] + arguments, in: namespace)
            let theirs = try Self.inPipe([ss] + arguments, in: namespace)
            let lines = ours.split(separator: "\n")
            #expect(lines.count == 45_101)
            // Two layouts: the unbound sockets' `*` sits further right in the second batch.
            let unbound = lines.dropFirst().filter { !$0.contains("@") }
            #expect(Set(unbound.map { $0.firstIndex(of: "*")?.utf16Offset(in: $0) ?? 0 }).count == 2)
            let expected = Self.currentSS(theirs, processes: true)
            #expect(ours == expected, "first difference: \(firstDifference(ours, theirs))")
        }

        /// A Python program that makes 45,000 unbound UNIX datagram sockets (in three children, a process may hold
        /// 20,000 descriptors here) and 100 bound to 107-byte abstract names, says `ready` and waits; the children
        /// end with it.
        static let manySockets = """
            import ctypes, os, signal, socket, time
            ready, done = os.pipe()
            for child in range(3):
                if os.fork() == 0:
                    ctypes.CDLL(None).prctl(1, signal.SIGKILL)
                    held = [socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM) for _ in range(15000)]
                    os.write(done, b"x")
                    time.sleep(600)
                    os._exit(0)
            for child in range(3):
                os.read(ready, 1)
            held = []
            for index in range(100):
                bound = socket.socket(socket.AF_UNIX, socket.SOCK_DGRAM)
                bound.bind(b"\\0" + (b"%03d" % index) * 35 + b"xx")
                held.append(bound)
            print("ready", flush=True)
            time.sleep(600)
            """

        private func firstDifference(_ ours: String, _ theirs: String) -> String {
            let expected = Self.currentSS(theirs, processes: true).split(separator: "\n")
            let lines = ours.split(separator: "\n")
            guard let index = zip(lines, expected).enumerated().first(where: { $0.element.0 != $0.element.1 })?.offset
            else { return "none" }
            return "line \(index)\nsockdiag \(lines[index])\nss       \(expected[index])"
        }
    }
}
