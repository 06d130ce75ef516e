/// The XML of a settings file as a tree whose every part knows its byte range in the file, so
/// an edit can replace exactly the bytes of one value and leave everything else untouched.
public struct MarkupElement: Sendable {
    public var name: String
    public var attributes: [MarkupAttribute]
    /// From `<` of the start tag to `>` of the end tag (or of `/>`).
    var range: Range<Int>
    var startTag: Range<Int>
    /// Between the start tag and the end tag; nil for `<name />`.
    var content: Range<Int>?
    public var children: [MarkupNode]

    public func attribute(_ name: String) -> MarkupAttribute? { attributes.first { $0.name == name } }

    public var childElements: [MarkupElement] {
        children.compactMap { if case let .element(element) = $0 { return element } else { return nil } }
    }

    /// The character data of the direct children (text and CDATA, comments left out), as
    /// .NET's `InnerText` reads it for an element holding text only.
    public var text: String {
        var text = ""
        for case let .text(part) in children { text += part }
        return text
    }
}

public struct MarkupAttribute: Sendable {
    public var name: String
    /// The value with references replaced and whitespace normalised, as XML defines it.
    public var value: String
    /// From the first byte of the name to the closing quote.
    var range: Range<Int>
}

public enum MarkupNode: Sendable {
    case element(MarkupElement)
    /// Character data with references replaced and line ends normalised (text or CDATA).
    case text(String)
    /// A comment or processing instruction: kept in the bytes, nothing to read.
    case other
}
