import ClientConfig

/// What looking up a host name gave.
public enum Resolution: Sendable, Equatable {
    case addresses([IPAddress])
    /// The name does not exist (or has no address), with the resolver's words.
    case notFound(String)
    /// No answer before the deadline.
    case timedOut
    /// The resolver failed otherwise (no DNS server reachable, ...).
    case failed(String)
}

/// What one TCP probe of an address and port found.
public enum PortOutcome: Sendable, Equatable {
    /// Connected, and the service answered as expected (XMPP, TLS).
    case answered
    /// Connected, but no answer before the deadline: something accepts the connection and stays silent.
    case silent
    /// Connected, and the answer was not the expected protocol (its first bytes, shown safely).
    case otherProtocol(String)
    /// Connected, and the other side closed without answering.
    case closed
    /// Nothing listens: the connection was refused.
    case refused
    /// No answer to the connection attempt before the deadline (a firewall dropping it, a host that is off).
    case timedOut
    /// The network says the address cannot be reached (no route, host unreachable, ...).
    case unreachable(String)
}

/// Which protocol a port speaks, so a probe can tell the PBX from anything else that accepts
/// connections there. Both protocols wait for the client to speak first.
public enum ServiceProtocol: String, Sendable, Equatable {
    case xmpp = "XMPP"
    case tls = "TLS"

    /// What the probe sends after connecting.
    func request(host: String) -> [UInt8] {
        switch self {
        case .xmpp:
            // The host comes from a config: only characters that cannot end the attribute go in.
            let domain = String(host.unicodeScalars.filter { $0.isASCII && !"'\"<>&".unicodeScalars.contains($0) && $0.value >= 0x20 })
            return Array("<?xml version='1.0'?><stream:stream to='\(domain)' xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' version='1.0'>".utf8)
        case .tls:
            return TLSClientHello.bytes
        }
    }

    /// Whether the first bytes of an answer are this protocol's.
    func recognizes(_ answer: [UInt8]) -> Bool {
        switch self {
        case .xmpp:
            // An XMPP server answers with its own stream header (or a stream error), XML either way.
            let text = String(decoding: answer.prefix(512), as: UTF8.self)
            return text.drop { $0.isWhitespace }.hasPrefix("<") && text.contains("stream")
        case .tls:
            // A TLS record: a handshake (ServerHello) or an alert, any TLS version.
            return answer.count >= 2 && (answer[0] == 0x16 || answer[0] == 0x15) && answer[1] == 0x03
        }
    }
}

/// The network as the PBX checks see it: name lookup and port probes, each returning by its
/// deadline. Both block the calling thread, which is one of the probe's own (`OwnThread`).
/// Tests pass one that reaches loopback only.
public protocol PBXNetwork: Sendable {
    func resolve(_ host: String, deadline: ContinuousClock.Instant) -> Resolution
    func probe(_ address: IPAddress, port: UInt16, speaking service: ServiceProtocol, host: String, deadline: ContinuousClock.Instant) -> PortOutcome
}

/// A minimal TLS ClientHello (TLS 1.2 record, common ECDHE suites): enough for any TLS server
/// to answer with a ServerHello or an alert, which is all the probe looks for.
enum TLSClientHello {
    static let bytes: [UInt8] = {
        let suites: [UInt8] = [0xc0, 0x2f, 0xc0, 0x2b, 0xc0, 0x30, 0xc0, 0x2c, 0x00, 0x9c, 0x00, 0x2f, 0x13, 0x01, 0x13, 0x02]
        let extensions: [UInt8] =
            [0x00, 0x0a, 0x00, 0x06, 0x00, 0x04, 0x00, 0x1d, 0x00, 0x17]  // supported groups: x25519, P-256
            + [0x00, 0x0b, 0x00, 0x02, 0x01, 0x00]  // EC point formats: uncompressed
            + [0x00, 0x0d, 0x00, 0x08, 0x00, 0x06, 0x04, 0x03, 0x08, 0x04, 0x04, 0x01]  // signature algorithms
        var body: [UInt8] = [0x03, 0x03] + [UInt8](repeating: 0x2a, count: 32) + [0x00]
        body += length16(suites.count) + suites + [0x01, 0x00] + length16(extensions.count) + extensions
        let handshake: [UInt8] = [0x01, 0x00] + length16(body.count) + body
        return [0x16, 0x03, 0x01] + length16(handshake.count) + handshake
    }()

    private static func length16(_ count: Int) -> [UInt8] { [UInt8(count >> 8), UInt8(count & 0xff)] }
}
