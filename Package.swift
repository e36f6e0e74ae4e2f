// swift-tools-version:6.0
import PackageDescription

// Hot loops keep dynamic exclusivity checks in debug builds (and tests) only.
let fast: [SwiftSetting] = [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

// Targets depend one way: Kernel ← Models ← Spec ← reverie (the CLI); Report (tables, plots) is a leaf.
let package = Package(
    name: "Reverie",
    platforms: [.macOS(.v13)],
    products: [
        .executable(name: "reverie", targets: ["reverie"]),
        .library(name: "ReverieKernel", targets: ["ReverieKernel"]),
        .library(name: "ReverieModels", targets: ["ReverieModels"]),
        .library(name: "ReverieSpec", targets: ["ReverieSpec"]),
        .library(name: "ReverieReport", targets: ["ReverieReport"]),
        .library(name: "ReverieTraces", targets: ["ReverieTraces"]),
        .library(name: "ReverieTransport", targets: ["ReverieTransport"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.5.0"),
        .package(url: "https://github.com/jpsim/Yams", from: "6.0.0"),
    ],
    targets: [
        // Time, ids, event queue, scheduler, connectivity storage, sinks, RNG.
        .target(name: "ReverieKernel", swiftSettings: fast),
        // The dense inner loops (fan-out, field assembly), AVX2 when available.
        .target(name: "CReverieSIMD", cSettings: [.unsafeFlags(["-O3", "-ffp-contract=off"])]),
        // Unit models and plasticity rules built on the kernel.
        .target(name: "ReverieModels", dependencies: ["ReverieKernel", "CReverieSIMD"], swiftSettings: fast),
        // Result tables (CSV/JSON) and SVG plots.
        .target(name: "ReverieReport"),
        // Model files: parsing, validation, building networks, running protocols.
        .target(name: "ReverieSpec", dependencies: ["ReverieKernel", "ReverieModels", "ReverieReport", "ReverieTraces", "Yams"]),
        // Trace files: format, recorder sink, reader with recovery, export.
        .target(name: "ReverieTraces", dependencies: ["ReverieKernel"], swiftSettings: fast),
        // libzmq (system library; the only target that links it is ReverieTransport).
        .systemLibrary(name: "CZeroMQ", pkgConfig: "libzmq", providers: [.apt(["libzmq3-dev"]), .brew(["zeromq"])]),
        // Live streaming over ZeroMQ: publisher sink and subscriber.
        .target(name: "ReverieTransport", dependencies: ["ReverieKernel", "ReverieTraces", "CZeroMQ"], swiftSettings: fast),
        .executableTarget(
            name: "reverie",
            dependencies: [
                "ReverieKernel", "ReverieModels", "ReverieReport", "ReverieSpec", "ReverieTraces", "ReverieTransport",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ]),
        .testTarget(name: "ReverieKernelTests", dependencies: ["ReverieKernel"]),
        .testTarget(name: "ReverieModelsTests", dependencies: ["ReverieKernel", "ReverieModels", "CReverieSIMD"]),
        .testTarget(name: "ReverieReportTests", dependencies: ["ReverieReport"]),
        .testTarget(name: "ReverieSpecTests", dependencies: ["ReverieKernel", "ReverieModels", "ReverieSpec"]),
        .testTarget(name: "ReverieTracesTests", dependencies: ["ReverieKernel", "ReverieModels", "ReverieSpec", "ReverieTraces"]),
        .testTarget(name: "ReverieTransportTests", dependencies: ["ReverieKernel", "ReverieTraces", "ReverieTransport"]),
        .testTarget(name: "ReverieCLITests", dependencies: ["reverie"]),
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
