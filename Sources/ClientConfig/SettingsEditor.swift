import CTICore

/// One change to a settings file. Sections are named by path (`userSettings/X.Properties.Settings`).
public enum SettingChange: Sendable, Equatable {
    /// A new value: text for String, Binary and ProviderSpecific settings, XML for Xml ones.
    case set(section: String, name: String, value: String)
    /// A new setting after the last one of the section, laid out like its neighbours.
    case add(section: String, name: String, serializeAs: SerializeAs, value: String)
    /// The setting and the line(s) it stands on.
    case remove(section: String, name: String)

    var key: SettingKey {
        switch self {
        case let .set(section, name, _), let .add(section, name, _, _), let .remove(section, name): return SettingKey(section: section, name: name)
        }
    }
}

extension SettingsFile {
    /// The file with the changes made, and nothing else: every byte outside the changed values
    /// and the added or removed settings stays as it was (BOM, line ends, comments, quoting,
    /// indentation, unknown sections). A value set to what it already is changes no byte.
    /// The result is read back before it is returned, and each changed value checked.
    public func applying(_ changes: [SettingChange]) throws(CTIFailure) -> SettingsFile {
        try SettingsEditor(file: self).apply(changes)
    }
}

/// Turns changes into byte replacements on the original file.
struct SettingsEditor {
    let file: SettingsFile
    private var bytes: [UInt8] { file.bytes }
    private let lineEnding: [UInt8]

    init(file: SettingsFile) {
        self.file = file
        self.lineEnding = Self.firstLineEnding(in: file.bytes)
    }

    func apply(_ changes: [SettingChange]) throws(CTIFailure) -> SettingsFile {
        var edits: [ByteEdit] = []
        var touched: Set<SettingKey> = []
        var removed: Set<SettingKey> = []
        var additions: [(section: SettingsSection, settings: [NewSetting])] = []
        for change in changes {
            guard touched.insert(change.key).inserted else {
                throw CTIFailure.quoting(.configEditConflict, "\(file.source): two changes to the setting \(change.key.name) in \(change.key.section); make one")
            }
            switch change {
            case let .set(section, name, value):
                let setting = try existing(name, in: section)
                if let edit = try valueEdit(setting, to: value) { edits.append(edit) }
            case let .remove(section, name):
                edits.append(removal(of: try existing(name, in: section)))
                removed.insert(change.key)
            case let .add(sectionPath, name, serializeAs, value):
                guard let section = file.section(sectionPath) else {
                    throw CTIFailure.quoting(.configEditTargetMissing, "\(file.source): there is no section \(sectionPath) to add \(name) to; sections: \(sectionList)")
                }
                if file.setting(name, in: sectionPath) != nil {
                    throw CTIFailure.quoting(.configEditConflict, "\(file.source): the setting \(name) exists in \(sectionPath); set its value instead of adding it")
                }
                let new = NewSetting(name: try escapedAttribute(name, setting: name), serializeAs: serializeAs, value: try encodedValue(value, serializeAs, setting: name))
                if let index = additions.firstIndex(where: { $0.section.path == sectionPath }) {
                    additions[index].settings.append(new)
                } else {
                    additions.append((section, [new]))
                }
            }
        }
        for (section, settings) in additions { edits.append(insertion(of: settings, into: section, removed: removed)) }
        // Nothing to change (every value already as asked): the file as it is, not even re-read.
        if edits.isEmpty { return file }
        let edited = try ByteEdit.apply(edits, to: bytes, source: file.source)
        return try checked(edited, changes)
    }

    private var sectionList: String { file.sections.isEmpty ? "none" : file.sections.map(\.path).joined(separator: ", ") }

    private func existing(_ name: String, in section: String) throws(CTIFailure) -> Setting {
        if let setting = file.setting(name, in: section) { return setting }
        if file.section(section) == nil {
            throw CTIFailure.quoting(.configEditTargetMissing, "\(file.source): there is no section \(section); sections: \(sectionList)")
        }
        throw CTIFailure.quoting(.configEditTargetMissing, "\(file.source): there is no setting \(name) in \(section)")
    }

