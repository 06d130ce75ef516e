import CTICore

/// The doctor report as one self-contained HTML page that support opens in any browser:
/// inline CSS only, no script, no external resource (no font, image or link to load), every
/// text escaped. Each check shows its mark (✓ ok, ! warning, ✗ failed, – not run), its
/// findings with cause and fix, and the fixes proposed or applied.
public struct HTMLReport {
    public let report: DoctorReport
    public let german: Bool
    /// Applied to every text of the report before it is escaped (the bundle's redaction).
    public let transform: (String) -> String

    public init(report: DoctorReport, german: Bool = false, transform: @escaping (String) -> String = { $0 }) {
        self.report = report
        self.german = german
        self.transform = transform
    }

    public static func mark(_ status: CheckResult.Status) -> String {
        switch status {
        case .ok: return "✓"
        case .warning: return "!"
        case .failed: return "✗"
        case .notRun: return "–"
        }
    }

    private func say(_ text: LocalizedText) -> String { german ? text.de : text.en }
    private func say(en: String, de: String) -> String { german ? de : en }
    /// Redacted, then escaped: what goes between tags and into attributes. Check names and
    /// finding codes are the program's own words: escaped only.
    private func text(_ value: String) -> String { Self.escape(transform(value)) }
    private func text(_ value: LocalizedText) -> String { text(say(value)) }

    private func statusName(_ status: CheckResult.Status) -> String {
        switch status {
        case .ok: return say(en: "ok", de: "in Ordnung")
        case .warning: return say(en: "warning", de: "Warnung")
        case .failed: return say(en: "failed", de: "fehlgeschlagen")
        case .notRun: return say(en: "not run", de: "nicht ausgeführt")
        }
    }

    public func render() -> String {
        var html = """
            <!DOCTYPE html>
            <html lang="\(german ? "de" : "en")">
            <head>
            <meta charset="utf-8">
            <meta name="viewport" content="width=device-width, initial-scale=1">
            <title>ctictl doctor – \(text(report.product))</title>
            <style>\(Self.style)</style>
            </head>
            <body>
            <header>
            <h1>ctictl doctor</h1>
            <p class="meta">\(say(en: "Product", de: "Produkt")): <strong>\(text(report.product))</strong> · \(say(en: "checked at", de: "geprüft am")) <time>\(UTCTimestamp.format(report.checkedAt))</time></p>
            <p class="summary" id="summary">\(summary())</p>
            </header>
            <main>

            """
        for group in CheckGroup.allCases {
            let results = report.results.filter { $0.group == group }
            guard !results.isEmpty else { continue }
            html += "<section class=\"group\" id=\"group-\(group.rawValue)\">\n<h2>\(text(group.title))</h2>\n"
            for result in results { html += check(result) }
            html += "</section>\n"
        }
        html += """
            </main>
            <footer><p>\(say(
                en: "Made by ctictl doctor. Host names, addresses, user names and phone numbers are pseudonyms (host-N, ip-N, user-N, phone-N); secrets are removed.",
                de: "Erstellt von ctictl doctor. Hostnamen, Adressen, Benutzernamen und Telefonnummern sind Pseudonyme (host-N, ip-N, user-N, phone-N); Geheimnisse sind entfernt."))</p></footer>
            </body>
            </html>

            """
        return html
    }

    private func summary() -> String {
        let summary = report.summary
        let counts: [(CheckResult.Status, Int)] = [(.ok, summary.ok), (.warning, summary.warning), (.failed, summary.failed), (.notRun, summary.notRun)]
        return counts.compactMap { status, count in
            count == 0 ? nil : "<span class=\"count status-\(status.rawValue)\">\(Self.mark(status)) \(count) \(statusName(status))</span>"
        }.joined(separator: " ")
    }

