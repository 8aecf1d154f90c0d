// swift-tools-version:6.0
import PackageDescription

let package = Package(
    name: "Cairn",
    platforms: [.macOS(.v15)],
    products: [
        .library(name: "Cairn", targets: ["Cairn"]),
        .library(name: "CairnSQLite", targets: ["CairnSQLite"]),
        .library(name: "CairnProviders", targets: ["CairnProviders"]),
        .library(name: "CairnTesting", targets: ["CairnTesting"]),
        .executable(name: "cairn", targets: ["cairn"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
        .package(url: "https://github.com/groue/GRDB.swift", from: "7.0.0"),
        .package(url: "https://github.com/apple/swift-log", from: "1.6.0"),
        .package(url: "https://github.com/apple/swift-metrics", from: "2.5.0"),
        .package(url: "https://github.com/apple/swift-collections", from: "1.1.0"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.0.0"),
        .package(url: "https://github.com/onevcat/Rainbow", from: "4.0.0"),
    ],
    targets: [
        .target(
            name: "Cairn",
            dependencies: [
                .product(name: "Yams", package: "Yams"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "OrderedCollections", package: "swift-collections"),
                .product(name: "HeapModule", package: "swift-collections"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        .target(
            name: "CairnSQLite",
            dependencies: ["Cairn", .product(name: "GRDB", package: "GRDB.swift")]
        ),
        .target(
            name: "CairnProviders",
            dependencies: [
                "Cairn", .product(name: "GRDB", package: "GRDB.swift"), .product(name: "Yams", package: "Yams"),
            ]
        ),
        .target(name: "CairnTesting", dependencies: ["Cairn"]),
        .target(
            name: "CairnCLI",
            dependencies: [
                "Cairn", "CairnSQLite", "CairnProviders",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Rainbow", package: "Rainbow"),
            ]
        ),
        .executableTarget(name: "cairn", dependencies: ["CairnCLI", .product(name: "ArgumentParser", package: "swift-argument-parser")]),
        .executableTarget(name: "cairn-bench", dependencies: ["Cairn", "CairnSQLite", "CairnProviders"]),
        .testTarget(
            name: "CairnTests",
            dependencies: [
                "Cairn", "CairnSQLite", "CairnProviders", "CairnTesting", .product(name: "GRDB", package: "GRDB.swift"),
            ]
        ),
        .testTarget(name: "CairnCLITests", dependencies: ["Cairn", "CairnSQLite"]),
    ]
)
