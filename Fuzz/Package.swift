// swift-tools-version:6.0
import PackageDescription

// libFuzzer targets for Reverie's readers of untrusted input (issue 14), built apart
// from the main package so that coverage instrumentation never reaches its builds:
//   swift build --package-path Fuzz -Xswiftc -sanitize=fuzzer,address
// scripts/fuzz.sh builds and runs them for a bounded time on a seed corpus.
let package = Package(
    name: "ReverieFuzz",
    dependencies: [.package(name: "Reverie", path: "..")],
    targets: [
        // Hands libFuzzer's driver the test function of each target.
        .target(name: "LibFuzzerDriver"),
        // Trace files: header, chunk scan and recovery, record decoding, export.
        .executableTarget(name: "FuzzTraceReader", dependencies: ["LibFuzzerDriver", .product(name: "ReverieTraces", package: "Reverie")]),
        // Model files and --set overrides, through the public API only.
        .executableTarget(name: "FuzzModelFile", dependencies: ["LibFuzzerDriver", .product(name: "ReverieSpec", package: "Reverie"),
                                                                .product(name: "ReverieModels", package: "Reverie")]),
    ]
)
