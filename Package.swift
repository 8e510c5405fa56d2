// swift-tools-version:6.1
// NoteBridge: an EHR integration gateway. See README.md and DESIGN.md for the module table.

import Foundation
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

/// The note engine and the code index, optimized in debug builds when `NOTEBRIDGE_OPTIMIZE_ENGINE=1` (`make test`
/// sets it): unoptimized, a process's first note takes 2.5 s (the code index builds its vocabulary from all of
/// ICD-10-CM) and each note tens of milliseconds, which every gateway and CLI the integration tests start would
/// pay. `-enable-testing` keeps `@testable import`. Off by default: a package with unsafe flags cannot be another
/// package's versioned dependency.
let optimizedInDebug: [SwiftSetting] =
    ProcessInfo.processInfo.environment["NOTEBRIDGE_OPTIMIZE_ENGINE"] == "1"
    ? [.unsafeFlags(["-O", "-enable-testing"], .when(configuration: .debug))] : []

let package = Package(
    name: "notebridge",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "notebridge", targets: ["notebridge"]),
        .library(name: "HL7v2", targets: ["HL7v2"]),
        .library(name: "MLLP", targets: ["MLLP"]),
        .library(name: "Store", targets: ["Store"]),
        .library(name: "PostgresStore", targets: ["PostgresStore"]),
        .library(name: "Terminology", targets: ["Terminology"]),
        .library(name: "FHIR", targets: ["FHIR"]),
        .library(name: "Mapping", targets: ["Mapping"]),
        .library(name: "Scribe", targets: ["Scribe"]),
        .library(name: "Coding", targets: ["Coding"]),
        .library(name: "Gateway", targets: ["Gateway"]),
        .library(name: "Curl", targets: ["Curl"]),
        .library(name: "EncounterModel", targets: ["EncounterModel"]),
        .library(name: "Delivery", targets: ["Delivery"]),
        .library(name: "Transcription", targets: ["Transcription"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-ssl.git", from: "2.37.6"),
        .package(url: "https://github.com/apple/swift-nio-extras.git", from: "1.35.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swiftlang/swift-subprocess", from: "1.0.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/hummingbird-project/swift-mustache.git", from: "2.1.1"),
    ],
    targets: [
        .target(
            name: "HL7v2",
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CLibXML2",
            pkgConfig: "libxml-2.0",
            providers: [.apt(["libxml2-dev"])]
        ),
        .target(
            name: "FHIR",
            dependencies: ["CLibXML2"],
            exclude: ["Generated/README.md"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Terminology",
            exclude: ["Generated/README.md"],
            swiftSettings: swiftSettings + optimizedInDebug
        ),
        .executableTarget(
            name: "DiagnosisIndexGenerator",
            dependencies: ["Terminology"],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Scribe",
            dependencies: ["Terminology"],
            exclude: ["Generated/README.md"],
            swiftSettings: swiftSettings + optimizedInDebug
        ),
        .target(
            name: "Coding",
            dependencies: ["Scribe", "Terminology"],
            swiftSettings: swiftSettings + optimizedInDebug
        ),
        .target(
            name: "EncounterModel",
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Mapping",
            dependencies: [
                "Coding", "EncounterModel", "FHIR", "HL7v2", "Scribe", "Terminology",
                .product(name: "Yams", package: "Yams"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "MLLP",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Store",
            dependencies: [
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "PostgresStore",
            dependencies: [
                "Store",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "CCurl",
            linkerSettings: [.linkedLibrary("curl")]
        ),
        .target(
            name: "Curl",
            dependencies: ["CCurl"],
            swiftSettings: swiftSettings
        ),
        .systemLibrary(
            name: "CPocketSphinx",
            pkgConfig: "pocketsphinx",
            providers: [.apt(["libpocketsphinx-dev"])]
        ),
        .target(
            name: "Transcription",
            dependencies: [
                "CPocketSphinx",
                "Curl",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Subprocess", package: "swift-subprocess"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Delivery",
            dependencies: [
                "Curl",
                "EncounterModel",
                "FHIR",
                "HL7v2",
                "Mapping",
                "MLLP",
                "Store",
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Gateway",
            dependencies: [
                "Curl",
                "Delivery",
                "EncounterModel",
                "FHIR",
                "Mapping",
                "HL7v2",
                "MLLP",
                "PostgresStore",
                "Coding",
                "Scribe",
                "Store",
                "Terminology",
                "Transcription",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdCore", package: "hummingbird"),
                .product(name: "HummingbirdTLS", package: "hummingbird"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOHTTPTypes", package: "swift-nio-extras"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Yams", package: "Yams"),
                .product(name: "Mustache", package: "swift-mustache"),
            ],
            resources: [
                .embedInCode("openapi.json"),
                .embedInCode("Console/Templates/layout.mustache"),
                .embedInCode("Console/Templates/login.mustache"),
                .embedInCode("Console/Templates/error.mustache"),
                .embedInCode("Console/Templates/dashboard.mustache"),
                .embedInCode("Console/Templates/messages.mustache"),
                .embedInCode("Console/Templates/message.mustache"),
                .embedInCode("Console/Templates/outbox.mustache"),
                .embedInCode("Console/Templates/confirm.mustache"),
                .embedInCode("Console/Templates/playground.mustache"),
                .embedInCode("Console/Templates/keys.mustache"),
                .embedInCode("Console/Templates/settings.mustache"),
                .embedInCode("Console/Templates/mappings.mustache"),
                .embedInCode("Console/Templates/audit.mustache"),
                .embedInCode("Console/Assets/console.css"),
                .embedInCode("Console/Assets/console.js"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "notebridge",
            dependencies: [
                "Curl",
                "FHIR",
                "Mapping",
                "Gateway",
                "HL7v2",
                "MLLP",
                "Coding",
                "Scribe",
                "Store",
                "Terminology",
                "Transcription",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "TestSupport",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "HL7v2Tests",
            dependencies: ["HL7v2"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "FHIRTests",
            dependencies: ["FHIR"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MappingTests",
            dependencies: ["Mapping", "EncounterModel", "FHIR", "HL7v2", "Scribe", "Coding"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TerminologyTests",
            dependencies: ["Terminology"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CodingTests",
            dependencies: ["Coding", "Scribe", "Terminology"],
            exclude: ["Fixtures"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ScribeTests",
            dependencies: ["Scribe", "Terminology", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MLLPTests",
            dependencies: [
                "MLLP",
                "TestSupport",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOTestUtils", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: [
                "PostgresStore",
                "Store",
                "TestSupport",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "CurlTests",
            dependencies: [
                "TestSupport",
                "Curl",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DeliveryTests",
            dependencies: [
                "Curl",
                "Delivery",
                "EncounterModel",
                "FHIR",
                "HL7v2",
                "Mapping",
                "MLLP",
                "Store",
                "TestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "_CryptoExtras", package: "swift-crypto"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "TranscriptionTests",
            dependencies: [
                "Curl",
                "Transcription",
                "TestSupport",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "NIOSSL", package: "swift-nio-ssl"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "GatewayTests",
            dependencies: [
                .product(name: "Crypto", package: "swift-crypto"),
                "Delivery",
                "EncounterModel",
                "FHIR",
                "Gateway",
                "Mapping",
                "HL7v2",
                "MLLP",
                "PostgresStore",
                "Store",
                "TestSupport",
                "Transcription",
                .product(name: "GRDB", package: "GRDB.swift"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "HummingbirdTesting", package: "hummingbird"),
                .product(name: "CoreMetrics", package: "swift-metrics"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
    ]
)
