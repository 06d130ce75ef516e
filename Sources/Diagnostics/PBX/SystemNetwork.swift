import ClientConfig

#if canImport(Glibc)
import Glibc
#elseif canImport(Musl)
import Musl
#elseif canImport(Darwin)
import Darwin
#endif

/// The real network: getaddrinfo (on a thread of its own, waited for until the deadline) and
/// non-blocking TCP connects watched with poll until the deadline. Every socket is closed
/// before a probe returns.
public struct SystemNetwork: PBXNetwork {
    /// At most this many addresses of one name are tried.
    static let addressLimit = 4

    public init() {}

    public func resolve(_ host: String, deadline: ContinuousClock.Instant) -> Resolution {
        OwnThread.result(until: deadline) { Self.lookUp(host) } ?? .timedOut
    }

    public func probe(_ address: IPAddress, port: UInt16, speaking service: ServiceProtocol, host: String, deadline: ContinuousClock.Instant) -> PortOutcome {
        TCPProbe(address: address, port: port, deadline: deadline).run(sending: service.request(host: host), expecting: service)
    }

    static func lookUp(_ host: String) -> Resolution {
        var hints = addrinfo()
        hints.ai_family = AF_UNSPEC
        #if canImport(Darwin)
        hints.ai_socktype = SOCK_STREAM
        #else
        hints.ai_socktype = Int32(SOCK_STREAM.rawValue)
        #endif
        var list: UnsafeMutablePointer<addrinfo>?
        let status = getaddrinfo(host, nil, &hints, &list)
        defer { if let list { freeaddrinfo(list) } }
        guard status == 0 else {
            let words = String(cString: gai_strerror(status))
            return status == EAI_NONAME || status == EAI_NODATA_OR_NONAME ? .notFound(words) : .failed(words)
        }
        var addresses: [IPAddress] = []
        var entry = list
        while let current = entry?.pointee {
            if let address = current.ai_addr.flatMap(Self.address(of:)), !addresses.contains(address) { addresses.append(address) }
            entry = current.ai_next
        }
        return addresses.isEmpty ? .notFound("no IPv4 or IPv6 address") : .addresses(Array(addresses.prefix(addressLimit)))
    }

    private static func address(of socketAddress: UnsafeMutablePointer<sockaddr>) -> IPAddress? {
        switch Int32(socketAddress.pointee.sa_family) {
        case AF_INET:
            return socketAddress.withMemoryRebound(to: sockaddr_in.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin_addr) { IPAddress(bytes: Array($0)) }
            }
        case AF_INET6:
            return socketAddress.withMemoryRebound(to: sockaddr_in6.self, capacity: 1) { pointer in
                withUnsafeBytes(of: pointer.pointee.sin6_addr) { IPAddress(bytes: Array($0)) }
            }
        default:
            return nil
        }
    }
}

#if canImport(Glibc) || canImport(Musl)
// glibc reports a name without addresses as EAI_NODATA (a GNU extension) on some systems.
private let EAI_NODATA_OR_NONAME: Int32 = -5
#else
private let EAI_NODATA_OR_NONAME: Int32 = EAI_NONAME
#endif

/// One connect to one address and port, then one request and the first bytes of the answer,
/// all before the deadline.
struct TCPProbe {
    let address: IPAddress
    let port: UInt16
    let deadline: ContinuousClock.Instant

