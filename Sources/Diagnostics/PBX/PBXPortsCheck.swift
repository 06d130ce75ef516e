import CTICore
import ClientConfig

/// `pbx.ports`: whether the PBX of each client config can be reached: its name resolves (to
/// a LAN address), and its XMPP and SSL ports accept a connection and answer as XMPP and TLS.
/// Every distinct host and port is probed once, all at once, within one probe timeout.
public struct PBXPortsCheck: DiagnosticCheck {
    public let name = "pbx.ports"
    public let group = CheckGroup.pbx
    public var title: LocalizedText { LocalizedText(en: "PBX reachable (XMPP and SSL ports)", de: "TK-Anlage erreichbar (XMPP- und SSL-Port)") }
    let network: any PBXNetwork

    public init(network: any PBXNetwork = SystemNetwork()) {
        self.network = network
    }

    public func run(in context: DoctorContext) async -> CheckOutcome {
        guard let timeout = context.probeTimeoutMilliseconds else {
            return .notRun(en: "--offline: no network", de: "--offline: kein Netzwerk")
        }
        let configs = ConfiguredPBX.all(in: context).configs
        guard !configs.isEmpty else { return PBXChecks.noConfigs }
        let targets = ProbeTarget.targets(of: configs)
        guard !targets.isEmpty else {
            return .notRun(en: "no config names a PBX address (see pbx.address)", de: "keine Konfiguration nennt eine Adresse der TK-Anlage (siehe pbx.address)")
        }
        let network = self.network
        // One thread coordinates, every host and every probe has its own: from here on nothing
        // waits for the cooperative pool, and the deadline is taken where the probing starts.
        let findings = await OwnThread.run {
            let deadline = ContinuousClock.now.advanced(by: .milliseconds(max(0, timeout)))
            return OwnThread.all(targets.map { target in { target.probe(through: network, deadline: deadline) } }).flatMap { $0 }
        }
        return CheckOutcome(findings: findings)
    }
}

/// One distinct PBX host, the ports configured for it, and who uses it.
struct ProbeTarget: Sendable {
    struct Port: Sendable, Equatable {
        let number: UInt16
        let service: ServiceProtocol
        let setting: String
    }

    let host: String
    let owners: [String]
    let ports: [Port]

    /// One target per host (names compared in any case), in config order; each port once.
    static func targets(of configs: [ConfiguredPBX]) -> [ProbeTarget] {
        var targets: [ProbeTarget] = []
        for config in configs {
            let host = HostText(config.host).host
            guard !host.isEmpty else { continue }
            let ports = [(config.xmppPort, ServiceProtocol.xmpp, "XmppPort"), (config.sslPort, .tls, "SslPort")].compactMap { text, service, setting in
                ConfiguredPBX.portNumber(text).map { Port(number: $0, service: service, setting: setting) }
            }
            if let index = targets.firstIndex(where: { $0.host.lowercased() == host.lowercased() }) {
                let known = targets[index]
                targets[index] = ProbeTarget(host: known.host, owners: known.owners + [config.owner], ports: known.ports + ports.filter { !known.ports.contains($0) })
            } else {
                targets.append(ProbeTarget(host: host, owners: [config.owner], ports: ports))
            }
        }
        return targets
    }

