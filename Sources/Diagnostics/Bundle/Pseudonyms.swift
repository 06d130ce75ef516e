import CTICore

/// What a pseudonym stands for; its raw value is the pseudonym's prefix (`host-1`).
public enum PseudonymKind: String, Sendable, CaseIterable {
    case host
    case user
    /// A public IP address (v4 or v6).
    case ip
    /// A private, link-local or shared address (RFC 1918, RFC 6598, fe80::/10, fc00::/7): kept
    /// apart from public ones, because "the PBX's public address instead of its LAN address"
    /// is a support question the bundle must still answer.
    case lanIP = "lan-ip"
    case phone
    case mac
    case customer
    case customerID = "customer-id"
    /// A PBX instance id (a license's binding).
    case pbx
}

/// The pseudonyms of one bundle: the same value gets the same pseudonym in every file. They
/// are numbered per kind in the order values are first met (the known values of configs,
/// paths and license first, in source order, then what the text scanners find), so a run
/// over the same inputs gives the same bundle. No key and no hash: a pseudonym says nothing
/// about its value, and the mapping exists only in the file written beside the bundle.
public struct PseudonymTable: Sendable {
    public struct Entry: Sendable, Equatable {
        public let kind: PseudonymKind
        public let value: String
        public let pseudonym: String
    }

    private var byKey: [String: Int] = [:]
    private var counters: [PseudonymKind: Int] = [:]
    /// Every pseudonym given, in the order given.
    public private(set) var entries: [Entry] = []

    public init() {}

    /// The pseudonym of `value` (as written; `normalized` is what makes two spellings the
    /// same, e.g. a host name in any case), giving it the next number if it has none yet.
    public mutating func pseudonym(_ kind: PseudonymKind, for value: String, normalized: String) -> String {
        let key = kind.rawValue + "\u{0}" + normalized
        if let index = byKey[key] { return entries[index].pseudonym }
        let number = (counters[kind] ?? 0) + 1
        counters[kind] = number
        let entry = Entry(kind: kind, value: value, pseudonym: "\(kind.rawValue)-\(number)")
        byKey[key] = entries.count
        entries.append(entry)
        return entry.pseudonym
    }

    /// How many values of each kind were replaced.
    public var counts: [PseudonymKind: Int] { counters }

    /// The mapping file (`ctictl.bundle-mapping/1`): pseudonym to original value. It is kept
    /// by whoever made the bundle and never put into it.
    public func mappingJSON(bundle: String) -> [UInt8] {
        JSONWriter.pretty(.object([
            "schema": .string("ctictl.bundle-mapping/1"),
            "bundle": .string(bundle),
            "note": .string("Pseudonym to original value for the support bundle named above. Keep this file; never send it."),
            "pseudonyms": .array(entries.map { .object(["pseudonym": .string($0.pseudonym), "kind": .string($0.kind.rawValue), "value": .string($0.value)]) }),
        ]))
    }
}
