/// `\p{…}` inside a set: a General_Category value (or a group of them: `L`), a binary property
/// the standard library knows, or a negated set nested in a class (`[\P{L}\d]`).
struct UnicodeProperty: Sendable {
    indirect enum Test: Sendable {
        /// Bit `n` set: general category number `n` of `UnicodeProperty.categories`.
        case categories(UInt32)
        case binary(BinaryProperty)
        case set(ScalarSet)
    }

    let test: Test

    init(_ test: Test) {
        self.test = test
    }

    func contains(_ scalar: Unicode.Scalar) -> Bool {
        switch test {
        case let .categories(mask): return mask & (1 << Self.categoryNumber(scalar.properties.generalCategory)) != 0
        case let .binary(property): return property.holds(for: scalar)
        case let .set(set): return set.contains(scalar.value)
        }
    }

    /// `\p{name}` or `\p{name=value}` (ECMA-262's names, case-sensitive, no loose matching).
    static func named(_ name: String, value: String?) -> Result<ScalarSet, ECMARegex.SyntaxError> {
        if let value {
            switch name {
            case "General_Category", "gc":
                guard let mask = categoryMask(value) else { return .failure(.init(reason: "unknown General_Category value '\(value)'")) }
                return .success(ScalarSet(properties: [UnicodeProperty(.categories(mask))]))
            case "Script", "sc", "Script_Extensions", "scx":
                return .failure(.init(reason: "Unicode script properties (\\p{\(name)=…}) are not supported"))
            default:
                return .failure(.init(reason: "unknown Unicode property '\(name)'"))
            }
        }
        if let mask = categoryMask(name) {
            return .success(ScalarSet(properties: [UnicodeProperty(.categories(mask))]))
        }
        switch name {
        case "Any": return .success(ScalarSet(ranges: [0...0x10FFFF]))
        case "ASCII": return .success(ScalarSet(ranges: [0...0x7F]))
        case "Assigned": return .success(ScalarSet(properties: [UnicodeProperty(.categories(categoryMask("Cn") ?? 0))], negated: true))
        case "Emoji_Component", "EComp", "Extended_Pictographic", "ExtPict", "Regional_Indicator", "RI":
            return .failure(.init(reason: "\\p{\(name)}: this Unicode property is not supported (the standard library has no table for it)"))
        default:
            guard let property = BinaryProperty(name) else { return .failure(.init(reason: "unknown Unicode property '\(name)'")) }
            return .success(ScalarSet(properties: [UnicodeProperty(.binary(property))]))
        }
    }

    /// General_Category values in a fixed order: a value's bit in a mask is its position here.
    static let categories: [(short: String, long: String)] = [
        ("Lu", "Uppercase_Letter"), ("Ll", "Lowercase_Letter"), ("Lt", "Titlecase_Letter"),
        ("Lm", "Modifier_Letter"), ("Lo", "Other_Letter"), ("Mn", "Nonspacing_Mark"),
        ("Mc", "Spacing_Mark"), ("Me", "Enclosing_Mark"), ("Nd", "Decimal_Number"),
        ("Nl", "Letter_Number"), ("No", "Other_Number"), ("Pc", "Connector_Punctuation"),
        ("Pd", "Dash_Punctuation"), ("Ps", "Open_Punctuation"), ("Pe", "Close_Punctuation"),
        ("Pi", "Initial_Punctuation"), ("Pf", "Final_Punctuation"), ("Po", "Other_Punctuation"),
        ("Sm", "Math_Symbol"), ("Sc", "Currency_Symbol"), ("Sk", "Modifier_Symbol"),
        ("So", "Other_Symbol"), ("Zs", "Space_Separator"), ("Zl", "Line_Separator"),
        ("Zp", "Paragraph_Separator"), ("Cc", "Control"), ("Cf", "Format"), ("Cs", "Surrogate"),
        ("Co", "Private_Use"), ("Cn", "Unassigned"),
    ]

    /// The grouped values (`L` is every `L?`), with their long names and aliases.
    static let categoryGroups: [(names: [String], prefix: Character)] = [
        (["L", "Letter"], "L"), (["M", "Mark", "Combining_Mark"], "M"), (["N", "Number"], "N"),
        (["P", "Punctuation", "punct"], "P"), (["S", "Symbol"], "S"), (["Z", "Separator"], "Z"),
        (["C", "Other"], "C"),
    ]

    static func categoryMask(_ name: String) -> UInt32? {
        for (number, entry) in categories.enumerated() where entry.short == name || entry.long == name {
            return 1 << UInt32(number)
        }
        switch name {
        case "LC", "Cased_Letter": return mask { ["Lu", "Ll", "Lt"].contains($0) }
        case "cntrl": return categoryMask("Cc")
        case "digit": return categoryMask("Nd")
        default: break
        }
        guard let group = categoryGroups.first(where: { $0.names.contains(name) }) else { return nil }
        return mask { $0.first == group.prefix }
    }

    private static func mask(where include: (String) -> Bool) -> UInt32 {
        var result: UInt32 = 0
        for (number, entry) in categories.enumerated() where include(entry.short) { result |= 1 << UInt32(number) }
        return result
    }

