import CTICore
import Diagnostics
import Testing

/// The redaction rules one at a time (docs/doctor.md, "The support bundle"); the leak test
/// runs them all together over a whole bundle.
@Suite struct BundleRedactionTests {
    @Test func addressesGetOnePseudonymPerValueAndKeepTheirKind() {
        let redactor = Redactor()
        #expect(redactor.redact("PBX 192.168.1.20, again 192.168.001.020; public 203.0.113.9.") == "PBX lan-ip-1, again lan-ip-1; public ip-1.")
        #expect(redactor.redact("fe80::1 = FE80:0:0:0:0:0:0:1, 2001:db8::beef") == "lan-ip-2 = lan-ip-2, ip-2")
        #expect(redactor.redact("[2001:db8::beef]:5222 and ::ffff:203.0.113.9") == "[ip-2]:5222 and ip-1")
    }

    @Test func addressesThatNameNoOneAndVersionsStay() {
        let redactor = Redactor(keep: ["2.4.4.1"])
        let kept = "127.0.0.1 ::1 0.0.0.0 255.255.255.0 Version 2.3.7.3, release: 2.6.1.0, 2.4.4.1 and 1.2.3.4.5 and 12:30:45 and localhost"
        #expect(redactor.redact(kept) == kept)
        #expect(redactor.table.entries.isEmpty)
    }

    @Test func phoneNumbersInTheirUsualSpellingsAreOneNumberAndCodesDatesAndTimesAreNot() {
        let redactor = Redactor()
        #expect(redactor.redact("Anruf von +49 89 1234567 / 0049 89 1234567 an 089/7654321 (0171) 2233445")
            == "Anruf von phone-1 / phone-1 an phone-2 phone-3")
        let kept = "Registering Buddy failed: 262631 at 2026-01-02 03:04:05,012 on 01/12/2026, 0x800401FB, port 05222, 0815"
        #expect(redactor.redact(kept) == kept)
    }

    @Test func secretsWrittenAsAssignmentsLoseTheirValue() {
        let redactor = Redactor()
        #expect(redactor.redact("login failed: Password=hunter2; user ok") == "login failed: Password=[redacted]; user ok")
        #expect(redactor.redact(#"{"apiToken": "abc def", "Kennwort" : 'x y'}"#) == #"{"apiToken": "[redacted]", "Kennwort" : '[redacted]'}"#)
        #expect(redactor.redact("Authorization: Basic dXNlcjpwYXNz\r") == "Authorization: [redacted]\r")
        #expect(redactor.redact("Zugangsdaten nicht korrekt (Token expired)") == "Zugangsdaten nicht korrekt (Token expired)")
        #expect(redactor.removed == 4)
    }

    @Test func knownSecretsGoWhereverTheyAppearAndShortOnesOnlyAsWords() {
        let redactor = Redactor()
        redactor.learnSecret("S3cret!x")
        redactor.learnSecret("42")
        #expect(redactor.redact("pw:S3cret!x, inS3cret!xside, 42, 1420") == "pw:[redacted], in[redacted]side, [redacted], 1420")
    }

    @Test func privateKeysLicensesAndSignedTokensAreRemovedWhole() {
        let redactor = Redactor()
        let text = "a\n-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIA==\n-----END PRIVATE KEY-----\nb\r\n-----BEGIN CTI LICENSE-----\r\neyJh\r\n-----END CTI LICENSE-----\r\ntoken eyJhbGciOiJFZERTQSJ9.eyJzdWIiOiJ4In0.c2lnbmF0dXJl end"
        #expect(redactor.redact(text) == "a\n[private key removed]\nb\r\n[license removed]\r\ntoken [signed token removed] end")
    }

    @Test func urlsMailAndXMPPAddressesAndProfilePathsNameUsersAndHosts() {
        let redactor = Redactor()
        #expect(redactor.redact("https://admin:geheim@pbx.kanzlei.local:443/login") == "https://user-1:[redacted]@host-1:443/login")
        #expect(redactor.redact("jid 0815@pbx.kanzlei.local/DatevConnector, mail anna.b@kanzlei.de") == "jid user-2@host-1/DatevConnector, mail user-3@host-2")
        #expect(redactor.redact(#"C:\Users\Max Mustermann\AppData\Roaming and "C:\\Users\\Max Mustermann\\x" and C:\Users\Public\x"#)
            == #"C:\Users\user-4\AppData\Roaming and "C:\\Users\\user-4\\x" and C:\Users\Public\x"#)
        #expect(redactor.redact("MAC 00:1A:2B:3C:4D:5E = 00-1a-2b-3c-4d-5e") == "MAC mac-1 = mac-1")
    }

    @Test func hostNamesAreThoseUnderKnownDomainsNotDottedIdentifiers() {
        let redactor = Redactor()
        let kept = "DatevConnector.Properties.Settings user.config TAPI3Lib.TAPIClass.initialize known-issues.json Microsoft.NET"
        #expect(redactor.redact(kept) == kept)
        #expect(redactor.redact("connect starface01.kanzlei.intern. failed") == "connect host-1. failed")
    }

    @Test func learnedNamesAreReplacedAsWholeWordsInAnyCase() {
        let redactor = Redactor()
        redactor.learn(.user, "anna")
        redactor.learnHost("https://PBX-Kanzlei:443")
        redactor.learnHost("starface")
        #expect(redactor.redact("Anna and Johanna at pbx-kanzlei, PBX-Kanzlei-2, pbx-kanzleis") == "user-1 and Johanna at host-1, host-1-2, host-1s")
        #expect(redactor.redact("Annahme, trace_Anna.log, backup_pbx-kanzlei, DATEVConnectorforSTARFACE") == "Annahme, trace_Anna.log, backup_host-1, DATEVConnectorforSTARFACE")
        redactor.learn(.user, #"KANZLEI\b.berg"#)
        redactor.learnSecret(#"pa"ss\"#)
        #expect(redactor.redact(#"{"user": "KANZLEI\\b.berg", "p": "pa\"ss\\"}"#) == #"{"user": "user-2", "p": "[redacted]"}"#)
        redactor.learnHost("10.0.0.05")
        #expect(redactor.redact("10.0.0.5 / 10.0.0.05") == "lan-ip-1 / lan-ip-1")
    }

    @Test func theMappingListsEveryPseudonymWithItsValue() throws {
        let redactor = Redactor()
        _ = redactor.redact("host pbx.kanzlei.de, phone 089 1234567")
        let mapping = try JSONParser.parse(redactor.table.mappingJSON(bundle: "b.zip"))
        guard case .object(let members) = mapping, case .array(let items)? = members["pseudonyms"] else {
            Issue.record("no pseudonyms")
            return
        }
        #expect(members["schema"] == .string("ctictl.bundle-mapping/1"))
        #expect(items.count == 2)
        #expect(items.first == .object(["pseudonym": .string("host-1"), "kind": .string("host"), "value": .string("pbx.kanzlei.de")]))
    }
}
