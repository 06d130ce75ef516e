import CTICore
import Foundation
import GRDB
import Licensing
import Signing
import Testing
@testable import Ledger

/// The batch pipeline: signing streamed to the inserting thread in order, files written in
/// the background after each commit, the stored claims being exactly what was signed.
@Suite struct BatchPipelineTests {
    let tmp: TemporaryDirectory
    var directory: String { tmp.path }
    let issuer = LicenseIssuer(key: .generate(.eddsa), kid: "k")
    let now: Int64 = 1_790_000_000

    init() throws { tmp = try TemporaryDirectory("pipeline") }

    @Test(arguments: [0, 1, 31, 32, 33, 500, 1001], [0, 1, 3])
    func streamingMapDeliversEveryResultInOrder(count: Int, helpers: Int) throws {
        var seen: [Int] = []
        try StreamingMap.run(Array(0..<count), helpers: helpers, transform: { $0 * 3 }, consume: { index, value in
            #expect(value == index * 3)
            seen.append(index)
        })
        #expect(seen == Array(0..<count))
    }

    @Test func streamingMapReportsAFailedTransformAndStopsConsuming() throws {
        struct Boom: Error {}
        var consumed = 0
        #expect(throws: Boom.self) {
            try StreamingMap.run(Array(0..<200), transform: { value in
                if value == 70 { throw Boom() }
                return value
            }, consume: { _, _ in consumed += 1 })
        }
        #expect(consumed == 70)
    }

    @Test func storedClaimsAreExactlyTheSignedPayload() throws {
        let ledger = try LicenseLedger(path: directory + "/l.sqlite", mode: .createIfMissing)
        let requests = (1...70).map { LicenseRequest(customerID: "K-\($0)", customerName: "Müller & Söhne \($0)", product: "p", seats: $0, orderID: "O-\($0)") }
        var committed: [[String]] = []
        _ = try ledger.issueBatch(requests, with: issuer, now: now, chunkSize: 25, committed: { committed.append($0.map(\.serial)) })
        #expect(committed.map(\.count) == [25, 25, 20])
        #expect(committed.joined().first == "CTI-00000001" && committed.joined().last == "CTI-00000070")
        let rows = try ledger.read { db in try Row.fetchAll(db, sql: "SELECT claims_json, token FROM licenses ORDER BY id") }
        #expect(rows.count == 70)
        for row in rows {
            let jws = try CompactJWS(compact: row["token"])
            #expect(Array((row["claims_json"] as String).utf8) == jws.payload)
        }
        #expect(try ledger.verify().isEmpty)
    }

    @Test func writerWritesEveryFileAfterCommitAndReportsTheFirstFailure() throws {
        let ledger = try LicenseLedger(path: directory + "/l.sqlite", mode: .createIfMissing)
        let out = directory + "/out"
        try SafeFile.makeDirectory(out)
        let writer = LicenseFiles.Writer(directory: out)
        let requests = (1...40).map { LicenseRequest(customerID: "K-\($0)", product: "p", seats: 1, orderID: "O-\($0)") }
        let results = try ledger.issueBatch(requests, with: issuer, now: now, chunkSize: 16, committed: writer.enqueue)
        try writer.finish()
        for result in results {
            let entry = try result.get().entry
            let text = try SafeFile.read(LicenseFiles.path(of: entry, in: out))
            #expect(try LicenseFormat.armor.read(text).compact == entry.token)
        }
        let names = try FileManager.default.contentsOfDirectory(atPath: out)
        #expect(names.count == 40)
        #expect(!names.contains { $0.contains(".tmp-") })

        let broken = LicenseFiles.Writer(directory: directory + "/missing")
        broken.enqueue(try results.map { try $0.get().entry })
        #expect(throws: FileError.self) { try broken.finish() }
    }
}
