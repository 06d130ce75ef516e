import CTICore
import ClientConfig
import Foundation
import Testing
@testable import Diagnostics

@Suite struct PBXAddressTests {
    @Test(arguments: [
        ("10.1.2.3", AddressKind.privateLAN), ("172.16.0.1", .privateLAN), ("172.31.255.255", .privateLAN), ("172.32.0.1", .publicInternet),
        ("192.168.10.5", .privateLAN), ("192.169.0.1", .publicInternet), ("100.64.0.1", .sharedCGNAT), ("100.127.255.254", .sharedCGNAT),
        ("100.128.0.1", .publicInternet), ("127.0.0.1", .loopback), ("127.255.0.9", .loopback), ("169.254.12.1", .linkLocal),
        ("0.0.0.0", .unspecified), ("224.0.0.251", .multicast), ("255.255.255.255", .reserved), ("240.0.0.1", .reserved),
        ("8.8.8.8", .publicInternet), ("203.0.113.7", .publicInternet), ("::1", .loopback), ("::", .unspecified),
        ("fe80::1", .linkLocal), ("[fe80::1]", .linkLocal), ("fd12:3456::1", .privateLAN), ("fc00::1", .privateLAN),
        ("ff02::1", .multicast), ("2001:4860:4860::8888", .publicInternet), ("::ffff:192.168.1.5", .privateLAN), ("::ffff:8.8.8.8", .publicInternet),
    ])
    func addressKinds(text: String, kind: AddressKind) throws {
        #expect(try #require(IPAddress(text)).kind == kind)
    }

    @Test func namesAndMalformedNumbersAreNoAddresses() {
        for text in ["starface.kanzlei.local", "192.168.1", "192.168.01.1", "256.1.1.1", "1.2.3.4.5", "", "fe80::1::2", "[::1"] {
            #expect(IPAddress(text) == nil, "\(text)")
        }
        #expect(IPAddress("2001:db8::1")?.description == "2001:db8::1")
        #expect(IPAddress("192.168.10.5")?.description == "192.168.10.5")
    }

    @Test func theHostTextIsTakenApart() {
        let cases: [(String, String?, String?, String)] = [
            ("http://192.168.10.5", "http", nil, "192.168.10.5"), ("HTTPS://starface.local:8443/login", "https", "8443", "starface.local"),
            (" 192.168.10.5 ", nil, nil, "192.168.10.5"), ("192.168.10.5:5222", nil, "5222", "192.168.10.5"), ("[fe80::1]:5222", nil, "5222", "fe80::1"),
            ("fe80::1", nil, nil, "fe80::1"), ("starface.local/", nil, nil, "starface.local"), ("", nil, nil, ""),
        ]
        for (typed, scheme, port, host) in cases {
            let text = HostText(typed)
            #expect(text.scheme == scheme && text.port == port && text.host == host, "\(typed)")
        }
    }

    @Test func eachKindOfWrongAddressIsItsOwnFindingNamingTheUsers() async throws {
        let directory = try PBXTestDirectory()
        let root = directory.path + "/root"
        let hosts = [
            ("anna", "http://192.168.10.5"), ("ben", "203.0.113.7"), ("carla", "203.0.113.7"), ("dora", "100.64.1.1"), ("emil", "169.254.3.3"),
            ("fritz", "127.0.0.1"), ("gina", "0.0.0.0"), ("hans", ""), ("ida", "192.168.10.5:5222"), ("jan", "192.168.10.5"), ("karl", "starface.kanzlei.local"),
        ]
        for (user, host) in hosts {
            try directory.config("root/Users/\(user)/AppData/Roaming/DatevConnector/user.config", ["StarfaceHost": host])
        }
        let badPort = try directory.config("lena.config", ["StarfaceHost": "192.168.10.5", "XmppPort": "52z2"])
        let outcome = await PBXAddressCheck().run(in: directory.context(configs: [badPort], root: root, timeout: nil))
        #expect(outcome.findings.map(\.code) == [
            "pbx.host-scheme", "pbx.host-public-address", "pbx.host-cgnat-address", "pbx.host-link-local", "pbx.host-loopback",
            "pbx.host-not-usable", "pbx.host-empty", "pbx.host-port", "pbx.port-invalid",
        ])
        let byCode = Dictionary(uniqueKeysWithValues: outcome.findings.map { ($0.code, $0) })
        #expect(byCode["pbx.host-scheme"]?.message.en == "The PBX address \"http://192.168.10.5\" (user anna) starts with http://; only the address belongs there: 192.168.10.5")
        #expect(byCode["pbx.host-scheme"]?.severity == .error)
        #expect(byCode["pbx.host-public-address"]?.message.en.contains("(user ben, user carla): calls then reach DATEV only sometimes") == true)
        #expect(byCode["pbx.host-public-address"]?.severity == .warning)
        #expect(byCode["pbx.host-public-address"]?.fix?.de.contains("interne IP-Adresse") == true)
        #expect(byCode["pbx.port-invalid"]?.message.en == "\(badPort): XmppPort \"52z2\" is not a port (1–65535); the client cannot connect")
        #expect(outcome.findings.allSatisfy { $0.fix != nil && !$0.message.de.isEmpty })
    }

    @Test func withoutConfigsTheCheckSaysWhatToGiveAndAnUnreadableConfigIsNamed() async throws {
        let directory = try PBXTestDirectory()
        let none = await PBXAddressCheck().run(in: directory.context())
        guard case .notRun(let reason) = none.kind else { Issue.record("ran without configs"); return }
        #expect(reason.en.contains("--config FILE or --root DIR"))
        let broken = directory.path + "/broken.config"
        try "<configuration><userSettings>".write(toFile: broken, atomically: true, encoding: .utf8)
        let outcome = await PBXAddressCheck().run(in: directory.context(configs: [broken]))
        #expect(outcome.findings.map(\.code) == ["pbx.config-unreadable"])
        #expect(outcome.findings[0].message.en.hasPrefix("\(broken): not read"))
    }

    @Test func theLANAddressAndAPlainNameAreFine() async throws {
        let directory = try PBXTestDirectory()
        let configs = try [directory.config("a.config", ["StarfaceHost": "192.168.10.5"]), directory.config("b.config", ["StarfaceHost": "starface", "XmppPort": "", "SslPort": "8443"])]
        let outcome = await PBXAddressCheck().run(in: directory.context(configs: configs))
        #expect(outcome.findings.isEmpty)
    }
}
