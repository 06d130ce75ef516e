import CTICore
import ClientConfig
import Foundation
import Testing
@testable import Diagnostics

/// The port probes against servers on loopback only (LoopbackServer), and the pbx.ports check
/// through a network that refuses anything but loopback.
@Suite(.serialized) struct PBXPortsTests {
    /// Generous for a loaded 2-core machine; the figure in docs/performance.md is the measured one.
    static let margin: Duration = .milliseconds(250)

    @Test func eachKindOfServerIsToldApartAndAllProbesTogetherTakeOneTimeout() async throws {
        let xmpp = try LoopbackServer(.answers(LoopbackServer.xmppGreeting))
        let tls = try LoopbackServer(.answers(LoopbackServer.tlsAlert), ipv6: true)
        let http = try LoopbackServer(.answers(Array("HTTP/1.1 400 Bad Request\r\n\r\n".utf8)))
        let silent = try LoopbackServer(.silent)
        let closes = try LoopbackServer(.closes)
        let queueFull = try LoopbackServer(.queueFull)
        let closedPort = try LoopbackServer.closedPort()
        defer { [xmpp, tls, http, silent, closes, queueFull].forEach { $0.stop() } }
        let loopback = IPAddress("127.0.0.1")!
        let cases: [(String, IPAddress, UInt16, ServiceProtocol, PortOutcome)] = [
            ("XMPP answers", loopback, xmpp.port, .xmpp, .answered),
            ("TLS answers on ::1", tls.address, tls.port, .tls, .answered),
            ("XMPP expected, TLS answers", tls.address, tls.port, .xmpp, .otherProtocol("......(")),
            ("HTTP where TLS is expected", loopback, http.port, .tls, .otherProtocol("HTTP/1.1 400 Bad Request")),
            ("accepts, stays silent", loopback, silent.port, .xmpp, .silent),
            ("accepts, closes", loopback, closes.port, .tls, .closed),
            ("nothing listens", loopback, closedPort, .xmpp, .refused),
            ("SYN dropped", loopback, queueFull.port, .xmpp, .timedOut),
        ]
        let timeout: Duration = .milliseconds(400)
        // Timed on the probes' own threads, as the check runs them: other suites keeping the
        // cooperative pool busy do not count.
        let (outcomes, elapsed) = await OwnThread.run {
            let started = ContinuousClock.now
            let deadline = started.advanced(by: timeout)
            let outcomes = OwnThread.all(cases.map { item in { SystemNetwork().probe(item.1, port: item.2, speaking: item.3, host: "pbx", deadline: deadline) } })
            return (outcomes, ContinuousClock.now - started)
        }
        for (item, outcome) in zip(cases, outcomes) { #expect(outcome == item.4, "\(item.0)") }
        // The silent ones wait the whole timeout, side by side: one timeout, not the sum.
        #expect(elapsed >= timeout)
        #expect(elapsed < timeout + Self.margin, "\(elapsed)")
    }

    @Test func aConnectThatIsNeverAnsweredEndsAtTheDeadlineAndLeaksNoSocket() async throws {
        let queueFull = try LoopbackServer(.queueFull)
        defer { queueFull.stop() }
        // The server's own queue holds one connection that waits for its SYN's answer.
        #expect(try pendingConnects(to: queueFull.port) == 1)
        for _ in 0..<5 {
            let (outcome, elapsed) = await OwnThread.run {
                let started = ContinuousClock.now
                let outcome = SystemNetwork().probe(queueFull.address, port: queueFull.port, speaking: .xmpp, host: "pbx", deadline: started.advanced(by: .milliseconds(150)))
                return (outcome, ContinuousClock.now - started)
            }
            #expect(outcome == .timedOut)
            #expect(elapsed >= .milliseconds(150) && elapsed < .milliseconds(150) + Self.margin, "\(elapsed)")
        }
        // Every probe's socket is gone (a socket still open would wait in SYN-SENT).
        #expect(try pendingConnects(to: queueFull.port) == 1)
    }

    @Test func theCheckProbesEachDistinctHostAndPortOnceAndNamesItsUsers() async throws {
        let xmpp = try LoopbackServer(.answers(LoopbackServer.xmppGreeting))
        let silent = try LoopbackServer(.silent)
        let closedPort = try LoopbackServer.closedPort()
        defer { [xmpp, silent].forEach { $0.stop() } }
        let directory = try PBXTestDirectory()
        let root = directory.path + "/root"
        for user in ["anna", "ben"] {
            try directory.config("root/Users/\(user)/AppData/Roaming/DatevConnector/user.config", ["StarfaceHost": "127.0.0.1", "XmppPort": "\(xmpp.port)", "SslPort": "\(closedPort)"])
        }
        let carla = try directory.config("carla.config", ["StarfaceHost": "pbx.kanzlei.local", "XmppPort": "\(silent.port)", "SslPort": "\(closedPort)"])
        let network = LoopbackOnlyNetwork(names: ["pbx.kanzlei.local": .addresses([IPAddress("127.0.0.1")!])])
        let outcome = await PBXPortsCheck(network: network).run(in: directory.context(configs: [carla], root: root, timeout: 300))
        #expect(network.refusedRequests.isEmpty)
        // carla's name resolves to the same address, but is another host: probed on its own ports.
        #expect(network.probes.sorted() == ["127.0.0.1 \(closedPort)", "127.0.0.1 \(closedPort)", "127.0.0.1 \(silent.port)", "127.0.0.1 \(xmpp.port)"].sorted())
        // In config order: --config files first, then the users below --root; XMPP before SSL.
        #expect(outcome.findings.map(\.code) == ["pbx.port-silent", "pbx.port-refused", "pbx.port-open", "pbx.port-refused"])
        let open = try #require(outcome.findings.first { $0.code == "pbx.port-open" })
        #expect(open.severity == .info)
        #expect(open.message.en == "127.0.0.1:\(xmpp.port) answers as XMPP (user anna, user ben)")
        let silentFinding = try #require(outcome.findings.first { $0.code == "pbx.port-silent" })
        #expect(silentFinding.message.en.hasPrefix("pbx.kanzlei.local:\(silent.port) (127.0.0.1) accepts connections"))
        #expect(outcome.findings.filter { $0.code == "pbx.port-refused" }.allSatisfy { $0.message.en.contains("SslPort \(closedPort)") && $0.fix != nil })
    }

    @Test func namesThatDoNotResolveOrResolveToAPublicAddressAreFindingsAndNothingOutsideLoopbackIsProbed() async throws {
        let directory = try PBXTestDirectory()
        let configs = try [
            ("a", "nowhere.invalid"), ("b", "slow.kanzlei.local"), ("c", "broken.kanzlei.local"), ("d", "starface.kanzlei.de"), ("e", "203.0.113.7"),
            ("f", "blocked.kanzlei.local"), ("g", "0.0.0.0"),
        ].map { try directory.config("\($0.0).config", ["StarfaceHost": $0.1]) }
        let network = LoopbackOnlyNetwork(names: [
            "nowhere.invalid": .notFound("Name or service not known"), "slow.kanzlei.local": .timedOut,
            "broken.kanzlei.local": .failed("Temporary failure in name resolution"), "starface.kanzlei.de": .addresses([IPAddress("198.51.100.20")!]),
            "blocked.kanzlei.local": .addresses([IPAddress("0.0.0.0")!, IPAddress("::")!]),
        ])
        let outcome = await PBXPortsCheck(network: network).run(in: directory.context(configs: configs))
        let codes = outcome.findings.map(\.code)
        #expect(codes == [
            "pbx.name-unresolved", "pbx.name-resolution-timeout", "pbx.name-resolution-failed",
            "pbx.name-public-address", "pbx.port-unreachable", "pbx.port-unreachable", "pbx.port-unreachable", "pbx.port-unreachable", "pbx.name-not-usable",
        ])
        // 0.0.0.0 (which would reach this computer) is never probed: pbx.address names it.
        #expect(outcome.findings[8].message.en == "blocked.kanzlei.local (\(configs[5])) resolves only to 0.0.0.0, ::, where no PBX can be reached")
        #expect(outcome.findings[0].message.en == "nowhere.invalid (\(configs[0])) does not resolve: Name or service not known")
        #expect(outcome.findings[3].message.de.contains("öffentlichen Adresse 198.51.100.20"))
        // The public addresses went to the test network, which refused them: no packet left loopback.
        #expect(network.refusedRequests.sorted() == ["probe 198.51.100.20 443", "probe 198.51.100.20 5222", "probe 203.0.113.7 443", "probe 203.0.113.7 5222"])
        #expect(network.probes.isEmpty)
    }

    @Test func offlineTheProbesDoNotRunAndSayWhy() async throws {
        let directory = try PBXTestDirectory()
        let config = try directory.config("a.config", ["StarfaceHost": "192.168.10.5"])
        let network = LoopbackOnlyNetwork()
        let outcome = await PBXPortsCheck(network: network).run(in: directory.context(configs: [config], timeout: nil))
        #expect(outcome.kind == .notRun(because: LocalizedText(en: "--offline: no network", de: "--offline: kein Netzwerk")))
        #expect(network.refusedRequests.isEmpty && network.probes.isEmpty)
        let none = await PBXPortsCheck(network: network).run(in: directory.context())
        guard case .notRun(let reason) = none.kind else { Issue.record("ran without configs"); return }
        #expect(reason.en.contains("--config FILE or --root DIR"))
    }

    @Test func aBlockingCallIsAbandonedAtItsDeadline() async {
        let (abandoned, elapsed) = await OwnThread.run {
            let started = ContinuousClock.now
            let result: Int? = OwnThread.result(until: started.advanced(by: .milliseconds(100))) {
                usleep(1_000_000)
                return 1
            }
            return (result, ContinuousClock.now - started)
        }
        #expect(abandoned == nil)
        #expect(elapsed >= .milliseconds(100) && elapsed < .milliseconds(100) + Self.margin, "\(elapsed)")
        #expect(OwnThread.result(until: .now.advanced(by: .seconds(5))) { 7 } == 7)
    }

    @Test func theSystemResolverReadsAddressLiteralsWithoutAskingAnyone() {
        #expect(SystemNetwork.lookUp("127.0.0.1") == .addresses([IPAddress("127.0.0.1")!]))
        #expect(SystemNetwork.lookUp("::1") == .addresses([IPAddress("::1")!]))
    }

    @Test func theTLSHelloIsAWellFormedRecord() {
        let hello = TLSClientHello.bytes
        #expect(hello[0] == 0x16 && hello[1] == 0x03)
        #expect(Int(hello[3]) << 8 | Int(hello[4]) == hello.count - 5)
        #expect(hello[5] == 0x01)
        #expect(Int(hello[6]) << 16 | Int(hello[7]) << 8 | Int(hello[8]) == hello.count - 9)
    }

    /// Sockets of this machine in SYN-SENT towards a loopback port (Linux: /proc/net/tcp).
    private func pendingConnects(to port: UInt16) throws -> Int {
        // Read with POSIX calls: the file reports size 0, which Foundation's readers trip over.
        let descriptor = open("/proc/net/tcp", O_RDONLY)
        guard descriptor >= 0 else { throw POSIXError(.ENOENT) }
        defer { close(descriptor) }
        var bytes: [UInt8] = []
        var chunk = [UInt8](repeating: 0, count: 65_536)
        while true {
            let count = chunk.withUnsafeMutableBytes { read(descriptor, $0.baseAddress, $0.count) }
            guard count > 0 else { break }
            bytes += chunk[..<count]
        }
        let table = String(decoding: bytes, as: UTF8.self)
        let remote = ":" + String(format: "%04X", port)
        return table.split(separator: "\n").dropFirst().filter { line in
            let columns = line.split(separator: " ")
            return columns.count > 3 && columns[2].hasSuffix(remote) && columns[3] == "02"
        }.count
    }
}
