// swift-tools-version:6.1
// NoteBridge fuzz targets (libFuzzer). Not part of the main package: `swift build` / `swift test` at the root never
// see it. Built and run by `Benchmarks/fuzz.sh`, which passes `-sanitize=fuzzer,address`; see Fuzz/README.md.

import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
]

let package = Package(
    name: "notebridge-fuzz",
    platforms: [.macOS(.v15)],
    dependencies: [
        .package(name: "notebridge", path: ".."),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        .target(name: "CFuzzDriver"),
        .target(name: "FuzzSupport", dependencies: ["CFuzzDriver"], swiftSettings: swiftSettings),
        .executableTarget(
            name: "FuzzHL7v2",
            dependencies: ["FuzzSupport", .product(name: "HL7v2", package: "notebridge")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzMLLP",
            dependencies: [
                "FuzzSupport",
                .product(name: "MLLP", package: "notebridge"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOEmbedded", package: "swift-nio"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzJSON",
            dependencies: ["FuzzSupport", .product(name: "FHIR", package: "notebridge")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzFHIRXML",
            dependencies: ["FuzzSupport", .product(name: "FHIR", package: "notebridge")],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "FuzzMapping",
            dependencies: ["FuzzSupport", .product(name: "Mapping", package: "notebridge")],
            swiftSettings: swiftSettings
        ),
    ]
)
