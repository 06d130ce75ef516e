import CTICore

/// `module.name`: the STARFACE module configuration must be named exactly
/// `DATEVConnectorforSTARFACE` (product page: "ohne Leerzeichen"), or the client finds no
/// module. The name comes as typed (`--module-name`) or from an export of the module
/// configuration (`--module-export`, see docs/doctor.md for what is read from it).
public struct ModuleNameCheck: DiagnosticCheck {
    public let name = "module.name"
    public let group = CheckGroup.module
    public var title: LocalizedText { LocalizedText(en: "Module configuration name", de: "Name der Modulkonfiguration") }

    public init() {}

    public func run(in context: DoctorContext) async -> CheckOutcome {
        guard context.moduleName != nil || context.moduleExport != nil else {
            return .notRun(
                en: "no module configuration name: give --module-name NAME or --module-export FILE",
                de: "kein Name der Modulkonfiguration: --module-name NAME oder --module-export DATEI angeben")
        }
        var findings: [Finding] = []
        if let typed = context.moduleName { findings += ModuleName.findings(for: typed, from: "--module-name") }
        if let path = context.moduleExport {
            do {
                findings += ModuleName.findings(for: try ModuleExport.configurationName(in: path), from: path)
            } catch {
                // One code for this failure, whatever the file's problem (missing, not XML, no name).
                findings.append(.error(
                    ErrorCode.moduleExportUnreadable.rawValue, en: error.message, de: error.german ?? error.message,
                    fixEN: "Pass the module configuration's XML export, or the name itself with --module-name.",
                    fixDE: "Den XML-Export der Modulkonfiguration angeben, oder den Namen selbst mit --module-name."))
            }
        }
        return CheckOutcome(findings: findings)
    }
}

/// How a module configuration name differs from `DATEVConnectorforSTARFACE`: each kind of
/// difference one finding, naming the positions (counted in code points from 1) and the
/// code points (`U+00A0 NO-BREAK SPACE`), so an invisible difference becomes visible.
public enum ModuleName {
    public static let expected = "DATEVConnectorforSTARFACE"

    static let fixEN = "Rename the module configuration on the STARFACE (Admin > Module) to exactly \(expected): type it, do not paste it; doctor cannot rename it for you."
    static let fixDE = "Die Modulkonfiguration auf der STARFACE (Admin > Module) genau \(expected) nennen: abtippen, nicht einfügen; doctor kann sie nicht umbenennen."

