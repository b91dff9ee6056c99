// swift-tools-version:6.0
import PackageDescription

// The HTTP1 sources are compiled into the fuzzer itself through the symlink
// Sources/HTTP1Fuzz/HTTP1 -> ../../../Sources/HTTP1: the root package has no HTTP1 library product,
// and a target's path may not leave its package. SwiftPM gives every executable its own main, so
// main.swift starts libFuzzer through LLVMFuzzerRunDriver, declared by the CFuzzerDriver module.
let package = Package(
    name: "HTTP1Fuzzing",
    targets: [
        .systemLibrary(name: "CFuzzerDriver"),
        .executableTarget(
            name: "HTTP1Fuzz",
            dependencies: ["CFuzzerDriver"],
            swiftSettings: [
                .swiftLanguageMode(.v6),
                .enableUpcomingFeature("ExistentialAny"),
                .enableUpcomingFeature("InternalImportsByDefault"),
                .enableUpcomingFeature("MemberImportVisibility"),
            ]
        ),
    ]
)