    /// Reads the result back: an edit that would leave a file .NET cannot read, or a value that
    /// reads differently, is the editor's fault and never written.
    private func checked(_ edited: [UInt8], _ changes: [SettingChange]) throws(CTIFailure) -> SettingsFile {
        let result: SettingsFile
        do {
            result = try SettingsReader.read(edited, source: file.source)
        } catch {
            throw CTIFailure.quoting(.configEditFailed, "\(file.source): the edited file would not read back (\(error.message)); nothing was changed")
        }
        let changed = Set(changes.map(\.key))
        func untouched(_ file: SettingsFile) -> [Setting] { file.settings.filter { !changed.contains(SettingKey(section: $0.section, name: $0.name)) } }
        guard untouched(result).map(\.value) == untouched(file).map(\.value), untouched(result).map(\.name) == untouched(file).map(\.name) else {
            throw CTIFailure.quoting(.configEditFailed, "\(file.source): the edit would change settings it was not asked to; nothing was changed")
        }
        for change in changes {
            let now = result.setting(change.key.name, in: change.key.section)
            let expected: String?
            switch change {
            case let .set(_, _, value), let .add(_, _, _, value): expected = value
            case .remove: expected = nil
            }
            guard now?.value == expected else {
                throw CTIFailure.quoting(.configEditFailed, "\(file.source): the setting \(change.key.name) in \(change.key.section) would not read back as set; nothing was changed")
            }
        }
        return result
    }

    // MARK: - Values

    private func valueEdit(_ setting: Setting, to value: String) throws(CTIFailure) -> ByteEdit? {
        guard value != setting.value else { return nil }
        let encoded = try encodedValue(value, setting.serializeAs, setting: setting.name)
        if encoded.isEmpty { return ByteEdit(setting.valueRange, Array("<value />".utf8)) }
        if let content = setting.valueContentRange { return ByteEdit(content, encoded) }
        return ByteEdit(setting.valueRange, Array("<value>".utf8) + encoded + Array("</value>".utf8))
    }

    /// The bytes between `<value>` and `</value>`: XML as given (checked) for Xml settings,
    /// escaped text for the others.
    private func encodedValue(_ value: String, _ kind: SerializeAs, setting name: String) throws(CTIFailure) -> [UInt8] {
        if kind == .xml {
            do {
                try MarkupReader.checkContent(Array(value.utf8), source: "the new value of \(name)", depthLimit: SettingsReader.depthLimit)
            } catch {
                throw CTIFailure.quoting(.configEditValueInvalid, "\(file.source): \(error.message) (an Xml setting's value must be XML)")
            }
            return Array(value.utf8)
        }
        return try XMLEscaping.text(value, what: "the new value of \(name)", source: file.source)
    }

    private func escapedAttribute(_ name: String, setting: String) throws(CTIFailure) -> [UInt8] {
        guard !name.isEmpty else { throw CTIFailure.quoting(.configEditValueInvalid, "\(file.source): a new setting needs a name") }
        return try XMLEscaping.attribute(name, what: "the name \(setting)", source: file.source)
    }

    // MARK: - Removing

    /// The setting and its whole line when it stands alone on it; otherwise the setting and
    /// the line break or spaces that lead to it, so that adding it back restores the bytes.
    private func removal(of setting: Setting) -> ByteEdit {
        let start = setting.elementRange.lowerBound
        let end = setting.elementRange.upperBound
        let lineStart = Self.lineStart(before: start, in: bytes)
        let lineEnd = Self.lineEnd(after: end, in: bytes)
        let aloneBefore = Self.isBlank(bytes[lineStart..<start])
        let aloneAfter = Self.isBlank(bytes[end..<lineEnd])
        if aloneBefore && aloneAfter {
            return ByteEdit(lineStart..<(lineEnd + Self.lineBreakLength(at: lineEnd, in: bytes)), [])
        }
        if aloneBefore {
            return ByteEdit(Self.lineBreakStart(before: lineStart, in: bytes)..<end, [])
        }
        var from = start
        while from > lineStart && (bytes[from - 1] == UTF8Text.space || bytes[from - 1] == UTF8Text.tab) { from -= 1 }
        return ByteEdit(from..<end, [])
    }

    // MARK: - Adding

