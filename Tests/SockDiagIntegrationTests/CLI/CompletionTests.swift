import Foundation
import SockDiag
import SockDiagTestSupport
import Testing

extension Integration {
    /// The shell completion scripts the binaries print (`--generate-completion-script SHELL`, ArgumentParser's),
    /// through sockdiag's own `main()` (its fast argument path must hand the request over), and what bash completes
    /// with them: state names after `--state`, namespace names after `-N`.
    @Suite
    struct Completion {
        static let shells = ["bash", "zsh", "fish"]

        /// The binaries and the name each script completes.
        static var binaries: [(binary: String?, command: String)] {
            [(Commands.sockdiagBinary, "sockdiag"), (Commands.exporterBinary, "sockdiag-exporter")]
        }

        /// The script `command` prints for `shell`, after checking that it exits 0 with nothing on stderr.
        static func script(_ binary: String, shell: String) throws -> String {
            let result = try Commands.run(binary, ["--generate-completion-script", shell])
            #expect(result.status == 0 && !result.signaled && result.stderr.isEmpty, "\(result)")
            return result.stdout
        }

        /// Runs `body` in bash after sourcing `script`; its standard output.
        static func bash(_ script: String, _ body: String) throws -> CommandResult {
            let bash = try #require(Commands.find("bash"), "needs bash")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "sockdiag-completion-\(getpid())-\(UUID().uuidString).bash"
            ).path
            try script.write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            return try Commands.run(bash, ["--norc", "--noprofile", "-c", "source \(path) && \(body)"])
        }

        /// What bash offers for the last word of `words` (COMP_WORDS, COMP_CWORD, COMP_LINE, COMP_POINT).
        static func complete(_ script: String, command: String, _ words: [String]) throws -> [String] {
            let quoted = words.map { "'\($0)'" }.joined(separator: " ")
            let line = words.joined(separator: " ")
            let body = """
                COMP_WORDS=(\(quoted)); COMP_CWORD=\(words.count - 1); COMP_LINE='\(line)'; \
                COMP_POINT=${#COMP_LINE}; \
                "$(complete -p \(command) | sed -E 's/.* -F ([^ ]+) .*/\\1/')" \(command) '\(words.last ?? "")' \
                '\(words.dropLast().last ?? "")'; \
                printf '%s\\n' "${COMPREPLY[@]}"
                """
            let result = try bash(script, body)
            #expect(result.status == 0, "\(result)")
            return result.stdout.split(separator: "\n").map(String.init)
        }

