extension String {
    /// Without leading and trailing white space (Unicode's, as `Character.isWhitespace`).
    public var trimmingWhitespace: String {
        var slice = Substring(self)
        while slice.first?.isWhitespace == true { slice = slice.dropFirst() }
        while slice.last?.isWhitespace == true { slice = slice.dropLast() }
        return String(slice)
    }

    /// A MAC address in one spelling: lower case, colons (`00-1A-2B-…` is `00:1a:2b:…`).
    public var normalizedMAC: String { String(lowercased().map { $0 == "-" ? ":" : $0 }) }
}
