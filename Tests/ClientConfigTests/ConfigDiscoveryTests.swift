import CTICore
import ClientConfig
import Foundation
import Testing

@Suite struct ConfigDiscoveryTests {
    /// A copied system drive with both layouts, Windows names in other cases, a version folder
    /// that is no version, links inside and outside the root, and profiles without a config.
    @Test func findsEveryUsersConfigInBothLayouts() throws {
        try withTemporaryTree { root, outside in
            try write(root, "Users/anna/AppData/Roaming/DatevConnector/user.config")
            try write(root, "Users/Bernd/appdata/ROAMING/datevconnector/User.Config")
            try write(root, "Users/carla/AppData/Local/STARFACE/DatevConnector.exe_Url_k3jd0ss1xq2gz0kfmdl5vw0c1gt0sgkf/2.4.4.1/user.config")
            try write(root, "Users/carla/AppData/Local/STARFACE/DatevConnector.exe_Url_k3jd0ss1xq2gz0kfmdl5vw0c1gt0sgkf/2.6.1.0/user.config")
            try write(root, "Users/dora/AppData/Local/Vendor/Tool.exe_StrongName_abc/current/user.config")
            try write(root, "Users/dora/AppData/Local/Vendor/NotDotNet/1.0/user.config")
            try write(root, "Users/dora/AppData/Roaming/DatevConnector/user.config.bak")
            try write(root, "Users/Public/Desktop/readme.txt")
            try write(root, "shared/DatevConnector/user.config")
            try write(outside, "DatevConnector/user.config")
            try makeDirectory(root + "/Users/emil/AppData/Roaming")
            try FileManager.default.createSymbolicLink(atPath: root + "/Users/emil/AppData/Roaming/DatevConnector", withDestinationPath: root + "/shared/DatevConnector")
            try makeDirectory(root + "/Users/fritz/AppData/Roaming")
            try FileManager.default.createSymbolicLink(atPath: root + "/Users/fritz/AppData/Roaming/DatevConnector", withDestinationPath: outside + "/DatevConnector")

            let found = try ConfigDiscovery(root: root)
            let rows = found.configs.map { [$0.user, String($0.path.dropFirst(root.count)), $0.layout.rawValue, $0.company ?? "-", $0.application ?? "-", $0.version ?? "-"] }
            let app = "DatevConnector.exe_Url_k3jd0ss1xq2gz0kfmdl5vw0c1gt0sgkf"
            #expect(rows == [
                ["Bernd", "/Users/Bernd/appdata/ROAMING/datevconnector/User.Config", "roaming", "-", "-", "-"],
                ["anna", "/Users/anna/AppData/Roaming/DatevConnector/user.config", "roaming", "-", "-", "-"],
                ["carla", "/Users/carla/AppData/Local/STARFACE/\(app)/2.4.4.1/user.config", "dotNet", "STARFACE", app, "2.4.4.1"],
                ["carla", "/Users/carla/AppData/Local/STARFACE/\(app)/2.6.1.0/user.config", "dotNet", "STARFACE", app, "2.6.1.0"],
                ["dora", "/Users/dora/AppData/Local/Vendor/Tool.exe_StrongName_abc/current/user.config", "dotNet", "Vendor", "Tool.exe_StrongName_abc", "-"],
                ["emil", "/Users/emil/AppData/Roaming/DatevConnector/user.config", "roaming", "-", "-", "-"],
            ])
            #expect(found.skipped.map { String($0.path.dropFirst(root.count)) } == ["/Users/fritz/AppData/Roaming/DatevConnector"])
            #expect(found.skipped.first?.reason.en.contains("out of the root") == true)
            #expect(found.skipped.first?.reason.de.contains("aus dem Wurzelordner") == true)