    /// The findings for a name; none when it is exactly right. `source` says where it came from.
    public static func findings(for name: String, from source: String) -> [Finding] {
        guard name != expected else { return [] }
        let scalars = Array(name.unicodeScalars)
        let shown = "\(source): \"\(visible(name))\""
        var findings: [Finding] = []
        func add(_ code: String, _ en: String, _ de: String) {
            findings.append(.error(code, en: "\(shown): \(en)", de: "\(shown): \(de)", fixEN: fixEN, fixDE: fixDE))
        }
        guard !scalars.isEmpty else {
            add("module.name-empty", "the name is empty; it must be \(expected)", "der Name ist leer; er muss \(expected) lauten")
            return findings
        }

        let kinds = scalars.map(Kind.init)
        let firstShown = kinds.firstIndex { $0 != .space && $0 != .hidden } ?? scalars.count
        let lastShown = kinds.lastIndex { $0 != .space && $0 != .hidden } ?? -1
        let spaces = kinds.indices.filter { kinds[$0] == .space }
        // With nothing visible, every space counts as leading.
        let leading = spaces.filter { $0 < firstShown }
        let trailing = spaces.filter { $0 > lastShown && $0 > firstShown }
        let inner = spaces.filter { $0 > firstShown && $0 < lastShown }
        if !leading.isEmpty {
            add("module.name-leading-space", "white space at the start: \(described(leading, scalars))", "Leerraum am Anfang: \(described(leading, scalars, at: "an Stelle"))")
        }
        if !trailing.isEmpty {
            add("module.name-trailing-space", "white space at the end: \(described(trailing, scalars))", "Leerraum am Ende: \(described(trailing, scalars, at: "an Stelle"))")
        }
        if !inner.isEmpty {
            add("module.name-inner-space", "white space inside the name: \(described(inner, scalars))", "Leerraum im Namen: \(described(inner, scalars, at: "an Stelle"))")
        }
        let hidden = kinds.indices.filter { kinds[$0] == .hidden }
        if !hidden.isEmpty {
            add("module.name-invisible-character", "invisible characters: \(described(hidden, scalars))", "unsichtbare Zeichen: \(described(hidden, scalars, at: "an Stelle"))")
        }

        // The visible characters, compared position by position with the expected name.
        let visibleIndices = kinds.indices.filter { kinds[$0] != .space && kinds[$0] != .hidden }
        let wanted = Array(expected)
        var lookalike: [Int] = [], wrongCase: [Int] = [], differs = visibleIndices.count != wanted.count
        for (offset, index) in visibleIndices.enumerated() where !differs {
            let scalar = scalars[index], want = wanted[offset]
            if Character(scalar) == want { continue }
            let candidates = Lookalikes.letters(for: scalar)
            if !candidates.isEmpty && candidates.contains(where: { $0.lowercased() == want.lowercased() }) {
                lookalike.append(index)
            } else if scalar.isASCII && Character(scalar).lowercased() == want.lowercased() {
                wrongCase.append(index)
            } else {
                differs = true
            }
        }
        if differs {
            let pretenders = visibleIndices.filter { !scalars[$0].isASCII && !Lookalikes.letters(for: scalars[$0]).isEmpty }
            let detail = pretenders.isEmpty ? "" : "; look-alike characters in it: \(described(pretenders, scalars))"
            let detailDE = pretenders.isEmpty ? "" : "; darin Doppelgänger-Zeichen: \(described(pretenders, scalars, at: "an Stelle"))"
            add("module.name-wrong", "this is not \(expected)\(detail)", "das ist nicht \(expected)\(detailDE)")
            return findings
        }
        if !lookalike.isEmpty {
            func pretended(_ index: Int, _ expected: String) -> String {
                let want = Self.letter(at: index, in: visibleIndices)
                let looks = Lookalikes.letters(for: scalars[index]).filter { $0.lowercased() == want.lowercased() }
                let letter = looks.contains(want) ? want : looks.first ?? want
                return letter == want ? "\(letter)" : "\(letter), \(expected) \(want)"
            }
            let list = lookalike.map { "\(described([$0], scalars)) looks like \(pretended($0, "expected"))" }.joined(separator: ", ")
            let listDE = lookalike.map { "\(described([$0], scalars, at: "an Stelle")) sieht aus wie \(pretended($0, "erwartet"))" }.joined(separator: ", ")
            add("module.name-lookalike", "characters that only look like the right ones: \(list)", "Zeichen, die nur so aussehen wie die richtigen: \(listDE)")
        }
        if !wrongCase.isEmpty {
            let list = wrongCase.map { "\(Character(scalars[$0])) at \($0 + 1) should be \(Self.letter(at: $0, in: visibleIndices))" }.joined(separator: ", ")
            let listDE = wrongCase.map { "\(Character(scalars[$0])) an Stelle \($0 + 1) muss \(Self.letter(at: $0, in: visibleIndices)) sein" }.joined(separator: ", ")
            add("module.name-case", "other case (the name is case-sensitive): \(list)", "andere Groß-/Kleinschreibung (sie zählt): \(listDE)")
        }
        return findings
    }

    /// The expected letter at the place of the visible character `index`.
    private static func letter(at index: Int, in visibleIndices: [Int]) -> Character {
        Array(expected)[visibleIndices.firstIndex(of: index) ?? 0]
    }

    /// What a character of a name is, for the checks above.
    private enum Kind: Equatable {
        case space, hidden, shown

        init(_ scalar: Unicode.Scalar) {
            let properties = scalar.properties
            if properties.isWhitespace {
                self = .space
            } else if properties.isDefaultIgnorableCodePoint || properties.isVariationSelector
                        || [.format, .control, .nonspacingMark, .enclosingMark, .spacingMark, .unassigned, .privateUse].contains(properties.generalCategory) {
                self = .hidden
            } else {
                self = .shown
            }
        }
    }

    /// `U+00A0 NO-BREAK SPACE at 6, U+0020 SPACE at 15` (`at` is `an Stelle` in German).
    static func described(_ indices: [Int], _ scalars: [Unicode.Scalar], at: String = "at") -> String {
        indices.map { "\(codePoint(scalars[$0])) \(at) \($0 + 1)" }.joined(separator: ", ")
    }

    static func codePoint(_ scalar: Unicode.Scalar) -> String {
        "\(hex(scalar)) \(scalar.properties.name ?? scalar.properties.nameAlias ?? "unnamed")"
    }

    /// `U+00A0`: at least four hex digits.
    static func hex(_ scalar: Unicode.Scalar) -> String {
        let digits = String(scalar.value, radix: 16, uppercase: true)
        return "U+\(String(repeating: "0", count: max(0, 4 - digits.count)))\(digits)"
    }

    /// The name with everything but printable ASCII written as `<U+XXXX>`: safe on any
    /// terminal, and nothing invisible stays invisible.
    static func visible(_ name: String) -> String {
        var shown = ""
        for scalar in name.unicodeScalars {
            if (0x21..<0x7f).contains(scalar.value) || scalar == " " {
                shown.unicodeScalars.append(scalar)
            } else {
                shown += "<\(hex(scalar))>"
            }
        }
        return shown
    }
}
