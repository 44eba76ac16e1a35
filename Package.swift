// swift-tools-version:6.1
import PackageDescription

let upcoming: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "tailor",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "tailor", targets: ["tailor"]),
        .executable(name: "tailor-lab", targets: ["tailor-lab"]),
        .library(name: "TailorHTTP2", targets: ["TailorHTTP2"]),
        .library(name: "TailorWire", targets: ["TailorWire"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
        .package(url: "https://github.com/apple/swift-nio-http2.git", from: "1.46.0"),
        .package(url: "https://github.com/apple/swift-http-types.git", from: "1.8.0"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-protobuf.git", from: "1.39.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-collections.git", from: "1.6.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/HdrHistogram/hdrhistogram-swift.git", from: "0.2.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1", traits: []),
        .package(url: "https://github.com/groue/GRDB.swift.git", from: "7.10.0"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", from: "4.5.2"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/yaslab/CSV.swift", from: "2.5.2"),
    ],
    targets: [
        .systemLibrary(
            name: "CNGHTTP2",
            pkgConfig: "libnghttp2",
            providers: [.apt(["libnghttp2-dev"])]
        ),
        .target(
            name: "TailorHTTP2",
            dependencies: [
                "CNGHTTP2",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "DequeModule", package: "swift-collections"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorModel",
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorObservability",
            dependencies: [
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorCRDT",
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorScoring",
            dependencies: ["TailorModel", "TailorCRDT", .product(name: "DequeModule", package: "swift-collections")],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorImport",
            dependencies: ["TailorModel", "TailorTrust", .product(name: "CSV", package: "CSV.swift")],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorDemo",
            dependencies: ["TailorModel"],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorMembership",
            dependencies: ["TailorCRDT"],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorWire",
            dependencies: [
                "TailorModel",
                "TailorCRDT",
                "TailorOutcomes",
                "TailorJourneys",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            exclude: ["README.md"],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorJourneys",
            dependencies: ["TailorModel", "TailorScoring"],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorOutcomes",
            dependencies: ["TailorModel", "TailorCRDT", "TailorTrust"],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorTrust",
            dependencies: [.product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorRPC",
            dependencies: [
                .product(name: "Logging", package: "swift-log"),
                "TailorWire",
                "TailorTrust",
                "TailorHTTP2",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorStore",
            dependencies: ["TailorCRDT", .product(name: "GRDB", package: "GRDB.swift")],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorGossip",
            dependencies: [
                "TailorTrust",
                "TailorMembership",
                "TailorCRDT",
                "TailorWire",
                "TailorRPC",
                "TailorHTTP2",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Metrics", package: "swift-metrics"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorNode",
            dependencies: [
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
                "TailorTrust",
                "TailorProcess",
                "TailorModel",
                "TailorScoring",
                "TailorWire",
                "TailorRPC",
                "TailorMembership",
                "TailorHTTP2",
                "TailorGossip",
                "TailorStore",
                "TailorCRDT",
                "TailorOutcomes",
                "TailorJourneys",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorGateway",
            dependencies: [
                "TailorTrust",
                "TailorImport",
                "TailorOutcomes",
                "TailorJourneys",
                "TailorModel",
                "TailorScoring",
                "TailorWire",
                "TailorRPC",
                "TailorMembership",
                "TailorHTTP2",
                "TailorGossip",
                "TailorObservability",
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ],
            // The console's pages and the storefront snippet, served as files (no build step).
            resources: [.copy("Web")],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorSettings",
            dependencies: [.product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorProcess",
            dependencies: [.product(name: "ServiceLifecycle", package: "swift-service-lifecycle")],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorClient",
            dependencies: [
                "TailorModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorEval",
            dependencies: ["TailorModel", "TailorScoring", "TailorDemo", "TailorMembership", "TailorClient", "TailorJourneys"],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorCommands",
            dependencies: [
                "TailorImport",
                "TailorRPC",
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "TailorTrust",
                "TailorHTTP2",
                "TailorGossip",
                "TailorModel",
                "TailorDemo",
                "TailorNode",
                "TailorGateway",
                "TailorMembership",
                "TailorStore",
                "TailorObservability",
                "TailorSettings",
                "TailorProcess",
                "TailorClient",
                "TailorOutcomes",
                "TailorEval",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "tailor",
            dependencies: [
                "TailorCommands",
                "TailorSettings",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorTesting",
            dependencies: [
                "TailorProcess",
                "TailorClient",
                "TailorModel",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .target(
            name: "TailorLab",
            dependencies: [
                "TailorGateway",
                "TailorOutcomes",
                "TailorJourneys",
                "TailorTrust",
                "TailorCommands",
                "TailorHTTP2",
                "TailorWire",
                "TailorRPC",
                "TailorGossip",
                "TailorModel",
                "TailorDemo",
                "TailorNode",
                "TailorMembership",
                "TailorStore",
                "TailorCRDT",
                "TailorScoring",
                "TailorSettings",
                "TailorProcess",
                "TailorTesting",
                "TailorClient",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Histogram", package: "hdrhistogram-swift"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: upcoming
        ),
        .executableTarget(
            name: "tailor-lab",
            dependencies: ["TailorLab", .product(name: "ArgumentParser", package: "swift-argument-parser")],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorHTTP2Tests",
            dependencies: [
                "TailorProcess",
                "TailorTesting",
                "TailorHTTP2",
                "TailorWire",
                "TailorRPC",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP2", package: "swift-nio-http2"),
                .product(name: "NIOHPACK", package: "swift-nio-http2"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorModelTests",
            dependencies: ["TailorModel"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorScoringTests",
            dependencies: ["TailorScoring", "TailorModel", "TailorCRDT"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorJourneysTests",
            dependencies: ["TailorJourneys", "TailorModel", "TailorDemo", "TailorEval"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorOutcomesTests",
            dependencies: ["TailorOutcomes", "TailorModel", "TailorTrust"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorCRDTTests",
            dependencies: ["TailorCRDT"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorImportTests",
            dependencies: ["TailorImport", "TailorModel"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorDemoTests",
            dependencies: ["TailorDemo", "TailorScoring", "TailorModel"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorClusterTests",
            dependencies: [
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                "tailor", "tailor-lab", "TailorCommands", "TailorLab", "TailorSettings", "TailorProcess", "TailorClient", "TailorEval",
                "TailorTesting", "TailorModel", "TailorDemo",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorGatewayTests",
            dependencies: [
                "TailorGateway",
                "TailorModel",
                "TailorJourneys",
                "TailorWire",
                "TailorMembership",
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorNodeTests",
            dependencies: [
                "TailorTrust",
                "TailorCommands",
                "TailorNode", "TailorModel", "TailorScoring", "TailorWire", "TailorMembership", "TailorHTTP2", "TailorDemo",
                "TailorCRDT", "TailorGossip", "TailorStore",
                .product(name: "HTTPTypes", package: "swift-http-types"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorStoreTests",
            dependencies: ["TailorStore", "TailorCRDT"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorMembershipTests",
            dependencies: ["TailorMembership", "TailorCRDT"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorWireTests",
            dependencies: [
                "TailorWire",
                "TailorModel",
                .product(name: "SwiftProtobuf", package: "swift-protobuf"),
            ],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorTrustTests",
            dependencies: ["TailorTrust"],
            swiftSettings: upcoming
        ),
        .testTarget(
            name: "TailorRPCTests",
            dependencies: [
                "TailorRPC",
                "TailorTrust",
                "TailorWire",
                "TailorHTTP2",
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "HTTPTypes", package: "swift-http-types"),
            ],
            swiftSettings: upcoming
        ),
    ]
)
