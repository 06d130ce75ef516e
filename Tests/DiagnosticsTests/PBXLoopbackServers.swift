import ClientConfig
import Foundation
import Synchronization
@testable import Diagnostics

#if canImport(Glibc)
import Glibc
#elseif canImport(Darwin)
import Darwin
#endif

/// Servers on loopback for the port probes, and nothing else: the tests never reach beyond
/// 127.0.0.1 and ::1.
final class LoopbackServer: @unchecked Sendable {
    enum Behaviour: Sendable {
        /// Accepts, reads the request, writes these bytes and keeps the connection open.
        case answers([UInt8])
        /// Accepts and never writes.
        case silent
        /// Accepts and closes at once.
        case closes
        /// Never accepts, its one-place queue kept full: a new connection gets no answer to its
        /// SYN (Linux drops a SYN to a full accept queue), so connect itself times out.
        case queueFull
    }

    let address: IPAddress
    let port: UInt16
    private let descriptor: Int32
    private let stopped = Atomic<Bool>(false)
    private let accepted = Mutex<[Int32]>([])
    private var fillers: [Int32] = []
    private var serving = false

    static let xmppGreeting = Array("<?xml version='1.0'?><stream:stream xmlns='jabber:client' xmlns:stream='http://etherx.jabber.org/streams' id='1' from='pbx' version='1.0'>".utf8)
    static let tlsAlert: [UInt8] = [0x15, 0x03, 0x03, 0x00, 0x02, 0x02, 0x28]

    init(_ behaviour: Behaviour, ipv6: Bool = false) throws {
        let (descriptor, port) = try Self.bound(ipv6: ipv6)
        self.descriptor = descriptor
        self.port = port
        address = IPAddress(ipv6 ? "::1" : "127.0.0.1")!
        if case .queueFull = behaviour {
            guard !ipv6, listen(descriptor, 0) == 0 else { throw POSIXError(.EADDRINUSE) }
            try fillQueue()
            return
        }
        guard listen(descriptor, 16) == 0 else { throw POSIXError(.EADDRINUSE) }
        serving = true
        // A thread of its own, started now: no waiting for the cooperative pool, which other suites may keep busy.
        OwnThread.start { self.serve(behaviour) }
    }

    /// A loopback port that was just free: nothing listens there, a connect is refused.
    static func closedPort(ipv6: Bool = false) throws -> UInt16 {
        let (descriptor, port) = try bound(ipv6: ipv6)
        close(descriptor)
        return port
    }

    /// Ends the server. Its descriptors are closed once, by whoever uses them: the serving
    /// thread when it ends (a close under its feet could hand its descriptor to another test).
    func stop() {
        guard !stopped.exchange(true, ordering: .sequentiallyConsistent) else { return }
        if !serving { closeAll() }
    }

    private func closeAll() {
        for descriptor in accepted.withLock({ $0 }) + fillers { close(descriptor) }
        close(descriptor)
    }

    deinit { stop() }