    private func check(_ result: CheckResult) -> String {
        var html = """
            <article class="check status-\(result.status.rawValue)" id="check-\(Self.escape(result.name))" data-status="\(result.status.rawValue)">
            <h3><span class="mark" title="\(statusName(result.status))">\(Self.mark(result.status))</span> <span class="title">\(text(result.title))</span> <code class="name">\(Self.escape(result.name))</code> <span class="status">\(statusName(result.status))</span></h3>

            """
        if let reason = result.reason {
            html += "<p class=\"reason\">\(say(en: "Could not run", de: "Nicht ausgeführt")): \(text(reason))</p>\n"
        }
        if !result.findings.isEmpty {
            html += "<ul class=\"findings\">\n"
            for finding in result.findings {
                html += """
                    <li class="finding severity-\(finding.severity.rawValue)"><span class="severity">\(severityName(finding.severity))</span> <code>\(Self.escape(finding.code))</code>
                    <p class="cause"><b>\(say(en: "Cause", de: "Ursache")):</b> \(text(finding.message))</p>

                    """
                if let fix = finding.fix { html += "<p class=\"fix\"><b>\(say(en: "Fix", de: "Behebung")):</b> \(text(fix))</p>\n" }
                html += "</li>\n"
            }
            html += "</ul>\n"
        }
        if !result.fixes.isEmpty {
            html += "<ul class=\"fixes\">\n"
            for fix in result.fixes {
                let how = fix.safe ? say(en: "safe: ctictl doctor --fix applies it", de: "sicher: ctictl doctor --fix wendet sie an") : say(en: "by hand", de: "von Hand")
                html += "<li class=\"\(fix.safe ? "safe" : "manual")\">\(text(fix.description)) <span class=\"how\">(\(how))</span></li>\n"
            }
            html += "</ul>\n"
        }
        if !result.applied.isEmpty {
            html += "<ul class=\"applied\">\n"
            for line in result.applied { html += "<li><b>\(say(en: "Applied", de: "Angewendet")):</b> \(text(line))</li>\n" }
            html += "</ul>\n"
        }
        return html + "</article>\n"
    }

    private func severityName(_ severity: Severity) -> String {
        switch severity {
        case .info: return say(en: "info", de: "Hinweis")
        case .warning: return say(en: "warning", de: "Warnung")
        case .error: return say(en: "error", de: "Fehler")
        }
    }

    /// Text for HTML content and quoted attributes.
    public static func escape(_ text: String) -> String {
        var escaped = ""
        escaped.reserveCapacity(text.utf8.count)
        for character in text.unicodeScalars {
            switch character {
            case "&": escaped += "&amp;"
            case "<": escaped += "&lt;"
            case ">": escaped += "&gt;"
            case "\"": escaped += "&quot;"
            case "'": escaped += "&#39;"
            default: escaped.unicodeScalars.append(character)
            }
        }
        return escaped
    }

    private static let style = """
        body{font-family:system-ui,-apple-system,"Segoe UI",Roboto,"DejaVu Sans",sans-serif;margin:0;background:#f5f6f8;color:#1d2330;line-height:1.45}
        header,main,footer{max-width:60rem;margin:0 auto;padding:0 1.25rem}
        header{padding-top:1.25rem}h1{margin:.2rem 0;font-size:1.6rem}
        .meta{color:#555d6e;margin:.2rem 0}.summary{margin:.6rem 0 1rem}
        .count{display:inline-block;padding:.15rem .6rem;margin-right:.4rem;border-radius:1rem;font-weight:600;background:#e4e7ec}
        h2{font-size:1.15rem;margin:1.4rem 0 .5rem;border-bottom:1px solid #d5d9e0;padding-bottom:.2rem}
        .check{background:#fff;border:1px solid #d5d9e0;border-left:.4rem solid #8a93a3;border-radius:.35rem;padding:.55rem .9rem;margin:.55rem 0}
        .check h3{font-size:1rem;margin:0;display:flex;gap:.5rem;align-items:baseline;flex-wrap:wrap}
        .mark{display:inline-block;width:1.5rem;height:1.5rem;line-height:1.5rem;text-align:center;border-radius:50%;color:#fff;font-weight:700;background:#8a93a3}
        .name{color:#555d6e;font-size:.85rem}.status{margin-left:auto;font-size:.85rem;color:#555d6e}
        .status-ok{border-left-color:#1f8a4c}.status-ok .mark,.count.status-ok{background:#1f8a4c;color:#fff}
        .status-warning{border-left-color:#c98a00}.status-warning .mark,.count.status-warning{background:#c98a00;color:#fff}
        .status-failed{border-left-color:#c0392b}.status-failed .mark,.count.status-failed{background:#c0392b;color:#fff}
        .status-not-run .mark,.count.status-not-run{background:#8a93a3;color:#fff}
        ul{margin:.4rem 0;padding-left:1.2rem}.finding{margin:.35rem 0}.finding p{margin:.1rem 0}
        .severity{font-size:.75rem;text-transform:uppercase;font-weight:700;letter-spacing:.03em}
        .severity-error .severity{color:#c0392b}.severity-warning .severity{color:#a06e00}.severity-info .severity{color:#555d6e}
        .reason{color:#555d6e;margin:.3rem 0}.how{color:#555d6e;font-size:.85rem}.applied li{color:#1f6b3c}
        code{font-family:ui-monospace,"DejaVu Sans Mono",monospace}
        footer{color:#6b7385;font-size:.8rem;padding-bottom:1.5rem}
        """
}
