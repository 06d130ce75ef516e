import ClientConfig
import ConfigHistory
import ConfigManager
import CTICore
import Foundation
import ReleaseCatalog
import Testing

/// `ConfigMigrationBatch`: however the files are cut into chunks (each computed and staged
/// while the last one is committed), every file gets the same outcome, in discovery's order;
/// a dry run writes nothing, a real run writes and records each changed file once.
@Suite struct ConfigMigrationBatchTests {
    static let schemas = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()
        .appendingPathComponent("config-schemas").path
    let directory = FileManager.default.temporaryDirectory.appendingPathComponent("migration-batch-\(UUID().uuidString)").path

    static let old = """
        <?xml version="1.0" encoding="utf-8"?>
        <configuration><userSettings><DatevConnector.Properties.Settings>
        <setting name="StarfaceHost" serializeAs="String"><value>192.168.10.5</value></setting>
        <setting name="UseTapiLine" serializeAs="String"><value>True</value></setting>
        </DatevConnector.Properties.Settings></userSettings></configuration>
        """

    func migration() throws -> ConfigMigration {
        let product = "datev-connector"
        return try ConfigMigration(
            check: ConfigCheck(product: try ProductSettings.load(product: product, from: Self.schemas)),
            migrations: try MigrationSet.load(product: product, from: Self.schemas),
            releases: try ReleaseCatalog.load(product: product, from: Self.schemas).versionedReleases.compactMap(\.version), target: try Version("2.6"))
    }

    /// Seven users (one already migrated, one unreadable) below `root`.
    func tree(_ root: String) throws {
        for user in ["anna", "bernd", "carla", "dora", "emil", "fritz", "gabi"] {
            let folder = root + "/Users/\(user)/AppData/Roaming/DatevConnector"
            try FileManager.default.createDirectory(atPath: folder, withIntermediateDirectories: true)
            let text = user == "carla" ? Self.old.replacingOccurrences(of: "\n<setting name=\"UseTapiLine\" serializeAs=\"String\"><value>True</value></setting>", with: "")
                : user == "emil" ? "<configuration" : Self.old
            try text.write(toFile: folder + "/user.config", atomically: false, encoding: .utf8)
        }
    }

    func summary(_ outcomes: [ConfigMigrationBatch.FileOutcome], root: String) -> [String] {
        outcomes.map { outcome in
            let path = String(outcome.path.dropFirst(root.count))
            switch (outcome.migration, outcome.write) {
            case (.failure(let error), _): return "\(path) failed \(error.errorCode)"
            case (.success(let result), .none): return "\(path) \(result.outcome.changed ? "would migrate" : "unchanged")"
            case (.success, .written(let entry)): return "\(path) written v\(entry.version)"
            case (.success, .failed(let error)): return "\(path) write failed \(error)"
            }
        }
    }

    @Test func chunksChangeNothingButTheirSize() throws {
        defer { try? FileManager.default.removeItem(atPath: directory) }
        let migration = try migration()
        var dryRuns: [[String]] = []
        var runs: [[String]] = []
        for size in [1, 2, 3, 500] {
            let root = directory + "/tree-\(size)"
            try tree(root)
            var heard: [Int] = []
            let dry = try ConfigMigrationBatch(migration: migration, from: try Version("2.4.4.1"), history: nil, writes: false, chunkSize: size)
                .run(.root(root)) { done, total in heard.append(done); #expect(total == 7) }
            #expect(heard.last == 7 && heard == heard.sorted())
            dryRuns.append(summary(dry.outcomes, root: root))
            #expect(try String(contentsOfFile: root + "/Users/anna/AppData/Roaming/DatevConnector/user.config", encoding: .utf8) == Self.old)

            let history = try ConfigHistory(path: directory + "/history-\(size).sqlite")
            let real = try ConfigMigrationBatch(migration: migration, from: try Version("2.4.4.1"), history: history, writes: true, chunkSize: size).run(.root(root))
            runs.append(summary(real.outcomes, root: root))
            #expect(try String(contentsOfFile: root + "/Users/anna/AppData/Roaming/DatevConnector/user.config.bak", encoding: .utf8) == Self.old)
            #expect(try history.history(path: root + "/Users/gabi/AppData/Roaming/DatevConnector/user.config").count == 2)
        }
        let file = { (user: String) in "/Users/\(user)/AppData/Roaming/DatevConnector/user.config" }
        #expect(dryRuns[0] == [
            file("anna") + " would migrate", file("bernd") + " would migrate", file("carla") + " unchanged", file("dora") + " would migrate",
            file("emil") + " failed config.malformed-xml", file("fritz") + " would migrate", file("gabi") + " would migrate",
        ])
        #expect(runs[0] == [
            file("anna") + " written v2", file("bernd") + " written v2", file("carla") + " unchanged", file("dora") + " written v2",
            file("emil") + " failed config.malformed-xml", file("fritz") + " written v2", file("gabi") + " written v2",
        ])
        #expect(dryRuns.allSatisfy { $0 == dryRuns[0] } && runs.allSatisfy { $0 == runs[0] })
    }
}
