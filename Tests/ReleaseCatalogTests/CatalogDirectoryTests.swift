import CTICore
import Foundation
import Testing
@testable import ReleaseCatalog

/// Where the catalogs are found: the order of the places, the installed location relative to
/// the executable's real path, and an error that names every place it looked in.
@Suite struct CatalogDirectoryTests {
    /// A scratch folder, removed when the test ends.
    final class Scratch {
        let path: String

        init() throws {
            path = try #require(CatalogDirectory.realPath(NSTemporaryDirectory())) + "/ctictl-catalogdir-\(UUID().uuidString)"
            try FileManager.default.createDirectory(atPath: path, withIntermediateDirectories: true)
        }

        /// Creates a folder (and its parents) or, with `file`, a file.
        @discardableResult
        func make(_ relative: String, file: Bool = false) throws -> String {
            let full = path + "/" + relative
            if file {
                try FileManager.default.createDirectory(atPath: (full as NSString).deletingLastPathComponent, withIntermediateDirectories: true)
                #expect(FileManager.default.createFile(atPath: full, contents: Data("x".utf8)))
            } else {
                try FileManager.default.createDirectory(atPath: full, withIntermediateDirectories: true)
            }
            return full
        }

        deinit { try? FileManager.default.removeItem(atPath: path) }
    }

    func locate(_ scratch: Scratch, option: String? = nil, environment: String? = nil, executable: String) throws -> CatalogDirectory {
        try CatalogDirectory.locate(option: option, environment: environment, workingDirectory: scratch.path + "/work", executable: executable)
    }

    @Test func theOrderOfThePlaces() throws {
        let scratch = try Scratch()
        let executable = try scratch.make("prefix/bin/ctictl", file: true)
        let installed = try scratch.make("prefix/share/ctictl/config-schemas")
        try scratch.make("work")
        #expect(try locate(scratch, executable: executable) == CatalogDirectory(path: installed, origin: .installed))
        let local = try scratch.make("work/config-schemas")
        #expect(try locate(scratch, executable: executable) == CatalogDirectory(path: local, origin: .workingDirectory))
        let fromEnvironment = try scratch.make("env")
        #expect(try locate(scratch, environment: fromEnvironment, executable: executable) == CatalogDirectory(path: fromEnvironment, origin: .environment))
        let fromOption = try scratch.make("option")
        #expect(try locate(scratch, option: fromOption, environment: fromEnvironment, executable: executable) == CatalogDirectory(path: fromOption, origin: .option))
    }

    @Test func theInstalledCatalogsAreFoundThroughASymlinkedExecutable() throws {
        let scratch = try Scratch()
        let executable = try scratch.make("opt/ctictl/bin/ctictl", file: true)
        let installed = try scratch.make("opt/ctictl/share/ctictl/config-schemas")
        try scratch.make("usr/bin")
        try FileManager.default.createSymbolicLink(atPath: scratch.path + "/usr/bin/ctictl", withDestinationPath: executable)
        #expect(try locate(scratch, executable: scratch.path + "/usr/bin/ctictl") == CatalogDirectory(path: installed, origin: .installed))
    }

    @Test func theCheckoutTheExecutableWasBuiltIn() throws {
        let scratch = try Scratch()
        let executable = try scratch.make("checkout/.build/x86_64-unknown-linux-gnu/debug/ctictl", file: true)
        let catalogs = try scratch.make("checkout/config-schemas")
        // A config-schemas folder without a Package.swift beside it is not a checkout.
        #expect(throws: CTIFailure.self) { try locate(scratch, executable: executable) }
        try scratch.make("checkout/Package.swift", file: true)
        #expect(try locate(scratch, executable: executable) == CatalogDirectory(path: catalogs, origin: .checkout))
    }

    @Test func anExplicitFolderIsNeverPassedOver() throws {
        let scratch = try Scratch()
        let executable = try scratch.make("prefix/bin/ctictl", file: true)
        try scratch.make("prefix/share/ctictl/config-schemas")
        let error = try #require(throws: CTIFailure.self) { try locate(scratch, option: scratch.path + "/missing", executable: executable) }
        #expect(error.code == "catalog.not-found")
        #expect(error.message == "--catalog-dir \(scratch.path)/missing is not a directory; point it at the folder that holds <product>/releases.json")
        let fromEnvironment = try #require(throws: CTIFailure.self) { try locate(scratch, environment: scratch.path + "/missing", executable: executable) }
        #expect(fromEnvironment.message.hasPrefix("$CTICTL_CONFIG_SCHEMAS (\(scratch.path)/missing) is not a directory"))
    }

    @Test func theErrorNamesEveryPlaceItLookedIn() throws {
        let scratch = try Scratch()
        let executable = try scratch.make("prefix/bin/ctictl", file: true)
        let error = try #require(throws: CTIFailure.self) { try locate(scratch, executable: executable) }
        #expect(error.kind == .malformedInput)
        let expected = [scratch.path + "/work/config-schemas", scratch.path + "/prefix/share/ctictl/config-schemas",
                        scratch.path + "/prefix/bin/config-schemas", scratch.path + "/prefix/config-schemas"]
        for place in expected { #expect(error.message.contains(place + ","), "\(error.message) names \(place)") }
        #expect(error.message.hasPrefix("no release catalogs found; looked in \(expected.joined(separator: ", ")),"))
        #expect(error.message.hasSuffix("; pass --catalog-dir DIR or set $CTICTL_CONFIG_SCHEMAS"))
    }

    @Test func summariesNameTheNewestReleaseAndTheFilesHash() throws {
        let scratch = try Scratch()
        let catalogs = try scratch.make("catalogs")
        try scratch.make("catalogs/p")
        try Data(#"{"product":"p","name":"P","releases":[],"incompatibilities":[]}"#.utf8 + [0x0A]).write(to: URL(fileURLWithPath: catalogs + "/p/releases.json"))
        try scratch.make("catalogs/q")
        try Data("{".utf8).write(to: URL(fileURLWithPath: catalogs + "/q/releases.json"))
        try scratch.make("catalogs/not-a-product")
        let summaries = CatalogSummary.all(in: catalogs)
        #expect(summaries.map(\.product) == ["p", "q"])
        // sha256sum of the file, computed with Python's hashlib.
        #expect(summaries[0].sha256 == "0d658ce53102d068e1f15643edc26634ff72395053dbe089462149bf3c659c42")
        #expect(summaries[0].line == "p  no releases  sha256 0d658ce53102")
        #expect(summaries[1].problem?.contains("not valid JSON") == true)
        #expect(summaries[1].line.hasPrefix("q  unreadable: "))
        let datev = try #require(CatalogSummary.all(in: Catalogs.directory).first { $0.product == "datev-connector" })
        #expect(datev.releases == 13 && datev.newestRelease == "2.6.1" && datev.newestReleaseDate == "2020-04-03")
    }
}
