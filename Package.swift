// swift-tools-version: 6.1
import PackageDescription

let package = Package(
    name: "spojka",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "spojka", targets: ["spojka"]),
    ],
    dependencies: [
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/vapor/sqlite-nio.git", from: "1.13.2"),
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/mattpolzin/OpenAPIKit.git", from: "6.4.0", traits: []),
        .package(url: "https://github.com/jpsim/Yams.git", from: "6.2.2"),
        .package(url: "https://github.com/modelcontextprotocol/swift-sdk.git", from: "0.12.1"),
    ],
    targets: [
        .target(name: "SpojkaCore"),
        .target(name: "SpojkaSecrets", dependencies: [
            "SpojkaCore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "_CryptoExtras", package: "swift-crypto"),
        ]),
        .target(name: "SpojkaStore", dependencies: [
            "SpojkaCore",
            .product(name: "SQLiteNIO", package: "sqlite-nio"),
            .product(name: "PostgresNIO", package: "postgres-nio"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "SpojkaConnectorKit", dependencies: ["SpojkaCore", .product(name: "Crypto", package: "swift-crypto")]),
        .target(name: "SpojkaOpenAPIImport", dependencies: [
            "SpojkaCore", "SpojkaConnectorKit",
            .product(name: "OpenAPIKit", package: "OpenAPIKit"),
            .product(name: "OpenAPIKit30", package: "OpenAPIKit"),
            .product(name: "OpenAPIKitCompat", package: "OpenAPIKit"),
            .product(name: "Yams", package: "Yams"),
        ]),
        .target(name: "SpojkaOutbound", dependencies: [
            "SpojkaConnectorKit",
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .target(name: "SpojkaConnectors", dependencies: [
            "SpojkaCore", "SpojkaConnectorKit",
            .product(name: "PostgresNIO", package: "postgres-nio"),
        ],
                resources: [.copy("Manifests")]),
        // Connection lifecycle: create, verify, rotate, delete, calls through a connection, scrubbing, and OAuth
        // (apps, authorisation, single-flight refresh), which a call needs inline.
        .target(name: "SpojkaConnections", dependencies: [
            "SpojkaCore", "SpojkaSecrets", "SpojkaConnectorKit",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        // Workflows and runs: save-time validation, compiled graphs, the interpreter, the durable journal, schedules.
        .target(name: "SpojkaRuns", dependencies: [
            "SpojkaCore", "SpojkaConnectorKit", "SpojkaConnections",
            .product(name: "Logging", package: "swift-log"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .target(name: "SpojkaAPI", dependencies: [
            "SpojkaCore", "SpojkaSecrets", "SpojkaConnectorKit", "SpojkaConnections", "SpojkaRuns",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .systemLibrary(name: "CZlib"),
        .target(name: "SpojkaConsole", dependencies: [
            "CZlib", .product(name: "Hummingbird", package: "hummingbird"),
        ], resources: [.copy("Web")]),
        .target(name: "SpojkaMCP", dependencies: [
            "SpojkaCore", "SpojkaConnectorKit", "SpojkaConnections",
            .product(name: "MCP", package: "swift-sdk"),
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Logging", package: "swift-log"),
        ]),
        .target(name: "SpojkaServer", dependencies: [
            "SpojkaCore", "SpojkaSecrets", "SpojkaStore", "SpojkaAPI", "SpojkaMCP", "SpojkaConnectorKit", "SpojkaConnectors", "SpojkaOutbound", "SpojkaConnections", "SpojkaRuns",
            "SpojkaConsole",
            .product(name: "Hummingbird", package: "hummingbird"),
            .product(name: "Prometheus", package: "swift-prometheus"),
            .product(name: "Metrics", package: "swift-metrics"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            .product(name: "UnixSignals", package: "swift-service-lifecycle"),
        ]),
        .executableTarget(name: "spojka", dependencies: [
            "SpojkaServer", "SpojkaSecrets", "SpojkaStore", "SpojkaCore", "SpojkaConnectorKit", "SpojkaOpenAPIImport",
            .product(name: "ArgumentParser", package: "swift-argument-parser"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
        ]),
        .executableTarget(name: "spojka-bench", dependencies: [
            "SpojkaServer", "SpojkaSecrets", "SpojkaCore", "SpojkaConnectorKit", "SpojkaConnectors", "SpojkaOutbound", "SpojkaTestSupport",
            "SpojkaConnections", "SpojkaRuns", "SpojkaStore",
            .product(name: "Crypto", package: "swift-crypto"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .target(name: "SpojkaTestSupport", dependencies: [
            "SpojkaCore", "SpojkaStore", "SpojkaSecrets", "SpojkaServer",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
        ]),
        .testTarget(name: "SpojkaCoreTests", dependencies: ["SpojkaCore"]),
        .testTarget(name: "SpojkaConnectionsTests", dependencies: ["SpojkaConnections", "SpojkaCore"]),
        .testTarget(name: "SpojkaRunsTests", dependencies: ["SpojkaRuns", "SpojkaCore"]),
        .testTarget(name: "SpojkaSecretsTests", dependencies: ["SpojkaSecrets", "SpojkaTestSupport"]),
        .testTarget(name: "SpojkaStoreTests", dependencies: ["SpojkaStore", "SpojkaRuns", "SpojkaTestSupport"]),
        .testTarget(name: "SpojkaConnectorKitTests", dependencies: ["SpojkaConnectorKit", "SpojkaCore"]),
        .testTarget(name: "SpojkaConnectorsTests", dependencies: ["SpojkaConnectors", "SpojkaConnectorKit", "SpojkaCore"]),
        .testTarget(name: "SpojkaAPITests", dependencies: [
            "SpojkaAPI", "SpojkaServer", "SpojkaTestSupport", "SpojkaCore", "SpojkaConnectorKit", "SpojkaSecrets",
            .product(name: "HummingbirdTesting", package: "hummingbird"),
            .product(name: "AsyncHTTPClient", package: "async-http-client"),
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "SpojkaOutboundTests", dependencies: [
            "SpojkaOutbound", "SpojkaConnectorKit", "SpojkaConnectors", "SpojkaCore", "SpojkaTestSupport", "SpojkaOpenAPIImport",
            "SpojkaConnections", "SpojkaStore", "SpojkaSecrets",
            .product(name: "Hummingbird", package: "hummingbird"),
        ]),
        .testTarget(name: "SpojkaServerTests", dependencies: [
            "SpojkaServer", "SpojkaTestSupport", "SpojkaCore", .product(name: "Hummingbird", package: "hummingbird"),
        ]),
    ],
    swiftLanguageModes: [.v6]
)
