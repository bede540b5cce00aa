// swift-tools-version:6.1
// A nested package, as swift-nio's Benchmarks/ is: `swift build` and `swift test` of sockdiag itself never resolve
// or build package-benchmark. Run from this directory: `swift package benchmark --target SockDiagBenchmarks`.
import PackageDescription

let package = Package(
    name: "sockdiag-benchmarks",
    dependencies: [
        // `name:` makes the parent's identity `sockdiag` whatever its checkout directory is called
        // (a path dependency's identity is otherwise the directory name: wt-bench, main, a CI clone…).
        .package(name: "sockdiag", path: ".."),
        .package(url: "https://github.com/ordo-one/benchmark", from: "1.38.1", traits: ["MallocInterposer"]),
    ],
    targets: [
        .executableTarget(
            name: "SockDiagBenchmarks",
            dependencies: [
                .product(name: "Benchmark", package: "benchmark"),
                .product(name: "SockDiag", package: "sockdiag"),
            ],
            path: "SockDiagBenchmarks",
            plugins: [
                .plugin(name: "BenchmarkPlugin", package: "benchmark")
            ]
        ),
        .executableTarget(
            name: "sockdiag-floor",
            dependencies: [
                .product(name: "SockDiag", package: "sockdiag")
            ],
            path: "SockDiagFloor"
        ),
    ]
)
