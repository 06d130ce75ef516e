import CTICore
import StartupCheck
import StartupCheckRunner
import Testing

/// The request (`ctictl.startup-request/1`) as the programs read it: from a settings file beside
/// the client (Windows paths too), from flags, from standard input; every wrong member refused
/// with its name, before any file is read.
@Suite struct StartupRequestReadingTests {
    static func invocation(_ json: String, file: String = "/opt/client/ctictl-check.json") throws(CTIFailure) -> StartupInvocation {
        try StartupInvocation(file: file) { _ in Array(json.utf8) }
    }

    static func path(_ invocation: StartupInvocation, _ member: String) -> String? {
        guard case .object(let object)? = invocation.members[member] else { return nil }
        return object["path"]?.stringValue
    }

    static func refusal(_ json: String) -> CTIFailure? {
        do {
            _ = try invocation(json)
            return nil
        } catch {
            return error
        }
    }

    @Test func relativePathsAreTakenFromTheSettingsFilesFolder() throws {
        let posix = try Self.invocation(#"{"license": "license.lic", "keyring": "/etc/ctictl/k.jwks", "catalog": {"path": "data/catalog.sig"}}"#)
        #expect(Self.path(posix, "license") == "/opt/client/license.lic")
        #expect(Self.path(posix, "keyring") == "/etc/ctictl/k.jwks")
        #expect(Self.path(posix, "catalog") == "/opt/client/data/catalog.sig")
    }

    @Test func windowsPathsAsTheInstallerWritesThem() throws {
        let json = #"{"license": "license.lic", "keyring": "C:\\keys\\k.jwks", "catalog": "\\\\server\\share\\catalog.sig", "state": "D:/state.json", "config": "sub\\user.config"}"#
        let windows = try Self.invocation(json, file: #"C:\Program Files\DATEV Connector\ctictl-check.json"#)
        #expect(Self.path(windows, "license") == #"C:\Program Files\DATEV Connector\license.lic"#)
        #expect(Self.path(windows, "keyring") == #"C:\keys\k.jwks"#)
        #expect(Self.path(windows, "catalog") == #"\\server\share\catalog.sig"#)
        #expect(Self.path(windows, "state") == "D:/state.json")
        #expect(Self.path(windows, "config") == #"C:\Program Files\DATEV Connector\sub\user.config"#)
        // A file at a drive's top lies in that drive's root folder.
        let top = try Self.invocation(#"{"license": "l.lic"}"#, file: #"C:\ctictl-check.json"#)
        #expect(Self.path(top, "license") == #"C:\l.lic"#)
        // Standard input and a bare name: relative to the working directory.
        #expect(Self.path(try Self.invocation(#"{"license": "l.lic"}"#, file: "-"), "license") == "l.lic")
        #expect(Self.path(try Self.invocation(#"{"license": "l.lic"}"#, file: "settings.json"), "license") == "l.lic")
    }

    @Test(arguments: [
        (#"{"activeUsers": "5"}"#, "activeUsers"), (#"{"moduleVersion": -1}"#, "moduleVersion"), (#"{"moduleVersion": 1.5}"#, "moduleVersion"),
        (#"{"allowDevelopmentKeys": "yes"}"#, "allowDevelopmentKeys"), (#"{"endorsements": "e.sig"}"#, "endorsements"),
        (#"{"endorsements": [5]}"#, "endorsements"), (#"{"license": 5}"#, "license"), (#"{"license": {"path": "a", "text": "b"}}"#, "license"),
        (#"{"license": {"url": "http://x"}}"#, "license"), (#"{"clientVersion": 2.6}"#, "clientVersion"),
        (#"{"schema": "ctictl.startup-request/2"}"#, "ctictl.startup-request/2"), (#"{"pbxVersoin": "9.0"}"#, "did you mean \"pbxVersion\""),
        (#"["product"]"#, "a JSON object"), (#"{"product": "#, "not a JSON request"),
    ])
    func wrongMembersAreRefusedByName(json: String, named: String) throws {
        let failure = try #require(Self.refusal(json), "accepted: \(json)")
        #expect(failure.code == "startup.request-malformed")
        #expect(failure.kind == .usage)
        #expect(failure.message.contains(named), "\(failure.message)")
        #expect(failure.message.hasPrefix("/opt/client/ctictl-check.json"), "\(failure.message)")
    }

    @Test func nullLeavesAMemberOutAndFlagsWinOverTheFile() throws {
        let line = try StartupCommandLine.parse(["--request", "-", "--pbx-version", "9.0", "--endorsement", "b.sig", "--format=json"]) { path in
            #expect(path == "-")
            return Array(#"{"product": "datev-connector", "pbxVersion": "6.7.0.5", "datevVersion": null, "endorsements": ["a.sig"]}"#.utf8)
        }
        #expect(line.json)
        #expect(line.invocation.members["pbxVersion"] == .string("9.0"))
        #expect(line.invocation.members["datevVersion"] == nil)
        guard case .array(let endorsements)? = line.invocation.members["endorsements"] else {
            Issue.record("no endorsements")
            return
        }
        #expect(endorsements.count == 2)  // the flag adds to the file's list
    }

    @Test func commandLineMistakesAreNamed() throws {
        func failure(_ arguments: [String]) -> CTIFailure? {
            do {
                _ = try StartupCommandLine.parse(arguments) { _ in [] }
                return nil
            } catch {
                return error
            }
        }
        #expect(failure(["--pbx-verison", "9"])?.message.contains("did you mean --pbx-version?") == true)
        #expect(failure(["--product"])?.message == "--product needs a value")
        #expect(failure(["license.lic"])?.message.contains("every input is given by a flag") == true)
        #expect(failure(["--active-users", "many"])?.message.contains("expected a whole number") == true)
        #expect(failure(["--format", "xml"])?.message.contains("expected text or json") == true)
        #expect(failure(["--settings", "missing.json"]) != nil)
    }

    @Test func versionsAndInstantsAreCheckedWhenTheRequestIsGathered() throws {
        func gathered(_ json: String) -> CTIFailure? {
            do {
                _ = try Self.invocation(json).gather(clock: { 0 })
                return nil
            } catch {
                return error
            }
        }
        #expect(gathered(#"{"clientVersion": "2.6"}"#)?.code == "startup.request-incomplete")
        #expect(gathered(#"{"product": "datev-connector"}"#)?.code == "startup.request-incomplete")
        #expect(gathered(#"{"product": "datev-connector", "clientVersion": "two"}"#)?.message.contains("\"clientVersion\" \"two\" is not a version") == true)
        #expect(gathered(#"{"product": "datev-connector", "clientVersion": "2.6", "pbxVersion": "6.x"}"#)?.message.contains("pbxVersion") == true)
        #expect(gathered(#"{"product": "datev-connector", "clientVersion": "2.6", "at": "yesterday"}"#)?.message.contains("\"at\" \"yesterday\"") == true)
        // A file named but missing is a finding of the check, not a refusal of the request.
        #expect(gathered(#"{"product": "datev-connector", "clientVersion": "2.6", "license": "/nonexistent/l.lic"}"#) == nil)
    }
}
