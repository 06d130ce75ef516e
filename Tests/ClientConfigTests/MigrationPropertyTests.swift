import CTICore
import PropertyBased
import ReleaseCatalog
import Testing

@testable import ClientConfig

/// Generated chains of migrations on the fixtures: the result is what running the steps one
/// by one gives, settings no step names keep their bytes, and a second run changes nothing —
/// or the file is refused with the reason.
@Suite struct MigrationPropertyTests {
    static let sections = [Fixture.section, "userSettings/SomeOther.Plugin.Properties.Settings"]
    static let names = ["UseTapiLine", "XmppPort", "Mode", "Colour"]
    static let values = ["True", "False", "5222", "Blue"]

    /// Three migrations of up to three steps each, from numbers.
    static func migrations(_ numbers: [Int]) throws -> [Migration] {
        var result: [Migration] = []
        for index in 0..<3 {
            let picks = numbers[(index * 4)..<(index * 4 + 4)]
            let count = 1 + picks.first! % 3
            let steps = picks.dropFirst().prefix(count).enumerated().map { offset, number in step(number, name: "s\(offset)") }
            result.append(try migration("\(index + 1).0", "\(index + 2).0", steps.joined(separator: ", ")))
        }
        return result
    }

    static func step(_ number: Int, name: String) -> String {
        let setting = names[(number / 5) % names.count]
        let other = names[(number / 20) % names.count]
        let section = sections[(number / 80) % 2]
        let value = values[(number / 160) % values.count]
        let common = #""name": "\#(name)", "section": "\#(section)", "setting": "\#(setting)""#
        switch number % 5 {
        case 0: return other == setting ? #"{\#(common), "kind": "remove"}"# : #"{\#(common), "kind": "rename", "to": "\#(other)"}"#
        case 1: return #"{\#(common), "kind": "set", "value": "\#(value)"\#(number % 2 == 0 ? #", "ifEquals": "True""# : "")}"#
        case 2: return #"{\#(common), "kind": "remove"}"#
        case 3: return #"{\#(common), "kind": "move", "toSection": "\#(sections[((number / 80) + 1) % 2])"}"#
        default: return #"{\#(common), "kind": "default", "value": "\#(value)"}"#
        }
    }

    /// The steps' meaning, written independently: nil when a step cannot decide (a conflict,
    /// a section the file lacks).
    static func expected(_ start: [String: String], _ migrations: [Migration], sections: Set<String>) -> [String: String]? {
        var state = start
        func key(_ section: String, _ name: String) -> String { section + "|" + name }
        func relocate(_ from: String, _ to: String) -> Bool {
            guard let value = state[from] else { return true }
            if let existing = state[to] {
                guard existing == value else { return false }
                state[from] = nil
                return true
            }
            guard sections.contains(String(to.prefix { $0 != "|" })) else { return false }
            state[from] = nil
            state[to] = value
            return true
        }
        for step in migrations.flatMap(\.steps) {
            switch step.action {
            case let .rename(section, name, target): guard relocate(key(section, name), key(section, target)) else { return nil }
            case let .move(section, name, target): guard relocate(key(section, name), key(target, name)) else { return nil }
            case let .set(section, name, value, condition):
                if let current = state[key(section, name)], condition == nil || condition == current { state[key(section, name)] = value }
            case let .remove(section, name): state[key(section, name)] = nil
            case let .default(section, name, _, value):
                guard state[key(section, name)] == nil else { continue }
                guard sections.contains(section) else { return nil }
                state[key(section, name)] = value
            }
        }
        return state
    }

    static func values(of file: SettingsFile) -> [String: String] {
        Dictionary(file.settings.map { ($0.section + "|" + $0.name, $0.value) }, uniquingKeysWith: { first, _ in first })
    }

    @Test func generatedChainsMigrateExactlyAndOnce() async throws {
        let fixtures = [try Fixture.file(Fixture.crlfWithBOM), try Fixture.file(Fixture.handEdited)]
        await propertyCheck(count: 400, input: Gen.int(in: 0...100_000).array(of: 12), Gen.int(in: 0...1)) { numbers, which in
            let file = fixtures[which]
            guard let chain = try? Self.migrations(numbers) else {
                Issue.record("generated migrations do not read: \(numbers)")
                return
            }
            let named = Set(chain.flatMap(\.steps).flatMap { step -> [String] in
                switch step.action {
                case let .rename(_, name, target): return [name, target]
                case let .move(_, name, _), let .set(_, name, _, _), let .remove(_, name), let .default(_, name, _, _): return [name]
                }
            })
            let start = Self.values(of: file)
            let sections = Set(file.sections.map(\.path))
            let once = Self.expected(start, chain, sections: sections)
            let twice = once.flatMap { Self.expected($0, chain, sections: sections) }
            do {
                let outcome = try migrate(file, chain)
                #expect(once != nil && twice == once, "migrated, though the steps conflict or are not idempotent: \(numbers)")
                if let once { #expect(Self.values(of: outcome.migrated).filter { once[$0.key] != nil } == once) }
                // Settings no step names keep every byte of their element.
                for setting in file.settings where !named.contains(setting.name) {
                    let after = outcome.migrated.setting(setting.name, in: setting.section)
                    #expect(after.map { Array(outcome.bytes[$0.elementRange]) } == Array(file.bytes[setting.elementRange]))
                }
                let again = try migrate(outcome.migrated, chain)
                #expect(again.bytes == outcome.bytes && again.changes.isEmpty, "\(numbers)")
                #expect(outcome.changes.isEmpty == (outcome.bytes == file.bytes), "\(numbers)")
            } catch let error as CTIFailure {
                if once == nil {
                    #expect(error.errorCode == .configMigrationConflict, "\(error.message)")
                } else {
                    #expect(error.errorCode == .configMigrationNotIdempotent && twice != once, "\(error.message) for \(numbers)")
                }
            } catch {
                Issue.record("\(error)")
            }
        }
    }
}
