import SockDiag
import Testing

@testable import sockdiag

/// `-0`, `--netlink`, `-M`, `-S`, `--vsock`, `--xdp`, `--tipc`, `-A` and `-f`: what each lists, in ss's meaning
/// (iproute2 misc/ss.c: `filter_db_parse`, `filter_af_set`, the default states of each table).
@Suite("Family and table options")
struct FamilyOptionTests {
    static func listing(_ arguments: [String]) throws -> Listing {
        let command = try #require(try SockDiagCommand.parseAsRoot(arguments) as? ListCommand)
        return try Listing(checking: command.invocation)
    }

    static func refusal(_ arguments: [String]) throws -> String {
        do {
            _ = try listing(arguments)
        } catch let error as UsageError {
            return error.message
        }
        Issue.record("\(arguments) was accepted")
        return ""
    }

    @Test("the default listing: MPTCP and SCTP with TCP and UDP; netlink and packet only with -a or -l (UNCONN)")
    func defaults() throws {
        let plain = try Self.listing([])
        #expect(plain.families.mptcp?.protocols == [.mptcp] && plain.families.sctp?.protocols == [.sctp])
        #expect(!plain.families.netlink && plain.families.packetTypes == nil && !plain.families.tipc)
        for flag in ["-a", "-l"] {
            let listing = try Self.listing([flag])
            #expect(listing.families.netlink && listing.families.packetTypes == [] && listing.families.xdp, "\(flag)")
        }
        let ipv4 = try Self.listing(["-4a"])
        #expect(ipv4.families.mptcp != nil && !ipv4.families.netlink)
        #expect(try Self.listing(["-ta"]).families.mptcp == nil)
    }

    @Test("-0, --netlink, -f link and -f netlink list UNCONN sockets without -a; -A keeps ss's default states")
    func unconnectedTables() throws {
        let packet = try Self.listing(["-0"])
        #expect(packet.families.packetTypes == [] && packet.query.states == StateSet(.closed))
        #expect(packet.query.protocols.isEmpty && packet.unixQuery == nil && packet.families.mptcp == nil)
        #expect(try Self.listing(["-f", "link"]).families.packetTypes == [])
        #expect(try Self.listing(["-f", "netlink"]).families.netlink)
        #expect(try Self.listing(["--netlink", "-t"]).query.states == StateSet.ssDefault.union(StateSet(.closed)))
        #expect(try !Self.listing(["-A", "netlink"]).families.netlink)
        #expect(try Self.listing(["-a", "-A", "netlink"]).families.netlink)
    }

    @Test("-A words in order, '!' leaves a table out, comma lists; unknown words name the valid ones")
    func queryWords() throws {
        let listing = try Self.listing(["-a", "-A", "all,!tcp"])
        #expect(listing.query.protocols == [.raw, .udp])
        #expect(listing.families.mptcp != nil && listing.families.sctp != nil && listing.families.netlink)
        #expect(listing.families.packetTypes == [] && listing.unixQuery?.types == [] && !listing.families.tipc)
        #expect(try Self.listing(["-a", "-A", "u_dgr"]).unixQuery?.types == [.datagram])
        #expect(
            try Self.listing(["-a", "--query", "unix_stream,unix_seqpacket"]).unixQuery?.types == [.stream, .seqPacket]
        )
        #expect(try Self.listing(["-a", "--socket", "packet_raw"]).families.packetTypes == [.raw])
        #expect(try Self.listing(["-A", "inet"]).query.protocols == [.raw, .udp, .tcp])
        #expect(try Self.listing(["-A", "tcp", "-A", "mptcp"]).families.mptcp != nil)
        let unknown = try Self.refusal(["-A", "tcp,bogus"])
        #expect(unknown.hasPrefix("-A: unknown socket table 'bogus'; valid tables: all, inet, udp"))
        #expect(try Self.refusal(["-A", "tcp,!tcp"]).contains("no socket table left"))
    }

    @Test("-d/--dccp and -A dccp alone say why nothing can be listed; with another table they add nothing; --tipcinfo")
    func dccpAndTIPCInfo() throws {
        for arguments in [["-d"], ["--dccp"], ["-A", "dccp"]] {
            #expect(try Self.refusal(arguments).contains("Linux removed DCCP in 6.16"), "\(arguments)")
        }
        #expect(try Self.listing(["-t", "-d"]).query.protocols == [.tcp])
        #expect(try Self.listing(["-A", "dccp,tcp"]).query.protocols == [.tcp])
        #expect(try Self.listing(["--tipcinfo"]).families.tipc)
    }

    @Test("-f with ss's families; an unknown one names the valid ones (not 'unknown predicate')")
    func familyWords() throws {
        #expect(try Self.listing(["-f", "inet"]).query.families == [.inet])
        #expect(try Self.listing(["--family", "inet6"]).query.families == [.inet6])
        #expect(try Self.listing(["-f", "unix"]).unixQuery != nil)
        #expect(try Self.listing(["-f", "tipc"]).families.tipc)
        #expect(try Self.listing(["-f", "vsock"]).families.vsock != nil)
        #expect(try Self.listing(["-f", "xdp"]).families.xdp)
        #expect(
            try Self.refusal(["-f", "bogus"])
                == "-f: unknown family 'bogus'; valid families: "
                + "inet, inet6, unix, link, netlink, vsock, xdp, tipc, help"
        )
    }

    @Test("-M, -S, --vsock, --xdp, --tipc alone list only their family")
    func singleFamilies() throws {
        let mptcp = try Self.listing(["-M"])
        #expect(mptcp.query.protocols.isEmpty && mptcp.unixQuery == nil && mptcp.families.sctp == nil)
        #expect(mptcp.families.mptcp?.protocols == [.mptcp] && mptcp.families.mptcp?.states == .ssDefault)
        #expect(try Self.listing(["-S"]).families.sctp?.protocols == [.sctp])
        #expect(try Self.listing(["--vsock"]).families.vsock == .ssDefault)
        #expect(try Self.listing(["--xdp"]).families.xdp)
        #expect(try Self.listing(["--tipc"]).families.tipc)
    }

    @Test("refused: a filter on netlink/packet sockets, -K, -D or /proc with them")
    func refusals() throws {
        #expect(try Self.refusal(["-0", "sport", "=", ":22"]).contains("do not apply to packet sockets"))
        #expect(try Self.refusal(["-K", "-M", "--state", "established"]).hasPrefix("-K closes TCP, UDP, raw and UNIX"))
        #expect(try Self.refusal(["-D", "/dev/null", "--netlink"]).hasPrefix("-D records TCP, UDP, raw and UNIX"))
        #expect(try Self.refusal(["--backend", "proc", "-0"]).contains("cannot show packet sockets"))
    }
}