            // The Users folder itself as the root finds the same files, but for the link to
            // root/shared, which now leads out of the root.
            let fromUsers = try ConfigDiscovery(root: root + "/Users/")
            #expect(fromUsers.configs.map(\.path) == found.configs.filter { $0.user != "emil" }.map(\.path))
            #expect(fromUsers.skipped.map { String($0.path.dropFirst(root.count)) } == [
                "/Users/emil/AppData/Roaming/DatevConnector", "/Users/fritz/AppData/Roaming/DatevConnector",
            ])
            // Deterministic: a second run gives the same answer, and so does one that walks
            // the profiles on every core.
            #expect(try ConfigDiscovery(root: root).configs == found.configs)
            let concurrent = BatchRunner { count, body in DispatchQueue.concurrentPerform(iterations: count, execute: body) }
            // A slice at a time (as config migrate walks them), in any slice size: the same
            // configs in the same order, and the same skipped paths.
            let profiles = try ProfileFolders(root: root)
            for size in [1, 2, 3, 100] {
                let chunks = profiles.chunks(of: size)
                #expect(chunks.flatMap { Array($0) } == Array(profiles.folders.indices), "size \(size)")
                let slices = chunks.map { profiles.discover($0, runner: concurrent) }
                #expect(slices.flatMap(\.configs) == found.configs, "size \(size)")
                #expect((profiles.skipped + slices.flatMap(\.skipped)).map(\.path).sorted() == found.skipped.map(\.path), "size \(size)")
            }
            for base in [root, root + "/Users/"] {
                let serial = try ConfigDiscovery(root: base), spread = try ConfigDiscovery(root: base, runner: concurrent)
                #expect(spread.configs == serial.configs)
                #expect(spread.skipped == serial.skipped)
            }
        }
    }

    @Test func refusesARootThatIsNoDirectory() throws {
        do {
            _ = try ConfigDiscovery(root: "/nonexistent/ctictl-root")
            Issue.record("a missing root was searched")
        } catch {
            #expect(error.code == "file.not-found")
            #expect(error.message.contains("/nonexistent/ctictl-root"))
        }
        try withTemporaryTree { root, _ in
            try write(root, "file")
            do throws(CTIFailure) {
                _ = try ConfigDiscovery(root: root + "/file")
                Issue.record("a file was searched as a root")
            } catch {
                #expect(error.errorCode == .configRootNotDirectory)
                #expect(error.kind.exitStatus == 64)
            }
        }
    }

    /// Each directory is listed once, whichever layouts it may hold: a link out of the root
    /// where AppData should be is skipped once, and both layouts below one AppData are found.
    @Test func eachDirectoryIsListedOnce() throws {
        try withTemporaryTree { root, outside in
            try write(outside, "AppData/Roaming/DatevConnector/user.config")
            try makeDirectory(root + "/Users/gus")
            try FileManager.default.createSymbolicLink(atPath: root + "/Users/gus/AppData", withDestinationPath: outside + "/AppData")
            try write(root, "Users/hanna/AppData/Roaming/DatevConnector/user.config")
            try write(root, "Users/hanna/AppData/Local/STARFACE/DatevConnector.exe_Url_abc/2.6.1.0/user.config")
            let found = try ConfigDiscovery(root: root)
            #expect(found.skipped.map { String($0.path.dropFirst(root.count)) } == ["/Users/gus/AppData"])
            #expect(found.configs.map(\.layout) == [.dotNet, .roaming])
            #expect(found.configs.allSatisfy { $0.user == "hanna" })
        }
    }

    @Test func anEmptyTreeFindsNothing() throws {
        try withTemporaryTree { root, _ in
            let found = try ConfigDiscovery(root: root)
            #expect(found.configs.isEmpty)
            #expect(found.skipped.isEmpty)
        }
    }

    private func withTemporaryTree(_ body: (String, String) throws -> Void) throws {
        let base = FileManager.default.temporaryDirectory.appendingPathComponent("ctictl-discovery-\(UUID().uuidString)").path
        defer { try? FileManager.default.removeItem(atPath: base) }
        try makeDirectory(base + "/root")
        try makeDirectory(base + "/outside")
        try body(base + "/root", base + "/outside")
    }

    private func write(_ root: String, _ relative: String) throws {
        let path = root + "/" + relative
        try makeDirectory(String(path[..<path.lastIndex(of: "/")!]))
        try Data("<configuration/>".utf8).write(to: URL(fileURLWithPath: path))
    }

    private func makeDirectory(_ path: String) throws {
        try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
    }
}

extension ConfigDiscoveryTests {
    /// A drive copied with both `Users` and `users`: one user's two profile folders are never
    /// split between slices, so slices keep the order of a whole discovery.
    @Test func slicesNeverSplitOneUsersFolders() throws {
        try withTemporaryTree { root, _ in
            for folder in ["Users", "users"] {
                for user in ["anna", "bernd", "carla"] {
                    try write(root, "\(folder)/\(user)/AppData/Roaming/DatevConnector/user.config")
                }
            }
            let profiles = try ProfileFolders(root: root)
            #expect(profiles.folders.count == 6)
            let chunks = profiles.chunks(of: 1)
            #expect(chunks.map(\.count) == [2, 2, 2])
            #expect(chunks.flatMap { profiles.discover($0).configs } == (try ConfigDiscovery(root: root)).configs)
        }
    }
}
