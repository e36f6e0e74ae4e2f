// swift-tools-version:6.0
import PackageDescription

// Targets depend one way: Kernel ← Spec (the model-file language, registry, run loop glue) ← Models (the
// families: binary, predictive coding, spiking) ← reverie (the CLI); Traces and Transport sit on the kernel;
// Report (tables, plots) is a leaf.
let package = Package(
    name: "Reverie",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "reverie", targets: ["reverie"]),
        .executable(name: "reverie-bench", targets: ["reverie-bench"]),
        .library(name: "ReverieKernel", targets: ["ReverieKernel"]),
        .library(name: "ReverieModels", targets: ["ReverieModels"]),
        .library(name: "ReverieSpec", targets: ["ReverieSpec"]),
        .library(name: "ReverieReport", targets: ["ReverieReport"]),
        .library(name: "ReverieTraces", targets: ["ReverieTraces"]),
        .library(name: "ReverieSONATA", targets: ["ReverieSONATA"]),
        .library(name: "ReverieTransport", targets: ["ReverieTransport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // Time, ids, event queue, scheduler, connectivity and dense kernels, rule and sink protocols, RNG,
        // the family protocol and the run loop (`Simulation`).
        .target(name: "ReverieKernel", dependencies: ["CReverieSIMD"]),
        // The dense inner loops (fan-out, field assembly), AVX2 when available.
        .target(name: "CReverieSIMD"),
        // Result tables (CSV/JSON) and SVG plots.
        .target(name: "ReverieReport"),
        // Model files: parsing with path-naming errors, the family/rule/phase registry, the generic
        // parts of a model, the run context and runner, the shared `run` phase.
        .target(name: "ReverieSpec", dependencies: ["ReverieKernel", "ReverieReport", "Yams"]),
        // The model families (one folder each), their unit models, rules and phases, and the standard registry.
        .target(name: "ReverieModels", dependencies: ["ReverieKernel", "ReverieSpec", "ReverieReport", "ReverieTraces", "ReverieSONATA", "CReverieSIMD"]),
        // Trace files: format, recorder sink, reader with recovery, export.
        .target(name: "ReverieTraces", dependencies: ["ReverieKernel"]),
        // The HDF5 C library (system library; the only target that links it is ReverieSONATA). Debian's
        // pkg-config name for the serial library: `hdf5` may point at the MPI build.
        .systemLibrary(name: "CHDF5", pkgConfig: "hdf5-serial", providers: [.apt(["libhdf5-dev"])]),
        // SONATA files through HDF5: spike files, reports, nodes and edges; traces exported to them.
        .target(name: "ReverieSONATA", dependencies: ["ReverieKernel", "ReverieTraces", "CHDF5"]),
        // Open MPI (system library; the only target that links it is ReverieMPI).
        .systemLibrary(name: "CMPI", pkgConfig: "ompi-c", providers: [.apt(["libopenmpi-dev", "openmpi-bin"])]),
        // Runs across MPI ranks: the communicator and the spike exchange between ranks.
        .target(name: "ReverieMPI", dependencies: ["ReverieKernel", "CMPI"]),
        // libzmq (system library; the only target that links it is ReverieTransport).
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"]), .brew(["zeromq"])]),
        // Live streaming over ZeroMQ: publisher sink and subscriber.
        .target(name: "ReverieTransport", dependencies: ["ReverieKernel", "ReverieTraces", "CZeroMQ"]),
        .executableTarget(
            name: "reverie",
            dependencies: [
                "ReverieKernel", "ReverieModels", "ReverieMPI", "ReverieReport", "ReverieSONATA", "ReverieSpec", "ReverieTraces",
                "ReverieTransport", .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        // The benchmarks and their peers, beside the tool: `swift build -c release --product reverie-bench`.
        .executableTarget(
            name: "reverie-bench",
            dependencies: [
                "ReverieKernel", "ReverieModels", "ReverieSpec", "ReverieTraces", "ReverieTransport", "CRoofline",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            path: "Benchmarks/Sources/reverie-bench"),
        // Bandwidth and flop probes of `reverie-bench roofline` (beside the tool, not in it).
        .target(name: "CRoofline", path: "Benchmarks/Sources/CRoofline"),
        .testTarget(name: "ReverieKernelTests", dependencies: ["ReverieKernel", "CReverieSIMD"]),
        .testTarget(name: "ReverieModelsTests", dependencies: ["ReverieKernel", "ReverieModels", "ReverieSpec", "CReverieSIMD"]),
        .testTarget(name: "ReverieReportTests", dependencies: ["ReverieReport"]),
        .testTarget(name: "ReverieSpecTests", dependencies: ["ReverieKernel", "ReverieModels", "ReverieSpec", "ReverieReport"]),
        .testTarget(name: "ReverieTracesTests", dependencies: ["ReverieKernel", "ReverieModels", "ReverieSpec", "ReverieTraces"]),
        .testTarget(name: "ReverieSONATATests", dependencies: ["ReverieKernel", "ReverieModels", "ReverieSONATA", "ReverieSpec", "ReverieTraces"]),
        .testTarget(name: "ReverieTransportTests", dependencies: ["ReverieKernel", "ReverieTraces", "ReverieTransport"]),
        .testTarget(name: "ReverieCLITests", dependencies: ["reverie", "reverie-bench"]),
    ]
)

// The web monitor (`reverie monitor --web`): an HTTP + WebSocket server (Hummingbird) and the page it serves.
// ReverieTransport stays the only target that links libzmq; ReverieWeb only reads decoded stream messages.
package.platforms = [.macOS(.v14)]  // Hummingbird 2 needs macOS 14
package.dependencies += [
    .package(url: "https://github.com/hummingbird-project/hummingbird", from: "2.28.1"),
    .package(url: "https://github.com/hummingbird-project/hummingbird-websocket", from: "2.8.1"),
]
package.products.append(.library(name: "ReverieWeb", targets: ["ReverieWeb"]))
package.targets += [
    .target(name: "ReverieWeb",
            dependencies: ["ReverieKernel", "ReverieTraces", "ReverieTransport",
                           .product(name: "Hummingbird", package: "hummingbird"),
                           .product(name: "HummingbirdCore", package: "hummingbird"),
                           .product(name: "HummingbirdWebSocket", package: "hummingbird-websocket")],
            resources: [.embedInCode("Page/index.html"), .embedInCode("Page/monitor.js"), .embedInCode("Page/monitor.css")]),
    .testTarget(name: "ReverieWebTests", dependencies: ["ReverieKernel", "ReverieTraces", "ReverieTransport", "ReverieWeb"]),
]
package.targets.first { $0.name == "reverie" }!.dependencies.append("ReverieWeb")
