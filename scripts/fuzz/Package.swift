// swift-tools-version:6.0
// A libFuzzer harness for everything ctictl reads from outside, one reader per run
// (FUZZ_TARGET): license files, keyrings, revocation lists, endorsements, ledger checkpoints,
// catalogs, JSON, CSV, PEM, versions, times, the terminal escaping of text, and the startup
// check's request through its C entry point. Built and run
// by scripts/fuzz.sh, outside the main package (it has no main() until -sanitize=fuzzer
// supplies one).
import Foundation
import PackageDescription

// A path dependency is named after its directory, whatever the checkout is called.
let root = URL(fileURLWithPath: #filePath).deletingLastPathComponent().deletingLastPathComponent().deletingLastPathComponent()

let package = Package(
    name: "ctictl-fuzz",
    platforms: [.macOS(.v14)],
    dependencies: [.package(path: root.path)],
    targets: [
        .executableTarget(
            name: "fuzz-inputs",
            dependencies: [
                .product(name: "Ledger", package: root.lastPathComponent),
                .product(name: "Licensing", package: root.lastPathComponent),
                .product(name: "Signing", package: root.lastPathComponent),
                .product(name: "ReleaseCatalog", package: root.lastPathComponent),
                .product(name: "JSONSchema", package: root.lastPathComponent),
                .product(name: "ClientConfig", package: root.lastPathComponent),
                // The startup check's request, through the function the C entry point calls (not
                // the dynamic library itself: it would bring a second copy of every module).
                .product(name: "StartupCheckRunner", package: root.lastPathComponent),
                .product(name: "Diagnostics", package: root.lastPathComponent),
            ]
        )
    ]
)
