import CTICore
import Foundation
import ReleaseCatalog
import Testing

@testable import ClientConfig

/// A migration from JSON text (steps in the DatevConnector user section unless they say otherwise).
func migration(_ from: String, _ to: String, _ steps: String, source: String? = nil) throws -> Migration {
    let json = """
        {"from": "\(from)", "to": "\(to)", "section": "\(Fixture.section)", "steps": [\(steps)]}
        """
    return try Migration(jsonBytes: Array(json.utf8), source: source ?? "\(from)-to-\(to).json")
}

func version(_ text: String) throws -> Version { try Version(text) }

/// Runs `migrations` from their first to their last release on `file`.
func migrate(_ file: SettingsFile, _ migrations: [Migration]) throws -> MigrationOutcome {
    let set = try MigrationSet(migrations)
    let plan = try set.plan(from: set.migrations.first!.from, to: set.migrations.last!.to, releases: [])
    return try plan.apply(to: file)
}

/// Expects a failure with this code whose message contains every one of `parts`.
func expectFailure(_ code: ErrorCode, containing parts: [String] = [], sourceLocation: SourceLocation = #_sourceLocation, _ body: () throws -> Void) {
    do {
        try body()
        Issue.record("succeeded, expected \(code)", sourceLocation: sourceLocation)
    } catch let error as CTIFailure {
        #expect(error.errorCode == code, "\(error.message)", sourceLocation: sourceLocation)
        for part in parts { #expect(error.message.contains(part), "\(error.message) lacks \(part)", sourceLocation: sourceLocation) }
        #expect(!error.message.contains("\n"), sourceLocation: sourceLocation)
    } catch {
        Issue.record("threw \(error), expected \(code)", sourceLocation: sourceLocation)
    }
}

@Suite struct MigrationStepTests {
    let section = Fixture.section
    let other = "userSettings/SomeOther.Plugin.Properties.Settings"

    /// The outcome is the editor's own result for the same changes (so its byte guarantees
    /// hold), and a second run changes nothing.
    func expectMigrated(_ file: SettingsFile, _ migrations: [Migration], like changes: [SettingChange], sourceLocation: SourceLocation = #_sourceLocation) throws -> MigrationOutcome {
        let outcome = try migrate(file, migrations)
        #expect(outcome.bytes == (try file.applying(changes)).bytes, sourceLocation: sourceLocation)
        let again = try migrate(outcome.migrated, migrations)
        #expect(again.bytes == outcome.bytes, sourceLocation: sourceLocation)
        #expect(again.changes.isEmpty, sourceLocation: sourceLocation)
        #expect(!again.changed, sourceLocation: sourceLocation)
        return outcome
    }

    @Test func renameKeepsTheValueAndTouchesOnlyThatSetting() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let value = try #require(file.setting("DisplayName", in: section)).value
        let outcome = try expectMigrated(
            file, [try migration("1", "2", #"{"name": "r", "kind": "rename", "setting": "DisplayName", "to": "CustomerName"}"#)],
            like: [.remove(section: section, name: "DisplayName"), .add(section: section, name: "CustomerName", serializeAs: .string, value: value)])
        #expect(outcome.migrated.setting("CustomerName", in: section)?.value == value)
        #expect(outcome.migrated.setting("DisplayName", in: section) == nil)
        #expect(outcome.changes.map(\.kind) == [.renamed])
        #expect(outcome.changes.first?.description == "\(section): renamed DisplayName to CustomerName (value \"\(value)\") [1 → 2: r]")
    }

    @Test func setChangesOnlyTheValue() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let before = try #require(file.setting("UseTapiLine", in: section))
        let outcome = try expectMigrated(
            file, [try migration("1", "2", #"{"name": "off", "kind": "set", "setting": "UseTapiLine", "value": "False"}"#)],
            like: [.set(section: section, name: "UseTapiLine", value: "False")])
        expectOnlyChanged(file.bytes, outcome.bytes, range: try #require(before.valueContentRange), to: "False")
        #expect(outcome.changes.map(\.description) == ["\(section): UseTapiLine: \"True\" → \"False\" [1 → 2: off]"])
    }

    @Test func conditionalSetOnlyWhenTheValueMatches() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let matching = try migration("1", "2", #"{"name": "off", "kind": "set", "setting": "UseTapiLine", "value": "False", "ifEquals": "True"}"#)
        _ = try expectMigrated(file, [matching], like: [.set(section: section, name: "UseTapiLine", value: "False")])
        let other = try migration("1", "2", #"{"name": "off", "kind": "set", "setting": "XmppPort", "value": "5223", "ifEquals": "5000"}"#)
        let untouched = try migrate(file, [other])
        #expect(untouched.bytes == file.bytes)
        #expect(untouched.changes.isEmpty)
        // A missing setting is not created by set (that is what default is for).
        let missing = try migrate(file, [try migration("1", "2", #"{"name": "x", "kind": "set", "setting": "Nope", "value": "1"}"#)])
        #expect(missing.bytes == file.bytes)
    }

    @Test func removeTakesTheSettingAndItsLines() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let outcome = try expectMigrated(
            file, [try migration("1", "2", #"{"name": "gone", "kind": "remove", "setting": "UseTapiLine"}"#)],
            like: [.remove(section: section, name: "UseTapiLine")])
        #expect(outcome.migrated.setting("UseTapiLine", in: section) == nil)
        #expect(outcome.changes.map(\.description) == ["\(section): removed UseTapiLine (was \"True\") [1 → 2: gone]"])
    }

    @Test func moveGoesToTheOtherSection() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let outcome = try expectMigrated(
            file, [try migration("1", "2", #"{"name": "m", "kind": "move", "section": "\#(other)", "setting": "Colour", "toSection": "\#(section)"}"#)],
            like: [.remove(section: other, name: "Colour"), .add(section: section, name: "Colour", serializeAs: .string, value: "Blue")])
        #expect(outcome.changes.map(\.kind) == [.moved])
        #expect(outcome.changes.first?.previousSection == other)
    }

    @Test func defaultAddsOnlyWhenMissing() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        _ = try expectMigrated(
            file, [try migration("1", "2", #"{"name": "d", "kind": "default", "setting": "CloseAfterCall", "value": "False"}"#)],
            like: [.add(section: section, name: "CloseAfterCall", serializeAs: .string, value: "False")])
        let present = try migrate(file, [try migration("1", "2", #"{"name": "d", "kind": "default", "setting": "UseTapiLine", "value": "False"}"#)])
        #expect(present.bytes == file.bytes)
        let xml = try migrate(file, [try migration("1", "2", #"{"name": "d", "kind": "default", "setting": "Numbers", "serializeAs": "Xml", "value": "<ArrayOfString />"}"#)])
        #expect(xml.migrated.setting("Numbers", in: section)?.serializeAs == .xml)
    }

    @Test func renameOntoAnotherValueIsAConflict() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let onto = try migration("1", "2", #"{"name": "r", "kind": "rename", "setting": "XmppPort", "to": "SslPort"}"#)
        expectFailure(.configMigrationConflict, containing: [Fixture.crlfWithBOM + ": step 1 → 2: r", "SslPort", "\"443\""]) { _ = try migrate(file, [onto]) }
        let missingSection = try migration("1", "2", #"{"name": "m", "kind": "move", "setting": "XmppPort", "toSection": "userSettings/Nowhere"}"#)
        expectFailure(.configMigrationConflict, containing: ["userSettings/Nowhere"]) { _ = try migrate(file, [missingSection]) }
    }
}

@Suite struct MigrationPlanTests {
    let section = Fixture.section

    @Test func composesAlongTheChain() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)
        let set = try MigrationSet([
            try migration("2.6", "3.0", #"{"name": "last", "kind": "set", "setting": "Mode", "value": "two", "ifEquals": "one"}"#),
            try migration("1.0", "1.5", #"{"name": "first", "kind": "rename", "setting": "XmppPort", "to": "Port"}"#),
            try migration("1.5", "2.0", #"{"name": "second", "kind": "rename", "setting": "Port", "to": "ChatPort"}, {"name": "mode", "kind": "default", "setting": "Mode", "value": "one"}"#),
        ])
        let releases = try ["1.0", "1.2", "1.5", "2.0", "2.6", "3.0", "3.1"].map(version)
        let all = try set.plan(from: version("1.0"), to: version("3.0"), releases: releases)
        #expect(all.migrations.map(\.label) == ["1.0 → 1.5", "1.5 → 2.0", "2.6 → 3.0"])
        let outcome = try all.apply(to: file)
        #expect(outcome.migrated.setting("ChatPort", in: section)?.value == "5222")
        #expect(outcome.migrated.setting("XmppPort", in: section) == nil)
        #expect(outcome.migrated.setting("Mode", in: section)?.value == "two")
        #expect(outcome.changes.map(\.kind) == [.renamed, .added])
        #expect(outcome.changes.first?.previousName == "XmppPort")
        #expect(outcome.changes.first?.steps == ["1.0 → 1.5: first", "1.5 → 2.0: second"])
        // A release inside a migration's range has that migration still ahead of it.
        #expect(try set.plan(from: version("1.2"), to: version("2.6"), releases: releases).migrations.map(\.label) == ["1.0 → 1.5", "1.5 → 2.0"])
        #expect(try set.plan(from: version("2.0"), to: version("2.6"), releases: releases).isEmpty)
        #expect(try set.plan(from: version("3.0"), to: version("3.1"), releases: releases).isEmpty)
        #expect(try set.plan(from: version("1.0"), to: version("1.2"), releases: releases).isEmpty)
        // Idempotent: the whole plan on its own result changes nothing.
        let again = try all.apply(to: outcome.migrated)
        #expect(again.bytes == outcome.bytes && again.changes.isEmpty)
    }

    @Test func aConfigNewerThanEveryReleaseIsRefused() throws {
        let set = try MigrationSet([try migration("1.0", "2.0", #"{"name": "s", "kind": "remove", "setting": "UseTapiLine"}"#)])
        let releases = try ["1.0", "2.0", "2.1"].map(version)
        expectFailure(.configVersionTooNew, containing: ["2.2", "2.1"]) { _ = try set.plan(from: version("2.2"), to: version("2.1"), releases: releases) }
        expectFailure(.configVersionTooNew) { _ = try set.plan(from: version("9"), to: version("2.0"), releases: []) }
        expectFailure(.configReleaseUnknown, containing: ["1.5", "1.0, 2.0, 2.1"]) { _ = try set.plan(from: version("1.5"), to: version("2.0"), releases: releases) }
        expectFailure(.configReleaseUnknown, containing: ["3.0"]) { _ = try set.plan(from: version("1.0"), to: version("3.0"), releases: releases) }
        expectFailure(.configReleaseUnknown, containing: ["back"]) { _ = try set.plan(from: version("2.0"), to: version("1.0"), releases: releases) }
        expectFailure(.configMigrationChainBroken, containing: ["1.0-to-2.0.json", "2.0 is not a release"]) {
            _ = try set.plan(from: version("1.0"), to: version("2.1"), releases: try ["1.0", "2.1"].map(version))
        }
    }

    @Test func overlappingMigrationsAreRefused() throws {
        expectFailure(.configMigrationChainBroken, containing: ["1.5-to-3.0.json", "1.0-to-2.0.json"]) {
            _ = try MigrationSet([
                try migration("1.0", "2.0", #"{"name": "a", "kind": "remove", "setting": "A"}"#),
                try migration("1.5", "3.0", #"{"name": "b", "kind": "remove", "setting": "B"}"#),
            ])
        }
    }

    @Test func contradictingMigrationsAreRefusedNotRunTwice() throws {
        // b becomes c, then a later release turns a into b: a migrated file holding b
        // cannot tell the old b from the new one.
        let file = try SettingsFile(bytes: Array(
            """
            <configuration><userSettings><\(Fixture.section.split(separator: "/")[1])>
            <setting name="Mode" serializeAs="String"><value>a</value></setting>
            </\(Fixture.section.split(separator: "/")[1])></userSettings></configuration>
            """.utf8), source: "mode.config")
        let first = try migration("1", "2", #"{"name": "b-to-c", "kind": "set", "setting": "Mode", "value": "c", "ifEquals": "b"}"#)
        let second = try migration("2", "3", #"{"name": "a-to-b", "kind": "set", "setting": "Mode", "value": "b", "ifEquals": "a"}"#)
        expectFailure(.configMigrationNotIdempotent, containing: ["mode.config", "1 → 3", "Mode", "1 → 2: b-to-c"]) { _ = try migrate(file, [first, second]) }
    }
}

@Suite struct MigrationFileTests {
    static let badSteps: [(json: String, parts: [String])] = [
        (#"{"name": "a", "kind": "renam", "setting": "A", "to": "B"}"#, ["steps[0].kind", "\"renam\"", "did you mean \"rename\""]),
        (#"{"name": "a", "kind": "set", "setting": "A", "value": "1", "ifEqual": "0"}"#, ["steps[0].ifEqual", "did you mean \"ifEquals\""]),
        (#"{"name": "a", "kind": "set", "setting": "A"}"#, ["steps[0].value is missing"]),
        (#"{"name": "a", "kind": "set", "setting": "A", "value": 1}"#, ["steps[0].value must be a string"]),
        (#"{"name": "a", "kind": "default", "setting": "A", "value": "1", "serializeAs": "string"}"#, ["steps[0].serializeAs", "String"]),
        (#"{"name": "a", "kind": "default", "setting": "A", "value": "<a>", "serializeAs": "Xml"}"#, ["steps[0].value is not XML content"]),
        (#"{"name": "a", "kind": "move", "setting": "A", "toSection": "Settings"}"#, ["steps[0].toSection", "group/section"]),
        (#"{"name": "a", "kind": "remove", "setting": ""}"#, ["steps[0].setting"]),
        (#"{"name": "a", "kind": "remove", "setting": "A"}, {"name": "a", "kind": "remove", "setting": "B"}"#, ["steps[1].name", "unique"]),
        (#"{"kind": "remove", "setting": "A"}"#, ["steps[0].name is missing"]),
    ]

    @Test(arguments: badSteps.indices)
    func aBadStepIsNamedByFileAndPath(index: Int) {
        let (json, parts) = Self.badSteps[index]
        expectFailure(.configMigrationMalformed, containing: ["bad.json: "] + parts) { _ = try migration("1.0", "2.0", json, source: "bad.json") }
    }

    @Test func badFilesAreNamed() {
        func read(_ text: String) throws { _ = try Migration(jsonBytes: Array(text.utf8), source: "m.json") }
        expectFailure(.configMigrationMalformed, containing: ["m.json: ", "not valid JSON"]) { try read("{") }
        expectFailure(.configMigrationMalformed, containing: ["m.json: to", "later release"]) { try read(#"{"from": "2", "to": "1", "section": "userSettings/S", "steps": []}"#) }
        expectFailure(.configMigrationMalformed, containing: ["m.json: from is not a version"]) { try read(#"{"from": "2.x", "to": "3", "steps": []}"#) }
        expectFailure(.configMigrationMalformed, containing: ["m.json: steps is empty"]) { try read(#"{"from": "1", "to": "3", "steps": []}"#) }
        expectFailure(.configMigrationMalformed, containing: ["m.json: steps[0].section is missing"]) {
            try read(#"{"from": "1", "to": "3", "steps": [{"name": "a", "kind": "remove", "setting": "A"}]}"#)
        }
    }

    @Test func aDirectoryNamesTheBadFile() throws {
        let directory = try TemporaryDirectory()
        try SafeFile.write(Array(#"{"from": "1.0", "to": "2.0", "section": "userSettings/S", "steps": [{"name": "a", "kind": "remove", "setting": "A"}]}"#.utf8), to: directory.path + "/1.0-to-2.0.json")
        #expect(try MigrationSet.load(directory: directory.path).migrations.count == 1)
        try SafeFile.write(Array(#"{"from": "2.0", "to": "3.0", "section": "userSettings/S", "steps": [{"name": "a", "kind": "remov", "setting": "A"}]}"#.utf8), to: directory.path + "/2.0-to-3.0.json")
        expectFailure(.configMigrationMalformed, containing: [directory.path + "/2.0-to-3.0.json: steps[0].kind"]) { _ = try MigrationSet.load(directory: directory.path) }
        try SafeFile.write(Array(#"{"from": "2.0", "to": "3.0", "section": "userSettings/S", "steps": [{"name": "a", "kind": "remove", "setting": "A"}]}"#.utf8), to: directory.path + "/2.0-to-3.0.json")
        #expect(try MigrationSet.load(directory: directory.path).migrations.map(\.label) == ["1.0 → 2.0", "2.0 → 3.0"])
        try SafeFile.write(Array(#"{"from": "3.0", "to": "4.0", "section": "userSettings/S", "steps": [{"name": "a", "kind": "remove", "setting": "A"}]}"#.utf8), to: directory.path + "/3-to-4.json")
        expectFailure(.configMigrationChainBroken, containing: ["3-to-4.json", "3.0-to-4.0.json"]) { _ = try MigrationSet.load(directory: directory.path) }
        expectFailure(.init("file.not-found", .malformedInput)) { _ = try MigrationSet.load(directory: directory.path + "/none") }
    }
}

/// The datev-connector example migrations in config-schemas, with the real catalog.
@Suite struct DatevConnectorMigrationTests {
    static let schemas: String = {
        let file = #filePath
        var path = String(file[..<file.range(of: "/Tests/")!.lowerBound])
        path += "/config-schemas"
        return path
    }()

    let section = Fixture.section

    func plan(_ from: String, _ to: String) throws -> MigrationPlan {
        let set = try MigrationSet.load(product: "datev-connector", from: Self.schemas)
        let catalog = try ReleaseCatalog.load(product: "datev-connector", from: Self.schemas)
        return try set.plan(from: version(from), to: version(to), catalog: catalog)
    }

    @Test func aProductWithoutMigrationsHasEmptyPlans() throws {
        let set = try MigrationSet.load(product: "crm-groupware", from: Self.schemas)
        #expect(set.migrations.isEmpty)
        let plan = try set.plan(from: version("1.0"), to: version("2.0"), releases: try ["1.0", "2.0"].map(version))
        #expect(plan.isEmpty)
        let file = try Fixture.file(Fixture.crlfWithBOM)
        #expect(try plan.apply(to: file).bytes == file.bytes)
        // Its catalog lists no release yet: nothing can be planned.
        let catalog = try ReleaseCatalog.load(product: "crm-groupware", from: Self.schemas)
        expectFailure(.configReleaseUnknown, containing: ["no releases"]) { _ = try set.plan(from: version("1.0"), to: version("1.0"), catalog: catalog) }
    }

    @Test func theUseTapiLineHistory() throws {
        let file = try Fixture.file(Fixture.crlfWithBOM)  // UseTapiLine True, written by 2.4.4.1
        let withoutTapi = try file.applying([.remove(section: section, name: "UseTapiLine")])
        // 2.3.7.1 → 2.3.7.3: added as False.
        let added = try plan("2.3.7.1", "2.3.7.3").apply(to: withoutTapi)
        #expect(added.migrated.setting("UseTapiLine", in: section)?.value == "False")
        // 2.4.1 → 2.4.4.1: a True is switched off (the FAQ's no-pop-up symptom).
        let off = try plan("2.4.1", "2.4.4.1").apply(to: file)
        #expect(off.migrated.setting("UseTapiLine", in: section)?.value == "False")
        // 2.4.4.1 → 2.6: removed.
        let removed = try plan("2.4.4.1", "2.6.1").apply(to: file)
        #expect(removed.bytes == withoutTapi.bytes)
        #expect(removed.changes.map(\.description) == ["\(section): removed UseTapiLine (was \"True\") [2.4.4.1 → 2.6: remove-use-tapi-line]"])
        // 2.3.7.1 → 2.6 on a file that never had it: the default a later step removes leaves no trace.
        let whole = try plan("2.3.7.1", "2.6")
        #expect(whole.migrations.map(\.label) == ["2.3.7.1 → 2.3.7.3", "2.4.3 → 2.4.4.1", "2.4.4.1 → 2.6"])
        let untouched = try whole.apply(to: withoutTapi)
        #expect(untouched.bytes == withoutTapi.bytes && untouched.changes.isEmpty)
        let fromTrue = try whole.apply(to: file)
        #expect(fromTrue.bytes == withoutTapi.bytes)
        #expect(fromTrue.changes.first?.steps == ["2.4.3 → 2.4.4.1: switch-off-tapi-line", "2.4.4.1 → 2.6: remove-use-tapi-line"])
        // Every plan is idempotent on both fixtures.
        for (from, to) in [("2.0.8", "2.6.1"), ("2.3.7.1", "2.4.4.1"), ("2.4.3", "2.6"), ("2.6", "2.6.1")] {
            for name in [Fixture.crlfWithBOM, Fixture.handEdited] {
                let once = try plan(from, to).apply(to: try Fixture.file(name))
                let twice = try plan(from, to).apply(to: once.migrated)
                #expect(twice.bytes == once.bytes && twice.changes.isEmpty, "\(from) → \(to) on \(name)")
            }
        }
        expectFailure(.configVersionTooNew, containing: ["2.7.0.0", "2.6.1"]) { _ = try plan("2.7.0.0", "2.6.1") }
    }
}

/// A directory under the system's temporary directory, removed when the value is released.
final class TemporaryDirectory {
    let path = FileManager.default.temporaryDirectory.appendingPathComponent("migrations-\(UUID().uuidString)").path

    init() throws { try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true) }

    deinit { try? FileManager.default.removeItem(atPath: path) }
}