    private func insertion(of settings: [NewSetting], into section: SettingsSection, removed: Set<SettingKey>) -> ByteEdit {
        let existing = file.settings(in: section.path)
        let anchor = existing.last { !removed.contains(SettingKey(section: $0.section, name: $0.name)) }
        let layout = self.layout(for: section, template: anchor ?? existing.last)
        let texts = settings.map { layout.text(of: $0) }
        if let anchor {
            let inserted = texts.flatMap { lineEnding + layout.indent + $0 }
            return ByteEdit(anchor.elementRange.upperBound..<anchor.elementRange.upperBound, inserted)
        }
        let sectionIndent = indentation(before: section.startTagRange.lowerBound)
        guard let content = section.contentRange else {
            // `<Section />` opens up: `<Section>`, the settings, `</Section>`.
            var openTag = Array(bytes[section.startTagRange].dropLast(2))
            while let last = openTag.last, UTF8Text.isWhitespace(last) { openTag.removeLast() }
            let inside = texts.flatMap { lineEnding + layout.indent + $0 }
            return ByteEdit(section.elementRange, openTag + [UInt8(ascii: ">")] + inside + lineEnding + sectionIndent + Array("</\(section.name)>".utf8))
        }
        let endTag = content.upperBound
        let endTagLine = Self.lineStart(before: endTag, in: bytes)
        if endTagLine > content.lowerBound && Self.isBlank(bytes[endTagLine..<endTag]) {
            return ByteEdit(endTagLine..<endTagLine, texts.flatMap { layout.indent + $0 + lineEnding })
        }
        return ByteEdit(endTag..<endTag, texts.flatMap { lineEnding + layout.indent + $0 } + lineEnding + sectionIndent)
    }

    /// How a new setting is written: like `template` (the section's last setting), or, in an
    /// empty section, one indentation step inside it, the step taken from the file.
    private func layout(for section: SettingsSection, template: Setting?) -> SettingLayout {
        let sectionIndent = indentation(before: section.startTagRange.lowerBound)
        let model = template ?? file.settings.first
        var step = Array("    ".utf8)
        if let model, let modelSection = file.section(model.section) {
            let outer = indentation(before: modelSection.startTagRange.lowerBound)
            let inner = indentation(before: model.elementRange.lowerBound)
            if inner.count > outer.count && inner.starts(with: outer) { step = Array(inner.dropFirst(outer.count)) }
        } else if sectionIndent.count >= 2 && sectionIndent.count % 2 == 0 {
            // The section is the second level (configuration > group > section).
            step = Array(sectionIndent.prefix(sectionIndent.count / 2))
        }
        let indent = template.map { indentation(before: $0.elementRange.lowerBound) } ?? sectionIndent + step
        var layout = SettingLayout(
            indent: indent, quote: UInt8(ascii: "\""), tagTail: [], innerLead: lineEnding + indent + step, innerTrail: lineEnding + indent)
        guard let model else { return layout }
        let tag = bytes[model.startTagRange]
        if let quote = tag.first(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) { layout.quote = quote }
        if let lastQuote = tag.lastIndex(where: { $0 == UInt8(ascii: "\"") || $0 == UInt8(ascii: "'") }) {
            layout.tagTail = Array(bytes[(lastQuote + 1)..<(model.startTagRange.upperBound - 1)])
        }
        guard let template else { return layout }
        let lead = bytes[template.startTagRange.upperBound..<template.valueRange.lowerBound]
        let endTag = bytes[template.elementRange].lastIndex(of: UInt8(ascii: "<")) ?? template.valueRange.upperBound
        let trail = bytes[template.valueRange.upperBound..<max(endTag, template.valueRange.upperBound)]
        if Self.isBlank(lead) && Self.isBlank(trail) {
            layout.innerLead = Array(lead)
            layout.innerTrail = Array(trail)
        }
        return layout
    }

    /// The spaces and tabs from the line's start to `offset`, or none when text precedes it.
    private func indentation(before offset: Int) -> [UInt8] {
        let start = Self.lineStart(before: offset, in: bytes)
        let prefix = bytes[start..<offset]
        return prefix.allSatisfy({ $0 == UTF8Text.space || $0 == UTF8Text.tab }) ? Array(prefix) : []
    }

    // MARK: - Lines