    /// The category's position in `categories` (a switch: this runs for every code point tested).
    // swiftlint:disable:next cyclomatic_complexity
    private static func categoryNumber(_ category: Unicode.GeneralCategory) -> UInt32 {
        switch category {
        case .uppercaseLetter: return 0
        case .lowercaseLetter: return 1
        case .titlecaseLetter: return 2
        case .modifierLetter: return 3
        case .otherLetter: return 4
        case .nonspacingMark: return 5
        case .spacingMark: return 6
        case .enclosingMark: return 7
        case .decimalNumber: return 8
        case .letterNumber: return 9
        case .otherNumber: return 10
        case .connectorPunctuation: return 11
        case .dashPunctuation: return 12
        case .openPunctuation: return 13
        case .closePunctuation: return 14
        case .initialPunctuation: return 15
        case .finalPunctuation: return 16
        case .otherPunctuation: return 17
        case .mathSymbol: return 18
        case .currencySymbol: return 19
        case .modifierSymbol: return 20
        case .otherSymbol: return 21
        case .spaceSeparator: return 22
        case .lineSeparator: return 23
        case .paragraphSeparator: return 24
        case .control: return 25
        case .format: return 26
        case .surrogate: return 27
        case .privateUse: return 28
        case .unassigned: return 29
        @unknown default: return 29
        }
    }
}

/// ECMA-262's binary Unicode properties that `Unicode.Scalar.Properties` answers.
struct BinaryProperty: Sendable {
    let holds: @Sendable (Unicode.Scalar.Properties) -> Bool

    init?(_ name: String) {
        guard let entry = Self.table.first(where: { $0.names.contains(name) }) else { return nil }
        holds = entry.holds
    }

    func holds(for scalar: Unicode.Scalar) -> Bool {
        holds(scalar.properties)
    }

    /// ECMA-262's long name and alias of each, and the standard library's answer.
    private static let table: [(names: [String], holds: @Sendable (Unicode.Scalar.Properties) -> Bool)] = [
        (["Alphabetic", "Alpha"], { $0.isAlphabetic }),
        (["ASCII_Hex_Digit", "AHex"], { $0.isASCIIHexDigit }),
        (["Bidi_Control", "Bidi_C"], { $0.isBidiControl }),
        (["Bidi_Mirrored", "Bidi_M"], { $0.isBidiMirrored }),
        (["Case_Ignorable", "CI"], { $0.isCaseIgnorable }),
        (["Cased"], { $0.isCased }),
        (["Changes_When_Casefolded", "CWCF"], { $0.changesWhenCaseFolded }),
        (["Changes_When_Casemapped", "CWCM"], { $0.changesWhenCaseMapped }),
        (["Changes_When_Lowercased", "CWL"], { $0.changesWhenLowercased }),
        (["Changes_When_NFKC_Casefolded", "CWKCF"], { $0.changesWhenNFKCCaseFolded }),
        (["Changes_When_Titlecased", "CWT"], { $0.changesWhenTitlecased }),
        (["Changes_When_Uppercased", "CWU"], { $0.changesWhenUppercased }),
        (["Dash"], { $0.isDash }),
        (["Default_Ignorable_Code_Point", "DI"], { $0.isDefaultIgnorableCodePoint }),
        (["Deprecated", "Dep"], { $0.isDeprecated }),
        (["Diacritic", "Dia"], { $0.isDiacritic }),
        (["Emoji"], { $0.isEmoji }),
        (["Emoji_Modifier", "EMod"], { $0.isEmojiModifier }),
        (["Emoji_Modifier_Base", "EBase"], { $0.isEmojiModifierBase }),
        (["Emoji_Presentation", "EPres"], { $0.isEmojiPresentation }),
        (["Extender", "Ext"], { $0.isExtender }),
        (["Grapheme_Base", "Gr_Base"], { $0.isGraphemeBase }),
        (["Grapheme_Extend", "Gr_Ext"], { $0.isGraphemeExtend }),
        (["Hex_Digit", "Hex"], { $0.isHexDigit }),
        (["IDS_Binary_Operator", "IDSB"], { $0.isIDSBinaryOperator }),
        (["IDS_Trinary_Operator", "IDST"], { $0.isIDSTrinaryOperator }),
        (["ID_Continue", "IDC"], { $0.isIDContinue }),
        (["ID_Start", "IDS"], { $0.isIDStart }),
        (["Ideographic", "Ideo"], { $0.isIdeographic }),
        (["Join_Control", "Join_C"], { $0.isJoinControl }),
        (["Logical_Order_Exception", "LOE"], { $0.isLogicalOrderException }),
        (["Lowercase", "Lower"], { $0.isLowercase }),
        (["Math"], { $0.isMath }),
        (["Noncharacter_Code_Point", "NChar"], { $0.isNoncharacterCodePoint }),
        (["Pattern_Syntax", "Pat_Syn"], { $0.isPatternSyntax }),
        (["Pattern_White_Space", "Pat_WS"], { $0.isPatternWhitespace }),
        (["Quotation_Mark", "QMark"], { $0.isQuotationMark }),
        (["Radical"], { $0.isRadical }),
        (["Sentence_Terminal", "STerm"], { $0.isSentenceTerminal }),
        (["Soft_Dotted", "SD"], { $0.isSoftDotted }),
        (["Terminal_Punctuation", "Term"], { $0.isTerminalPunctuation }),
        (["Unified_Ideograph", "UIdeo"], { $0.isUnifiedIdeograph }),
        (["Uppercase", "Upper"], { $0.isUppercase }),
        (["Variation_Selector", "VS"], { $0.isVariationSelector }),
        (["White_Space", "space"], { $0.isWhitespace }),
        (["XID_Continue", "XIDC"], { $0.isXIDContinue }),
        (["XID_Start", "XIDS"], { $0.isXIDStart }),
    ]
}