    /// Resolves the host and probes each port at each address, all at once; blocks until done
    /// (by the deadline).
    func probe(through network: any PBXNetwork, deadline: ContinuousClock.Instant) -> [Finding] {
        let users = ConfiguredPBX.ownerList(owners)
        let (resolved, lookupFindings) = addresses(through: network, deadline: deadline, users: users)
        guard let addresses = resolved else { return lookupFindings }
        var findings = lookupFindings
        // 0.0.0.0 would reach this computer, a multicast address nothing: pbx.address names
        // such a literal; a name resolving only to them (a DNS filter's 0.0.0.0) is named here.
        let usable = addresses.filter { ![.unspecified, .multicast, .reserved].contains($0.kind) }
        guard !usable.isEmpty else {
            if IPAddress(host) != nil { return findings }
            return findings + [.error(
                "pbx.name-not-usable", en: "\(host) (\(users)) resolves only to \(addresses.map(\.description).joined(separator: ", ")), where no PBX can be reached",
                de: "\(host) (\(users)) wird nur zu \(addresses.map(\.description).joined(separator: ", ")) aufgelöst; dort ist keine TK-Anlage erreichbar",
                fixEN: "Check the office DNS (a filter may block the name), or enter the PBX's internal IP address.",
                fixDE: "Das DNS des Büros prüfen (ein Filter kann den Namen sperren) oder die interne IP-Adresse der STARFACE eintragen.")]
        }
        let probes = ports.flatMap { port in usable.map { address in (port, address) } }
        let outcomes = OwnThread.all(probes.map { port, address in
            { network.probe(address, port: port.number, speaking: port.service, host: host, deadline: deadline) }
        })
        // Per port, the best outcome over its addresses.
        var best = [(IPAddress, PortOutcome)?](repeating: nil, count: ports.count)
        for ((port, address), outcome) in zip(probes, outcomes) {
            guard let index = ports.firstIndex(of: port) else { continue }
            if best[index].map({ outcome.rank < $0.1.rank }) ?? true { best[index] = (address, outcome) }
        }
        for (port, result) in zip(ports, best) {
            guard let (address, outcome) = result else { continue }
            findings.append(Self.finding(outcome, host: host, address: address, port: port, users: users))
        }
        return findings
    }

    /// The host's addresses (itself for an address), with what the lookup found; nil
    /// addresses when the name did not resolve.
    private func addresses(through network: any PBXNetwork, deadline: ContinuousClock.Instant, users: String) -> ([IPAddress]?, [Finding]) {
        if let literal = IPAddress(host) { return ([literal], []) }
        switch network.resolve(host, deadline: deadline) {
        case .addresses(let found):
            guard let outside = found.first(where: { $0.kind == .publicInternet }) else { return (found, []) }
            return (found, [.warning(
                "pbx.name-public-address", en: "\(host) (\(users)) resolves to the public address \(outside): calls then reach DATEV only sometimes (FAQ)",
                de: "\(host) (\(users)) wird zur öffentlichen Adresse \(outside) aufgelöst: dann werden Anrufe nur manchmal in die DATEV übertragen (FAQ)",
                fixEN: "Enter the PBX's internal LAN address, or have the office DNS resolve \(host) to it.",
                fixDE: "Die interne IP-Adresse der STARFACE eintragen oder \(host) im DNS des Büros darauf auflösen lassen.")])
        case .notFound(let words):
            return (nil, [.error(
                "pbx.name-unresolved", en: "\(host) (\(users)) does not resolve: \(words)", de: "\(host) (\(users)) lässt sich nicht auflösen: \(words)",
                fixEN: "Check the spelling, or enter the PBX's internal IP address.", fixDE: "Die Schreibweise prüfen oder die interne IP-Adresse der STARFACE eintragen.")])
        case .timedOut:
            return (nil, [.error(
                "pbx.name-resolution-timeout", en: "\(host) (\(users)): no answer from name resolution within the probe timeout",
                de: "\(host) (\(users)): keine Antwort der Namensauflösung innerhalb der Wartezeit",
                fixEN: "Check this computer's DNS server, or enter the PBX's internal IP address.",
                fixDE: "Den DNS-Server dieses Computers prüfen oder die interne IP-Adresse der STARFACE eintragen.")])
        case .failed(let words):
            return (nil, [.error(
                "pbx.name-resolution-failed", en: "\(host) (\(users)): name resolution failed: \(words)", de: "\(host) (\(users)): Namensauflösung fehlgeschlagen: \(words)",
                fixEN: "Check this computer's network and DNS settings.", fixDE: "Netzwerk- und DNS-Einstellungen dieses Computers prüfen.")])
        }
    }

