import Foundation

/// A fresh temporary directory, removed when its owner goes away: a suite instance (Swift
/// Testing makes one per test) or a test's local. The unit test targets link this very file
/// (test targets share no code otherwise).
final class TemporaryDirectory {
    let url: URL

    init(_ prefix: String = "ctictl-test") throws {
        url = FileManager.default.temporaryDirectory.appendingPathComponent("\(prefix)-\(UUID().uuidString)")
        try FileManager.default.createDirectory(at: url, withIntermediateDirectories: true)
    }

    var path: String { url.path }

    func path(_ name: String) -> String { url.appendingPathComponent(name).path }

    deinit { try? FileManager.default.removeItem(at: url) }
}
