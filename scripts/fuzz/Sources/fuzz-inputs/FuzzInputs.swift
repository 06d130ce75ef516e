import CTICore
import Licensing
import ReleaseCatalog
import Signing

// One fixed keyring and key, so fuzzed licenses get as far as the signature check and, when
// the corpus holds valid licenses, through every policy.
private let key = PrivateSigningKey.generate(.eddsa)
private let keyring = Keyring(keys: [JWK(kid: "fuzz", key: key.publicKey)])
private let verifier = LicenseVerifier(keyring: keyring)
private let context = VerificationContext(now: 1_800_000_000, product: "datev-connector", pbxFactors: [PBXFactor(kind: "instance-id", value: "SF-1")],
                                          activeUsers: 5, state: VerifierState(highWaterMark: 1_790_000_000, revocationSequence: 3))

/// Every reader of outside input gets the same bytes; none may crash, hang or trap. Errors
/// are the expected outcome for almost all inputs.
@_cdecl("LLVMFuzzerTestOneInput")
public func fuzz(_ data: UnsafePointer<UInt8>, _ size: Int) -> Int32 {
    let bytes = Array(UnsafeBufferPointer(start: data, count: size))
    _ = try? verifier.verify(bytes, in: context)
    _ = try? LicenseInspector.inspect(bytes)
    _ = try? Keyring(jsonBytes: bytes, source: "fuzz")
    _ = try? RevocationListVerifier(keyring: keyring).verify(bytes, state: nil)
    _ = try? KeyEndorsementVerifier(keyring: keyring).extend(with: [("fuzz", bytes)])
    _ = try? JSONParser.parse(bytes)
    _ = Base64URL.decode(bytes)
    _ = try? ReleaseCatalog(jsonBytes: bytes, source: "fuzz")
    if let text = String(validating: bytes, as: UTF8.self) {
        _ = try? OrderSheet(csv: text, source: "fuzz", now: 0, products: .builtIn)
        _ = try? PrivateKeyFile.parse(text, passphrase: Array("x".utf8), source: "fuzz")
        _ = UTCTimestamp.parse(text)
        _ = CivilDate(text)
        _ = try? VersionRange(text)
        _ = try? Version(text)
    }
    return 0
}
