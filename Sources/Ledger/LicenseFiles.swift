import CTICore
import Dispatch
import Foundation

/// Writes the license files of a batch: `DIR/SERIAL.lic`, each atomically, on every core,
/// then one flush of the file system, so thousands of files cost one sync, not thousands.
public enum LicenseFiles {
    public static func path(of entry: LedgerEntry, in directory: String) -> String {
        directory + "/" + entry.serial + ".lic"
    }

    public static func write(_ entries: [LedgerEntry], to directory: String) throws {
        let failures = FirstError()
        DispatchQueue.concurrentPerform(iterations: entries.count) { index in
            let entry = entries[index]
            do {
                guard let license = entry.license else {
                    throw LedgerError("ledger.corrupt", "the row of \(entry.serial) does not decode; run `ctictl ledger verify`", kind: .internal)
                }
                try SafeFile.write(Array(license.text.utf8), to: path(of: entry, in: directory), mode: 0o644, durable: false)
            } catch {
                failures.record(error)
            }
        }
        if let error = failures.error { throw error }
        try SafeFile.syncFilesystem(containing: directory)
    }
}

/// The first error several threads ran into.
private final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private(set) var error: Error?

    func record(_ error: Error) {
        lock.lock()
        defer { lock.unlock() }
        if self.error == nil { self.error = error }
    }
}
