import CTICore
import ClientConfig

/// `pbx.address`: what the PBX address in each client config says by its text alone (no
/// network): a scheme typed into it, a port typed into it, and an IP address that is not the
/// PBX's LAN address. Each distinct address is judged once and names the configs that use it.
public struct PBXAddressCheck: DiagnosticCheck {
    public let name = "pbx.address"
    public let group = CheckGroup.pbx
    public var title: LocalizedText { LocalizedText(en: "PBX address in the client configs", de: "Adresse der TK-Anlage in den Client-Konfigurationen") }

    public init() {}

    public func run(in context: DoctorContext) async -> CheckOutcome {
        let (configs, problems) = ConfiguredPBX.all(in: context)
        guard !configs.isEmpty || !problems.isEmpty else { return PBXChecks.noConfigs }
        var findings = problems
        var owners: [String: [String]] = [:]
        var order: [String] = []
        for config in configs {
            if owners[config.host] == nil { order.append(config.host) }
            owners[config.host, default: []].append(config.owner)
        }
        for typed in order {
            findings += Self.findings(for: HostText(typed), usedBy: ConfiguredPBX.ownerList(owners[typed] ?? []))
        }
        for config in configs {
            for (setting, value) in [("XmppPort", config.xmppPort), ("SslPort", config.sslPort)] where ConfiguredPBX.portNumber(value) == nil {
                findings.append(.error(
                    "pbx.port-invalid", en: "\(config.owner): \(setting) \"\(value)\" is not a port (1–65535); the client cannot connect",
                    de: "\(config.owner): \(setting) \"\(value)\" ist kein Port (1–65535); der Client kann keine Verbindung aufbauen",
                    fixEN: "Enter \(setting == "XmppPort" ? ConfiguredPBX.defaultXmppPort : ConfiguredPBX.defaultSslPort) unless a firewall forwards another port.",
                    fixDE: "\(setting == "XmppPort" ? ConfiguredPBX.defaultXmppPort : ConfiguredPBX.defaultSslPort) eintragen, außer eine Firewall leitet einen anderen Port weiter."))
            }
        }
        return CheckOutcome(findings: findings)
    }

    /// What one typed address says; `users` names the configs holding it.
    static func findings(for text: HostText, usedBy users: String) -> [Finding] {
        guard !text.host.isEmpty else {
            return [.error(
                "pbx.host-empty", en: "No PBX address is set (\(users)): the client cannot connect",
                de: "Keine Adresse der TK-Anlage eingetragen (\(users)): der Client kann keine Verbindung aufbauen",
                fixEN: "Enter the PBX's internal IP address or host name under the client's connection settings.",
                fixDE: "Im Client unter Verbindungseinstellungen die interne IP-Adresse bzw. den Hostnamen der STARFACE eintragen.")]
        }
        var findings: [Finding] = []
        if let scheme = text.scheme {
            findings.append(.error(
                "pbx.host-scheme", en: "The PBX address \"\(text.typed)\" (\(users)) starts with \(scheme)://; only the address belongs there: \(text.host)",
                de: "Die Adresse der TK-Anlage \"\(text.typed)\" (\(users)) beginnt mit \(scheme)://; dort gehört nur die Adresse hin: \(text.host)",
                fixEN: "Enter \(text.host) without \(scheme)://.", fixDE: "\(text.host) ohne \(scheme):// eintragen."))
        }
        if let port = text.port {
            findings.append(.warning(
                "pbx.host-port", en: "The PBX address \"\(text.typed)\" (\(users)) holds the port \(port); the client takes its ports from XmppPort and SslPort",
                de: "Die Adresse der TK-Anlage \"\(text.typed)\" (\(users)) enthält den Port \(port); der Client nimmt die Ports aus XmppPort und SslPort",
                fixEN: "Enter \(text.host) alone and set the ports in their own fields.", fixDE: "Nur \(text.host) eintragen und die Ports in ihren eigenen Feldern setzen."))
        }
        if let address = text.address, let finding = Self.finding(for: address, typed: text.typed, users: users) { findings.append(finding) }
        return findings
    }

    /// The finding for an address that is not a LAN address; nil for a LAN address.
    static func finding(for address: IPAddress, typed: String, users: String) -> Finding? {
        let lanFixEN = "Enter the PBX's internal LAN address (what you type into the browser for the STARFACE web interface inside the office)."
        let lanFixDE = "Die interne IP-Adresse der STARFACE im LAN eintragen (das, was man im Büro im Browser für die STARFACE-Oberfläche eingibt)."
        switch address.kind {
        case .privateLAN:
            return nil
        case .publicInternet:
            return .warning(
                "pbx.host-public-address", en: "The PBX is addressed by the public IP address \(address) (\(users)): calls then reach DATEV only sometimes (FAQ)",
                de: "Die STARFACE ist über die öffentliche IP-Adresse \(address) eingetragen (\(users)): dann werden Anrufe nur manchmal in die DATEV übertragen (FAQ)",
                fixEN: lanFixEN, fixDE: lanFixDE)
        case .loopback:
            return .warning(
                "pbx.host-loopback", en: "The PBX address \(address) (\(users)) is this computer itself, not the PBX",
                de: "Die Adresse \(address) (\(users)) ist dieser Computer selbst, nicht die TK-Anlage", fixEN: lanFixEN, fixDE: lanFixDE)
        case .linkLocal:
            return .warning(
                "pbx.host-link-local", en: "The PBX address \(address) (\(users)) is a link-local address, which a device gives itself when DHCP fails; it changes",
                de: "Die Adresse \(address) (\(users)) ist link-lokal: ein Gerät gibt sie sich selbst, wenn DHCP fehlschlägt; sie wechselt", fixEN: lanFixEN, fixDE: lanFixDE)
        case .sharedCGNAT:
            return .warning(
                "pbx.host-cgnat-address", en: "The PBX address \(address) (\(users)) lies in the provider's carrier-grade NAT block 100.64.0.0/10, not in the LAN",
                de: "Die Adresse \(address) (\(users)) liegt im Carrier-Grade-NAT-Bereich 100.64.0.0/10 des Providers, nicht im LAN", fixEN: lanFixEN, fixDE: lanFixDE)
        case .unspecified, .multicast, .reserved:
            return .error(
                "pbx.host-not-usable", en: "The PBX address \"\(typed)\" (\(users)) is a \(address.kind.rawValue) address; no PBX can be reached there",
                de: "Die Adresse \"\(typed)\" (\(users)) ist eine \(address.kind.rawValue)-Adresse; dort ist keine TK-Anlage erreichbar", fixEN: lanFixEN, fixDE: lanFixDE)
        }
    }
}

/// What the PBX checks share.
enum PBXChecks {
    static let noConfigs = CheckOutcome.notRun(
        en: "no client config to read the PBX address from: give --config FILE or --root DIR",
        de: "keine Client-Konfiguration, aus der die Adresse der TK-Anlage gelesen werden kann: --config DATEI oder --root ORDNER angeben")
}
