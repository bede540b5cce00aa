// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "sockdiag",
    products: [
        .library(name: "SockDiag", targets: ["SockDiag"]),
        .library(name: "SockDiagFormatting", targets: ["SockDiagFormatting"]),
        .executable(name: "sockdiag", targets: ["sockdiag"]),
        .executable(name: "sockdiag-exporter", targets: ["sockdiag-exporter"]),
        .executable(name: "timewait-agent", targets: ["TimeWaitAgent"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-nio", from: "2.101.3"),
        .package(url: "https://github.com/swift-server/swift-prometheus", from: "2.4.1"),
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
        // ss's table and JSON, the `-s` summary and bind-check's report: for the CLI and the tests, so that the
        // exporter and agents link only the core.
        .target(
            name: "SockDiagFormatting",
            dependencies: ["SockDiag"]
        ),
        .executableTarget(
            name: "sockdiag",
            dependencies: [
                "SockDiag",
                "SockDiagFormatting",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]
        ),
        // The Prometheus exporter is its own binary, so that `sockdiag` links neither NIO nor Prometheus
        // (`sockdiag exporter …` execs it).
        .executableTarget(
            name: "sockdiag-exporter",
            dependencies: [
                "SockDiag",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Prometheus", package: "swift-prometheus"),
            ]
        ),
        .executableTarget(
            name: "TimeWaitAgent",
            dependencies: ["SockDiag"],
            path: "Examples/TimeWaitAgent"
        ),
        // What the test targets share: ss rows, fixtures, namespaces, socket populations, processes, a seeded
        // random generator (as swift-nio's NIOTestUtils). Not a product: only the tests link it.
        .target(
            name: "SockDiagTestSupport",
            dependencies: ["SockDiag"],
            path: "Tests/SockDiagTestSupport"
        ),
        .testTarget(
            name: "SockDiagTests",
            dependencies: ["SockDiag", "SockDiagTestSupport"]
        ),
        .testTarget(
            name: "SockDiagFormattingTests",
            dependencies: ["SockDiag", "SockDiagFormatting", "SockDiagTestSupport"]
        ),
        // Unit tests of the command line (no root, no kernel).
        .testTarget(
            name: "SockDiagCLITests",
            dependencies: ["sockdiag"]
        ),
        // Against the real kernel, ss and the built executables; most suites need root (private namespaces).
        .testTarget(
            name: "SockDiagIntegrationTests",
            dependencies: ["SockDiag", "SockDiagTestSupport", "sockdiag", "sockdiag-exporter", "TimeWaitAgent"]
        ),
    ]
)