        @Test("each binary prints a completion script for bash, zsh and fish that the shell parses", arguments: shells)
        func scriptsParse(shell: String) throws {
            for (binary, command) in Self.binaries {
                let binary = try #require(binary, "\(command) executable not found")
                let script = try Self.script(binary, shell: shell)
                #expect(script.contains(command), "\(command) \(shell)")
                #expect(!script.contains("sockdiag exporter_"), "a function name with a space: \(command) \(shell)")
                guard let interpreter = Commands.find(shell) else { continue }
                let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                    "sockdiag-completion-\(getpid())-\(UUID().uuidString).\(shell)"
                ).path
                try script.write(toFile: path, atomically: true, encoding: .utf8)
                defer { try? FileManager.default.removeItem(atPath: path) }
                let check = try Commands.run(interpreter, ["-n", path])
                #expect(check.status == 0 && check.stderr.isEmpty, "\(shell) -n, \(command): \(check)")
            }
        }

        @Test("`--generate-completion-script` alone prints the script of the user's shell ($SHELL)")
        func userShell() throws {
            for (binary, command) in Self.binaries {
                let binary = try #require(binary, "\(command) executable not found")
                let arguments = ["SHELL=/bin/bash", binary, "--generate-completion-script"]
                let result = try Commands.run("/usr/bin/env", arguments)
                let registration = "complete -o filenames -F _\(command)"
                #expect(result.status == 0 && result.stdout.contains(registration), "\(result)")
                #expect(!result.stdout.contains("sockdiag exporter_"), "\(command)")
            }
        }

        @Test("bash registers both commands; `sockdiag --state <TAB>` (list, the default subcommand) offers the states")
        func bashStates() throws {
            let functions = ["sockdiag": "_sockdiag_default_subcommand", "sockdiag-exporter": "_sockdiag-exporter"]
            for (binary, command) in Self.binaries {
                let binary = try #require(binary, "\(command) executable not found")
                let registered = try Self.bash(try Self.script(binary, shell: "bash"), "complete -p \(command)")
                #expect(registered.stdout.contains("-F \(functions[command] ?? "") \(command)\n"), "\(registered)")
            }
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found")
            let script = try Self.script(binary, shell: "bash")
            let offered = try Self.complete(script, command: "sockdiag", ["sockdiag", "--state", ""])
            #expect(Set(offered) == Set(StateSet.names.map(\.name)), "\(offered)")
            let narrowed = try Self.complete(script, command: "sockdiag", ["sockdiag", "list", "-t", "--state", "time"])
            #expect(narrowed == ["time-wait"])
        }

        @Test(
            "fish: `sockdiag --state <TAB>` and `sockdiag --ki<TAB>` complete as after `sockdiag list`",
            .enabled(if: Commands.find("fish") != nil, "needs fish")
        )
        func fishDefaultSubcommand() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "sockdiag-completion-\(getpid())-\(UUID().uuidString).fish"
            ).path
            try Self.script(binary, shell: "fish").write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            func complete(_ line: String) throws -> [String] {
                let fish = try #require(Commands.find("fish"))
                let result = try Commands.run(fish, ["--no-config", "-c", "source \(path); complete -C '\(line)'"])
                #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
                return result.stdout.split(separator: "\n").map { String($0.prefix { $0 != "\t" }) }
            }
            #expect(Set(try complete("sockdiag --state ")) == Set(StateSet.names.map(\.name)))
            #expect(try complete("sockdiag -t --state time") == ["time-wait"])
            #expect(Set(try complete("sockdiag --ki")) == ["--kill", "--kill-all"])
            // The subcommands still complete, and theirs options after them.
            #expect(try complete("sockdiag ").contains("bind-check"))
            #expect(try complete("sockdiag bind-check --js") == ["--json"])
        }

        @Test(
            "zsh: `sockdiag -OPTION` reaches the generated completion as `sockdiag list -OPTION`",
            .enabled(if: Commands.find("zsh") != nil, "needs zsh")
        )
        func zshDefaultSubcommand() throws {
            let binary = try #require(Commands.sockdiagBinary, "sockdiag executable not found")
            let path = FileManager.default.temporaryDirectory.appendingPathComponent(
                "sockdiag-completion-\(getpid())-\(UUID().uuidString).zsh"
            ).path
            try Self.script(binary, shell: "zsh").write(toFile: path, atomically: true, encoding: .utf8)
            defer { try? FileManager.default.removeItem(atPath: path) }
            // compdef records the registration; the generated `_sockdiag` is replaced by one that prints what it got.
            let body = """
                compdef() { print -r -- "compdef $*"; }
                source \(path)
                _sockdiag() { print -r -- "$CURRENT ${(j:,:)words}"; }
                words=(sockdiag --state ''); CURRENT=3; _sockdiag_default_subcommand
                words=(sockdiag -); CURRENT=2; _sockdiag_default_subcommand
                words=(sockdiag bind-check --js); CURRENT=3; _sockdiag_default_subcommand
                """
            let zsh = try #require(Commands.find("zsh"))
            let result = try Commands.run(zsh, ["-f", "-c", body])
            #expect(result.status == 0 && result.stderr.isEmpty, "\(result)")
            let lines = result.stdout.split(separator: "\n").map(String.init)
            #expect(
                lines == [
                    "compdef _sockdiag_default_subcommand sockdiag", "4 sockdiag,list,--state,", "3 sockdiag,list,-",
                    "3 sockdiag,bind-check,--js",
                ],
                "\(result)"
            )
        }

        @Test(
            "bash offers the namespaces of /var/run/netns after -N (sockdiag, bind-check, free, the exporter)",
            .enabled(if: TestNamespace.canCreate, "needs root and `ip netns` to create a network namespace")
        )
        func bashNamespaces() throws {
            let namespace = try TestNamespace()
            defer { namespace.remove() }
            let prefix = String(namespace.name.prefix(namespace.name.count - 1))
            let lines: [(words: [String], command: String, binary: String?)] = [
                (["sockdiag", "-N", prefix], "sockdiag", Commands.sockdiagBinary),
                (["sockdiag", "bind-check", "--net", prefix], "sockdiag", Commands.sockdiagBinary),
                (["sockdiag", "free", "-N", prefix], "sockdiag", Commands.sockdiagBinary),
                (["sockdiag-exporter", "-N", prefix], "sockdiag-exporter", Commands.exporterBinary),
            ]
            for line in lines {
                let binary = try #require(line.binary, "\(line.command) executable not found")
                let script = try Self.script(binary, shell: "bash")
                let offered = try Self.complete(script, command: line.command, line.words)
                #expect(offered.contains(namespace.name), "\(line.words): \(offered)")
            }
        }
    }
}
