// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "sockdiag",
    products: [
        .library(name: "SockDiag", targets: ["SockDiag"]),
        .executable(name: "sockdiag", targets: ["sockdiag"]),
        .executable(name: "timewait-agent", targets: ["TimeWaitAgent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        // Only for `swift package generate-documentation`; builds nothing into the products.
        .package(url: "https://github.com/swiftlang/swift-docc-plugin", from: "1.5.0"),
    ],
    targets: [
        .systemLibrary(
            name: "CMnl",
            pkgConfig: "libmnl",
            providers: [.apt(["libmnl-dev"])]
        ),
        .target(
            name: "CSockDiag",
            dependencies: ["CMnl"]
        ),
        .target(
            name: "SockDiag",
            dependencies: ["CSockDiag"]
        ),
        .executableTarget(
            name: "sockdiag",
            dependencies: [
                "SockDiag",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        .executableTarget(
            name: "TimeWaitAgent",
            dependencies: ["SockDiag"],
            path: "Examples/TimeWaitAgent"
        ),
        .testTarget(
            name: "SockDiagTests",
            dependencies: ["SockDiag"]
        ),
        .testTarget(
            name: "SockDiagIntegrationTests",
            dependencies: ["SockDiag", "sockdiag", "TimeWaitAgent"]
        ),
    ]
)