    private static func bound(ipv6: Bool) throws -> (Int32, UInt16) {
        let descriptor = socket(ipv6 ? AF_INET6 : AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        guard descriptor >= 0 else { throw POSIXError(.EMFILE) }
        var length: socklen_t
        var result: Int32
        if ipv6 {
            var address = sockaddr_in6()
            address.sin6_family = sa_family_t(AF_INET6)
            address.sin6_addr = in6addr_loopback
            length = socklen_t(MemoryLayout<sockaddr_in6>.size)
            result = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
            guard result == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
            result = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
            return (descriptor, UInt16(bigEndian: address.sin6_port))
        }
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
        length = socklen_t(MemoryLayout<sockaddr_in>.size)
        result = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard result == 0 else { throw POSIXError(.EADDRNOTAVAIL) }
        result = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }

    private func serve(_ behaviour: Behaviour) {
        while !stopped.load(ordering: .sequentiallyConsistent) {
            var watched = pollfd(fd: descriptor, events: Int16(POLLIN), revents: 0)
            guard poll(&watched, 1, 20) > 0 else { continue }
            let client = accept(descriptor, nil, nil)
            guard client >= 0 else { continue }
            switch behaviour {
            case .answers(let bytes):
                var request = [UInt8](repeating: 0, count: 1024)
                _ = request.withUnsafeMutableBytes { recv(client, $0.baseAddress, $0.count, 0) }
                _ = bytes.withUnsafeBytes { send(client, $0.baseAddress, $0.count, Int32(MSG_NOSIGNAL)) }
                accepted.withLock { $0.append(client) }
            case .silent, .queueFull:
                accepted.withLock { $0.append(client) }
            case .closes:
                close(client)
            }
        }
        closeAll()
    }

    /// Connects until one connection stays pending: the queue is then full.
    private func fillQueue() throws {
        for _ in 0..<8 {
            let filler = socket(address.isIPv4 ? AF_INET : AF_INET6, Int32(SOCK_STREAM.rawValue), 0)
            fillers.append(filler)
            _ = fcntl(filler, F_SETFL, fcntl(filler, F_GETFL, 0) | O_NONBLOCK)
            var target = sockaddr_in()
            target.sin_family = sa_family_t(AF_INET)
            target.sin_port = port.bigEndian
            target.sin_addr.s_addr = UInt32(0x7f00_0001).bigEndian
            _ = withUnsafePointer(to: &target) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(filler, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
            var watched = pollfd(fd: filler, events: Int16(POLLOUT), revents: 0)
            if poll(&watched, 1, 200) == 0 { return }
        }
        throw POSIXError(.EAGAIN)
    }
}

/// The network for tests: names from a table (never the system resolver), and probes only to
/// loopback; anything else is refused and recorded.
final class LoopbackOnlyNetwork: PBXNetwork, @unchecked Sendable {
    let names: [String: Resolution]
    private let refused = Mutex<[String]>([])
    private let probed = Mutex<[String]>([])

    init(names: [String: Resolution] = [:]) {
        self.names = names
    }

    /// What was asked for beyond loopback (and refused).
    var refusedRequests: [String] { refused.withLock { $0 } }
    /// Every probe made, `address port`.
    var probes: [String] { probed.withLock { $0 } }

    func resolve(_ host: String, deadline: ContinuousClock.Instant) -> Resolution {
        if let known = names[host] { return known }
        refused.withLock { $0.append("resolve \(host)") }
        return .failed("not in the test's table")
    }

    func probe(_ address: IPAddress, port: UInt16, speaking service: ServiceProtocol, host: String, deadline: ContinuousClock.Instant) -> PortOutcome {
        guard address.kind == .loopback else {
            refused.withLock { $0.append("probe \(address) \(port)") }
            return .unreachable("refused by the test")
        }
        probed.withLock { $0.append("\(address) \(port)") }
        return SystemNetwork().probe(address, port: port, speaking: service, host: host, deadline: deadline)
    }
}

/// A directory of settings files for one test, removed when released.
final class PBXTestDirectory {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("ctictl-pbx-\(UUID().uuidString)").path

    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }

    deinit { try? FileManager.default.removeItem(atPath: path) }

    /// Writes a user.config with these settings at `relative` and returns its path.
    @discardableResult
    func config(_ relative: String, _ settings: [String: String]) throws -> String {
        let file = path + "/" + relative
        try FileManager.default.createDirectory(atPath: (file as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
        let lines = settings.sorted { $0.key < $1.key }.map {
            "      <setting name=\"\($0.key)\" serializeAs=\"String\"><value>\($0.value)</value></setting>"
        }
        let text = (["<?xml version=\"1.0\" encoding=\"utf-8\"?>", "<configuration>", "  <userSettings>", "    <DatevConnector.Properties.Settings>"]
            + lines + ["    </DatevConnector.Properties.Settings>", "  </userSettings>", "</configuration>", ""]).joined(separator: "\n")
        try text.write(toFile: file, atomically: true, encoding: .utf8)
        return file
    }

    func context(configs: [String] = [], root: String? = nil, timeout: Int? = 300) -> DoctorContext {
        DoctorContext(product: "datev-connector", profileRoot: root, configFiles: configs, configSchemas: "config-schemas", now: 0, probeTimeoutMilliseconds: timeout)
    }
}