    func run(sending request: [UInt8], expecting service: ServiceProtocol) -> PortOutcome {
        let family = address.isIPv4 ? AF_INET : AF_INET6
        #if canImport(Darwin)
        let socketType = SOCK_STREAM
        #else
        let socketType = Int32(SOCK_STREAM.rawValue) | Int32(SOCK_CLOEXEC.rawValue)
        #endif
        let descriptor = socket(family, socketType, 0)
        guard descriptor >= 0 else { return .unreachable("no socket: \(Self.words(errno))") }
        defer { close(descriptor) }
        let flags = fcntl(descriptor, F_GETFL, 0)
        guard flags >= 0, fcntl(descriptor, F_SETFL, flags | O_NONBLOCK) == 0 else { return .unreachable("no non-blocking socket: \(Self.words(errno))") }
        #if canImport(Darwin)
        var one: Int32 = 1
        setsockopt(descriptor, SOL_SOCKET, SO_NOSIGPIPE, &one, socklen_t(MemoryLayout<Int32>.size))
        #endif

        if let early = connect(descriptor) { return early }
        guard wait(descriptor, for: Int16(POLLOUT)) else { return .timedOut }
        var failure: Int32 = 0
        var size = socklen_t(MemoryLayout<Int32>.size)
        guard getsockopt(descriptor, SOL_SOCKET, SO_ERROR, &failure, &size) == 0 else { return .unreachable(Self.words(errno)) }
        if failure != 0 { return Self.connectFailure(failure) }

        var sent = 0
        while sent < request.count {
            let count = request[sent...].withUnsafeBytes { send(descriptor, $0.baseAddress, $0.count, Self.noSignal) }
            if count > 0 {
                sent += count
            } else if count < 0 && (errno == EAGAIN || errno == EWOULDBLOCK || errno == EINTR) {
                guard wait(descriptor, for: Int16(POLLOUT)) else { return .silent }
            } else {
                return .closed
            }
        }
        guard wait(descriptor, for: Int16(POLLIN)) else { return .silent }
        var answer = [UInt8](repeating: 0, count: 512)
        let count = answer.withUnsafeMutableBytes { recv(descriptor, $0.baseAddress, $0.count, 0) }
        guard count > 0 else { return .closed }
        answer.removeSubrange(count...)
        return service.recognizes(answer) ? .answered : .otherProtocol(Self.preview(answer))
    }

    /// Starts the connect; an outcome when it is already decided (loopback can refuse at once).
    private func connect(_ descriptor: Int32) -> PortOutcome? {
        func start<Target>(_ target: Target) -> Int32 {
            withUnsafePointer(to: target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { systemConnect(descriptor, $0, socklen_t(MemoryLayout<Target>.size)) } }
        }
        let result: Int32
        if address.isIPv4 {
            var target = sockaddr_in()
            target.sin_family = sa_family_t(AF_INET)
            target.sin_port = port.bigEndian
            withUnsafeMutableBytes(of: &target.sin_addr) { $0.copyBytes(from: address.bytes) }
            result = start(target)
        } else {
            var target = sockaddr_in6()
            target.sin6_family = sa_family_t(AF_INET6)
            target.sin6_port = port.bigEndian
            withUnsafeMutableBytes(of: &target.sin6_addr) { $0.copyBytes(from: address.bytes) }
            result = start(target)
        }
        if result == 0 || errno == EINPROGRESS || errno == EINTR { return nil }
        return Self.connectFailure(errno)
    }

    /// Waits until the socket is ready for `events` (or has failed); false once the deadline passes.
    private func wait(_ descriptor: Int32, for events: Int16) -> Bool {
        while true {
            let left = ContinuousClock.now.duration(to: deadline)
            guard left > .zero else { return false }
            let milliseconds = Int32(clamping: left.components.seconds * 1000 + left.components.attoseconds / 1_000_000_000_000_000 + 1)
            var watched = pollfd(fd: descriptor, events: events, revents: 0)
            let ready = poll(&watched, 1, milliseconds)
            if ready > 0 { return true }
            if ready < 0 && errno != EINTR { return true }  // the next call on the socket reports the error
        }
    }

    private static func connectFailure(_ code: Int32) -> PortOutcome {
        switch code {
        case ECONNREFUSED: return .refused
        case ETIMEDOUT: return .timedOut
        default: return .unreachable(words(code))
        }
    }

    private static func words(_ code: Int32) -> String { String(cString: strerror(code)) }

    /// The first bytes of an unexpected answer: printable ASCII as it is, the rest as dots.
    static func preview(_ bytes: [UInt8]) -> String {
        String(bytes.prefix(24).map { (0x20..<0x7f).contains($0) ? Character(Unicode.Scalar($0)) : "." })
    }

    #if canImport(Darwin)
    private static let noSignal: Int32 = 0
    #else
    private static let noSignal = Int32(MSG_NOSIGNAL)
    #endif
}

// Named so the call above is not shadowed by the method `connect(_:)`.
@inline(__always) private func systemConnect(_ descriptor: Int32, _ address: UnsafePointer<sockaddr>, _ length: socklen_t) -> Int32 {
    #if canImport(Darwin)
    return Darwin.connect(descriptor, address, length)
    #elseif canImport(Musl)
    return Musl.connect(descriptor, address, length)
    #else
    return Glibc.connect(descriptor, address, length)
    #endif
}
