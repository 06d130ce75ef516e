// swift-tools-version:6.0
import PackageDescription

// Module graph (arrows = may import), see docs/architecture.md:
//   ctictl ──> Ledger ──> Licensing ──> ReleaseCatalog ──> Signing ──> CTICore
//          ──> Diagnostics ──> StartupCheckRunner ──> StartupCheck ──> Licensing, ClientConfig
//   ClientConfig ──> JSONSchema, ReleaseCatalog, CTICore
//   The client side (ctictl-check, CTIStartupCheck) links StartupCheckRunner and below only:
//   no Ledger, GRDB, ArgumentParser or full Foundation (scripts/client-links.sh checks it).
let package = Package(
    name: "ctictl",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "ctictl", targets: ["ctictl"]),
        .library(name: "Signing", targets: ["Signing"]),
        .library(name: "Licensing", targets: ["Licensing"]),
        .library(name: "Ledger", targets: ["Ledger"]),
        .library(name: "ReleaseCatalog", targets: ["ReleaseCatalog"]),
        .library(name: "JSONSchema", targets: ["JSONSchema"]),
        .library(name: "ClientConfig", targets: ["ClientConfig"]),
        .library(name: "StartupCheck", targets: ["StartupCheck"]),
        // The programs' side of the check (request documents, reading the files, the state);
        // a product so the fuzz harness (scripts/fuzz) links it statically.
        .library(name: "StartupCheckRunner", targets: ["StartupCheckRunner"]),
        .library(name: "Diagnostics", targets: ["Diagnostics"]),
        // What a client installation ships (docs/startup-check.md): the check as a program
        // and as a C library (header in Sources/CTIStartupCheck/include).
        .executable(name: "ctictl-check", targets: ["ctictl-check"]),
        .library(name: "CTIStartupCheck", type: .dynamic, targets: ["CTIStartupCheck"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-crypto.git", exact: "4.5.2"),
        .package(url: "https://github.com/apple/swift-asn1.git", from: "1.7.4"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/x-sheep/swift-property-based.git", from: "2.0.1"),
        .package(url: "https://github.com/weichsel/ZIPFoundation.git", from: "0.9.20"),
    ],
    targets: [
        .target(name: "CTICore"),
        .target(
            name: "Signing",
            dependencies: [
                "CTICore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "CryptoExtras", package: "swift-crypto"),
                .product(name: "SwiftASN1", package: "swift-asn1"),
            ]
        ),
        .target(name: "Licensing", dependencies: ["Signing", "ReleaseCatalog"]),
        .target(name: "ReleaseCatalog", dependencies: ["Signing", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "ClientConfig", dependencies: ["CTICore", "ReleaseCatalog", "JSONSchema"]),
        // The one call a client makes at every start; no I/O (docs/startup-check.md).
        .target(name: "StartupCheck", dependencies: ["Licensing", "ClientConfig", "ReleaseCatalog"]),
        // Around the check, for the programs that run it: reads the files a request names, writes the state.
        .target(name: "StartupCheckRunner", dependencies: ["StartupCheck"]),
        .executableTarget(name: "ctictl-check", dependencies: ["StartupCheckRunner"]),
        .target(name: "CTIStartupCheck", dependencies: ["StartupCheckRunner"], exclude: ["include"]),
        // `ctictl doctor`: named checks, the FAQ's known problems, safe fixes, a redacted bundle (docs/doctor.md).
        .target(
            name: "Diagnostics",
            dependencies: [
                "StartupCheck", "StartupCheckRunner", "ClientConfig", "ConfigHistory", "Licensing", "ReleaseCatalog", "CTICore",
                .product(name: "ZIPFoundation", package: "ZIPFoundation"),
            ]
        ),
        // Vendor/admin side only: kept out of ClientConfig so the client never links GRDB.
        .target(
            name: "ConfigHistory",
            dependencies: ["CTICore", "SQLiteStore", .product(name: "Crypto", package: "swift-crypto"), .product(name: "GRDB", package: "GRDB.swift")]
        ),
        // The rules every SQLite store of ctictl follows (strict rows, identity, lock, location).
        .target(name: "SQLiteStore", dependencies: ["CTICore", .product(name: "GRDB", package: "GRDB.swift")]),
        .target(
            name: "Ledger",
            dependencies: [
                "Licensing",
                "SQLiteStore",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // JSON Schema 2020-12 (a declared keyword set) without Foundation: docs/json-schema.md.
        .target(name: "JSONSchema", dependencies: ["CTICore"]),
        .target(name: "ConfigManager", dependencies: ["ClientConfig", "ConfigHistory", "CTICore", "ReleaseCatalog"]),
        .executableTarget(
            name: "ctictl",
            dependencies: [
                "Ledger", "Licensing", "Signing", "CTICore", "ReleaseCatalog", "ClientConfig", "ConfigHistory", "ConfigManager", "StartupCheck", "StartupCheckRunner", "Diagnostics",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // Benchmarks (not tests): scripts/bench.sh builds and runs this in release mode.
        .executableTarget(
            name: "ctictl-bench",
            dependencies: [
                "Ledger", "Licensing", "Signing", "CTICore", "Diagnostics", "ConfigHistory",
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .testTarget(name: "CTICoreTests", dependencies: ["CTICore"]),
        .testTarget(name: "SigningTests", dependencies: ["Signing"]),
        .testTarget(name: "LicensingTests", dependencies: ["Licensing", "ReleaseCatalog", .product(name: "PropertyBased", package: "swift-property-based")]),
        .testTarget(name: "LedgerTests", dependencies: ["Ledger"]),
        .testTarget(
            name: "DiagnosticsTests",
            dependencies: ["Diagnostics", "CTICore", "Licensing", "Signing", "StartupCheckRunner", .product(name: "ZIPFoundation", package: "ZIPFoundation")]
        ),
        .testTarget(name: "StartupCheckTests", dependencies: ["StartupCheck", "StartupCheckRunner", "Licensing", "ClientConfig", "ReleaseCatalog", "Signing", "CTICore"]),
        .testTarget(name: "JSONSchemaTests", dependencies: ["JSONSchema", "CTICore"]),
        .testTarget(
            name: "ClientConfigTests",
            dependencies: ["ClientConfig", "CTICore", "ReleaseCatalog", .product(name: "PropertyBased", package: "swift-property-based")],
            exclude: ["Fixtures"]
        ),
        .testTarget(name: "ConfigHistoryTests", dependencies: ["ConfigHistory", "CTICore", .product(name: "GRDB", package: "GRDB.swift")]),
        .testTarget(name: "ConfigManagerTests", dependencies: ["ConfigManager", "ConfigHistory", "ClientConfig", "ReleaseCatalog", "CTICore"]),
        .testTarget(
            name: "ReleaseCatalogTests",
            dependencies: ["ReleaseCatalog", .product(name: "PropertyBased", package: "swift-property-based")]
        ),
        // Runs the built `ctictl` like a user (the dependency makes `swift test` build it),
        // and checks our files with independent implementations (openssl, Python).
        .testTarget(
            name: "EndToEndTests",
            dependencies: ["ctictl", "ctictl-check", "Signing", "Licensing", .product(name: "Crypto", package: "swift-crypto")],
            exclude: ["interop"]
        ),
    ]
)
