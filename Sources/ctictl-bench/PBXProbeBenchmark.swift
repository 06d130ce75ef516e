import CTICore
import Diagnostics
import Foundation

/// The PBX probe phase of `ctictl doctor` (the pbx.ports check, config reading included) with
/// unreachable PBXs, against its probe timeout: `users` profiles below a root naming `hosts`
/// loopback PBXs (127.0.0.2, ...), each with an XMPP port whose SYN is dropped (a listen
/// queue kept full) and an SSL port that accepts and never answers. Target: the probe
/// timeout plus at most 100 ms, however many hosts.
enum PBXProbeBenchmark {
    static func run(users: Int, hosts: Int, timeoutMilliseconds: Int, rounds: Int) throws {
        let root = FileManager.default.temporaryDirectory.appendingPathComponent("ctictl-pbx-bench-\(getpid())").path
        defer { try? FileManager.default.removeItem(atPath: root) }
        var listeners: [Int32] = []
        defer { listeners.forEach { close($0) } }
        var pbxs: [(host: String, xmpp: UInt16, ssl: UInt16)] = []
        for index in 0..<hosts {
            let host = "127.0.0.\(index + 2)"
            let (dropping, xmpp) = try listener(on: host, backlog: 0)
            let (silent, ssl) = try listener(on: host, backlog: 16)
            listeners += [dropping, silent, try fill(host: host, port: xmpp)]
            pbxs.append((host, xmpp, ssl))
        }
        for user in 0..<users {
            let pbx = pbxs[user % hosts]
            let folder = "\(root)/Users/user\(user)/AppData/Roaming/DatevConnector"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let settings = ConfigMigrateBenchmark.userConfig([("StarfaceHost", pbx.host), ("XmppPort", "\(pbx.xmpp)"), ("SslPort", "\(pbx.ssl)")])
            try Data(settings).write(to: URL(fileURLWithPath: folder + "/user.config"))
        }
        let context = DoctorContext(product: "datev-connector", profileRoot: root, configSchemas: "config-schemas", now: 0, probeTimeoutMilliseconds: timeoutMilliseconds)
        var walls: [Double] = []
        var codes: [String] = []
        for _ in 0..<rounds {
            let started = ContinuousClock.now
            guard let outcome = blocking({ await PBXPortsCheck().run(in: context) }) else { throw CTIFailure(.bench, "the probe task ended without a result") }
            let wall = ContinuousClock.now - started
            walls.append(Double(wall.components.seconds) * 1e3 + Double(wall.components.attoseconds) / 1e15)
            codes = outcome.findings.map(\.code)
        }
        let expected = Array(repeating: ["pbx.port-timeout", "pbx.port-silent"], count: hosts).flatMap { $0 }
        guard codes == expected else { throw CTIFailure(.bench, "unexpected findings: \(codes)") }
        let sorted = walls.sorted()
        let median = BatchBenchmark.median(walls)
        print(String(
            format: "pbx.ports, %d users, %d unreachable hosts x 2 ports, timeout %d ms: wall median %.1f ms (min %.1f, max %.1f) over %d rounds; over the timeout: median %.1f ms, max %.1f ms (target <= 100)",
            users, hosts, timeoutMilliseconds, median, sorted.first ?? 0, sorted.last ?? 0, rounds,
            median - Double(timeoutMilliseconds), (sorted.last ?? 0) - Double(timeoutMilliseconds)))
    }

    /// Runs async work from this synchronous program (the main thread waits, not the pool).
    private static func blocking<T: Sendable>(_ work: @escaping @Sendable () async -> T) -> T? {
        let semaphore = DispatchSemaphore(value: 0)
        let result = ResultBox<T>()
        Task {
            result.value = await work()
            semaphore.signal()
        }
        semaphore.wait()
        return result.value
    }

    /// Written by the task before it signals, read after the wait: the semaphore orders the two.
    private final class ResultBox<T>: @unchecked Sendable {
        var value: T?
    }

    private static func listener(on host: String, backlog: Int32) throws -> (Int32, UInt16) {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        inet_pton(AF_INET, host, &address.sin_addr)
        var length = socklen_t(MemoryLayout<sockaddr_in>.size)
        let bound = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { bind(descriptor, $0, length) } }
        guard bound == 0, listen(descriptor, backlog) == 0 else { throw CTIFailure(.bench, "cannot listen on \(host)") }
        _ = withUnsafeMutablePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { getsockname(descriptor, $0, &length) } }
        return (descriptor, UInt16(bigEndian: address.sin_port))
    }

    /// One connection that fills a backlog-0 queue: later SYNs to the port are dropped.
    private static func fill(host: String, port: UInt16) throws -> Int32 {
        let descriptor = socket(AF_INET, Int32(SOCK_STREAM.rawValue), 0)
        var address = sockaddr_in()
        address.sin_family = sa_family_t(AF_INET)
        address.sin_port = port.bigEndian
        inet_pton(AF_INET, host, &address.sin_addr)
        let connected = withUnsafePointer(to: &address) { $0.withMemoryRebound(to: sockaddr.self, capacity: 1) { connect(descriptor, $0, socklen_t(MemoryLayout<sockaddr_in>.size)) } }
        guard connected == 0 else { throw CTIFailure(.bench, "cannot fill the queue of \(host):\(port)") }
        return descriptor
    }
}