    static func finding(_ outcome: PortOutcome, host: String, address: IPAddress, port: Port, users: String) -> Finding {
        let place = host == address.description ? "\(host):\(port.number)" : "\(host):\(port.number) (\(address))"
        let service = port.service.rawValue
        let firewallEN = "Check that the PBX is on and that no firewall between this computer and the PBX blocks TCP port \(port.number) (\(port.setting))."
        let firewallDE = "Prüfen, dass die STARFACE läuft und keine Firewall zwischen diesem Computer und der STARFACE den TCP-Port \(port.number) (\(port.setting)) sperrt."
        switch outcome {
        case .answered:
            return .info("pbx.port-open", en: "\(place) answers as \(service) (\(users))", de: "\(place) antwortet als \(service) (\(users))")
        case .otherProtocol(let preview):
            return .warning(
                "pbx.port-other-service", en: "\(place) accepts connections but does not answer as \(service) (it answered \"\(preview)\"); another service listens there",
                de: "\(place) nimmt Verbindungen an, antwortet aber nicht als \(service) (Antwort \"\(preview)\"); dort läuft ein anderer Dienst",
                fixEN: "Check \(port.setting) and any port forwarding: it must lead to the PBX's \(service) port.",
                fixDE: "\(port.setting) und eine Port-Weiterleitung prüfen: sie muss zum \(service)-Port der STARFACE führen.")
        case .silent:
            return .warning(
                "pbx.port-silent", en: "\(place) accepts connections but gives no \(service) answer within the probe timeout",
                de: "\(place) nimmt Verbindungen an, gibt aber innerhalb der Wartezeit keine \(service)-Antwort",
                fixEN: "Check that the port leads to the PBX (a port forwarding or proxy may end elsewhere).",
                fixDE: "Prüfen, dass der Port zur STARFACE führt (eine Port-Weiterleitung oder ein Proxy kann woanders enden).")
        case .closed:
            return .warning(
                "pbx.port-closed-early", en: "\(place) accepts connections and closes them without a \(service) answer",
                de: "\(place) nimmt Verbindungen an und schließt sie ohne \(service)-Antwort",
                fixEN: "Check that the port leads to the PBX and that the PBX allows this computer.",
                fixDE: "Prüfen, dass der Port zur STARFACE führt und die STARFACE diesen Computer zulässt.")
        case .refused:
            return .error(
                "pbx.port-refused", en: "\(place) refuses connections: nothing listens on \(port.setting) \(port.number) (\(users))",
                de: "\(place) lehnt Verbindungen ab: auf \(port.setting) \(port.number) lauscht nichts (\(users))",
                fixEN: "Check \(port.setting) (usually \(port.service == .xmpp ? ConfiguredPBX.defaultXmppPort : ConfiguredPBX.defaultSslPort)) and that the address is the PBX's.",
                fixDE: "\(port.setting) prüfen (meist \(port.service == .xmpp ? ConfiguredPBX.defaultXmppPort : ConfiguredPBX.defaultSslPort)) und ob die Adresse die der STARFACE ist.")
        case .timedOut:
            return .error(
                "pbx.port-timeout", en: "\(place): no answer to the connection within the probe timeout (\(users))",
                de: "\(place): keine Antwort auf den Verbindungsaufbau innerhalb der Wartezeit (\(users))", fixEN: firewallEN, fixDE: firewallDE)
        case .unreachable(let words):
            return .error(
                "pbx.port-unreachable", en: "\(place) cannot be reached: \(words) (\(users))", de: "\(place) ist nicht erreichbar: \(words) (\(users))",
                fixEN: firewallEN, fixDE: firewallDE)
        }
    }
}

extension PortOutcome {
    /// Lower is better: with several addresses of one name, the best outcome is reported.
    var rank: Int {
        switch self {
        case .answered: return 0
        case .otherProtocol: return 1
        case .silent: return 2
        case .closed: return 3
        case .refused: return 4
        case .unreachable: return 5
        case .timedOut: return 6
        }
    }
}
