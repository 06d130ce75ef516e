import CTICore
import Licensing
import Signing
import StartupCheck

/// `license.valid`: the license as the client's startup check sees it, with a safe fix for a
/// license that verifies but was pasted with text around it (trimmed to its armored form).
struct LicenseValidCheck: DiagnosticCheck {
    let shared: SharedStartup
    let name = "license.valid"
    let group = CheckGroup.license
    var title: LocalizedText { LocalizedText(en: "License valid for this product and PBX", de: "Lizenz gültig für dieses Produkt und diese TK-Anlage") }

    /// The inputs the license part stands on.
    static let documents: Set<String> = ["license", "keyring", "endorsement", "revocations", "state"]

    func run(in context: DoctorContext) async -> CheckOutcome {
        guard context.startup.names("license") else {
            return .notRun(en: "no license given (--license)", de: "keine Lizenz angegeben (--license)")
        }
        switch await shared.result(in: context) {
        case .failure(let failure):
            return .notRun(en: "the inputs could not be read: \(failure.message)", de: "die Eingaben waren nicht lesbar: \(failure.message)")
        case .success(let (inputs, verdict)):
            let findings = verdict.report.findings.filter { $0.part == .license || ($0.part == .input && Self.documents.contains($0.document ?? "")) }
            var fixes: [ProposedFix] = []
            if !findings.contains(where: { $0.finding.severity == .error }), let license = inputs.request.license, let path = context.startup.members["license"]?.path,
               let fix = Self.trimming(license.bytes, at: path) {
                fixes.append(fix)
            }
            return CheckOutcome(findings: findings.map(\.finding), fixes: fixes)
        }
    }

    /// A license file that verifies but is not in its armored form (e-mail text around it,
    /// re-wrapped, indented): rewriting it in that form changes no signed byte.
    static func trimming(_ bytes: [UInt8], at path: String) -> ProposedFix? {
        guard let armored = try? LicenseFormat.armor.read(bytes) else { return nil }
        let canonical = LicenseFormat.armor.writeBytes(armored)
        guard canonical != bytes else { return nil }
        return ProposedFix(
            description: LocalizedText(en: "rewrite \(path) in its armored form (the text around the license removed; the signed part unchanged)",
                                       de: "\(path) in der Normalform speichern (Text um die Lizenz entfernt; der signierte Teil unverändert)"),
            safe: true) {
            try SafeFile.write(canonical, to: path, mode: 0o644, backup: true)
            return LocalizedText(en: "\(path): rewritten in its armored form (the original kept as \(path).bak)",
                                 de: "\(path): in der Normalform gespeichert (das Original liegt in \(path).bak)")
        }
    }
}

/// `compatibility.supported`: the installed client with the PBX (and DATEV) version.
struct CompatibilitySupportedCheck: DiagnosticCheck {
    let shared: SharedStartup
    let name = "compatibility.supported"
    let group = CheckGroup.compatibility
    var title: LocalizedText { LocalizedText(en: "Client release supported with this PBX", de: "Client-Version mit dieser TK-Anlage unterstützt") }

    func run(in context: DoctorContext) async -> CheckOutcome {
        guard context.startup.names("clientVersion"), context.startup.names("pbxVersion") else {
            return .notRun(en: "needs --client-version and --pbx-version", de: "braucht --client-version und --pbx-version")
        }
        guard context.startup.names("catalog") else {
            return .notRun(en: "needs the signed release catalog (--catalog)", de: "braucht den signierten Versionskatalog (--catalog)")
        }
        switch await shared.result(in: context) {
        case .failure(let failure):
            return .notRun(en: "the inputs could not be read: \(failure.message)", de: "die Eingaben waren nicht lesbar: \(failure.message)")
        case .success(let (_, verdict)):
            let findings = verdict.report.findings.filter { $0.part == .compatibility || ($0.part == .input && $0.document == "catalog") }
            return CheckOutcome(findings: findings.map(\.finding))
        }
    }
}