    /// The file's own line ending (its first one); CRLF, as .NET writes on Windows, if it has none.
    static func firstLineEnding(in bytes: [UInt8]) -> [UInt8] {
        guard let index = bytes.firstIndex(where: UTF8Text.isLineBreak) else { return [UTF8Text.carriageReturn, UTF8Text.lineFeed] }
        if bytes[index] == UTF8Text.lineFeed { return [UTF8Text.lineFeed] }
        return index + 1 < bytes.count && bytes[index + 1] == UTF8Text.lineFeed ? [UTF8Text.carriageReturn, UTF8Text.lineFeed] : [UTF8Text.carriageReturn]
    }

    static func lineStart(before offset: Int, in bytes: [UInt8]) -> Int {
        var index = offset
        while index > 0 && !UTF8Text.isLineBreak(bytes[index - 1]) { index -= 1 }
        return index
    }

    static func lineEnd(after offset: Int, in bytes: [UInt8]) -> Int {
        var index = offset
        while index < bytes.count && !UTF8Text.isLineBreak(bytes[index]) { index += 1 }
        return index
    }

    static func lineBreakLength(at index: Int, in bytes: [UInt8]) -> Int {
        guard index < bytes.count else { return 0 }
        return bytes[index] == UTF8Text.carriageReturn && index + 1 < bytes.count && bytes[index + 1] == UTF8Text.lineFeed ? 2 : 1
    }

    /// Where the line break that ends the previous line starts (CRLF counts as one).
    static func lineBreakStart(before lineStart: Int, in bytes: [UInt8]) -> Int {
        guard lineStart > 0 else { return 0 }
        if lineStart >= 2 && bytes[lineStart - 2] == UTF8Text.carriageReturn && bytes[lineStart - 1] == UTF8Text.lineFeed { return lineStart - 2 }
        return lineStart - 1
    }

    static func isBlank(_ bytes: ArraySlice<UInt8>) -> Bool { bytes.allSatisfy { $0 == UTF8Text.space || $0 == UTF8Text.tab } }
}

/// A setting to add, already escaped.
struct NewSetting {
    let name: [UInt8]
    let serializeAs: SerializeAs
    let value: [UInt8]
}

/// The look of a setting copied from a neighbour: indentation, quotes, the space before `>`,
/// and what stands between the tags.
struct SettingLayout {
    var indent: [UInt8]
    var quote: UInt8
    var tagTail: [UInt8]
    var innerLead: [UInt8]
    var innerTrail: [UInt8]

    func text(of setting: NewSetting) -> [UInt8] {
        let value = setting.value.isEmpty ? Array("<value />".utf8) : Array("<value>".utf8) + setting.value + Array("</value>".utf8)
        return Array("<setting name=".utf8) + [quote] + setting.name + [quote] + Array(" serializeAs=".utf8) + [quote] + Array(setting.serializeAs.rawValue.utf8) + [quote]
            + tagTail + [UInt8(ascii: ">")] + innerLead + value + innerTrail + Array("</setting>".utf8)
    }
}

/// A replacement of a byte range (an insertion when the range is empty).
struct ByteEdit {
    let range: Range<Int>
    let bytes: [UInt8]

    init(_ range: Range<Int>, _ bytes: [UInt8]) {
        self.range = range
        self.bytes = bytes
    }

    /// Applies non-overlapping edits; insertions at an offset come before a replacement there.
    static func apply(_ edits: [ByteEdit], to original: [UInt8], source: String) throws(CTIFailure) -> [UInt8] {
        let sorted = edits.enumerated().sorted {
            ($0.element.range.lowerBound, $0.element.range.upperBound, $0.offset) < ($1.element.range.lowerBound, $1.element.range.upperBound, $1.offset)
        }.map(\.element)
        var output: [UInt8] = []
        output.reserveCapacity(original.count + sorted.reduce(0) { $0 + $1.bytes.count })
        var copied = 0
        for edit in sorted {
            guard edit.range.lowerBound >= copied else {
                throw CTIFailure.quoting(.configEditConflict, "\(source): two changes touch the same bytes; make them one at a time")
            }
            output.append(contentsOf: original[copied..<edit.range.lowerBound])
            output.append(contentsOf: edit.bytes)
            copied = edit.range.upperBound
        }
        output.append(contentsOf: original[copied...])
        return output
    }
}
