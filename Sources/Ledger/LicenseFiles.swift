import CTICore
import Dispatch
import Foundation

/// Writes the license files of a batch: `DIR/SERIAL.lic`, each atomically, then one flush of
/// the file system, so thousands of files cost one sync, not thousands.
public enum LicenseFiles {
    public static func path(of entry: LedgerEntry, in directory: String) -> String {
        directory + "/" + entry.serial + ".lic"
    }

    /// Writes one entry's file (atomically; not yet flushed).
    static func writeOne(_ entry: LedgerEntry, to directory: String) throws {
        guard let license = entry.license else {
            throw CTIFailure(.ledgerCorrupt, "the row of \(entry.serial) does not decode; run `ctictl ledger verify`")
        }
        try SafeFile.writeNew(license.textBytes, to: path(of: entry, in: directory), mode: 0o644)
    }

    /// Writes files in the background while the caller goes on (a batch issues its next
    /// chunk while the files of the committed one are written); `finish` waits for them all,
    /// flushes the file system once and reports the first failure. One thread writes, in
    /// order: file creations in one directory take the directory's lock in the kernel, so a
    /// second writer would only wait for it (measured: it spins), and the core is worth more
    /// to the ledger.
    public final class Writer: @unchecked Sendable {
        private let directory: String
        private let queue = DispatchQueue(label: "ctictl.license-files", qos: .userInitiated)
        private let group = DispatchGroup()
        private let failures = FirstError()

        public init(directory: String) {
            self.directory = directory
        }

        public func enqueue(_ entries: [LedgerEntry]) {
            guard !entries.isEmpty else { return }
            let directory = directory, failures = failures
            queue.async(group: group) {
                for entry in entries where failures.error == nil {
                    do {
                        try LicenseFiles.writeOne(entry, to: directory)
                    } catch {
                        failures.record(error)
                    }
                }
            }
        }

        public func finish() throws {
            group.wait()
            if let error = failures.error { throw error }
            try SafeFile.syncFilesystem(containing: directory)
        }
    }
}

/// The first error several threads ran into.
private final class FirstError: @unchecked Sendable {
    private let lock = NSLock()
    private var first: Error?

    var error: Error? { lock.withLock { first } }

    func record(_ error: Error) {
        lock.withLock { if first == nil { first = error } }
    }
}
