// swift-tools-version:6.0
// A separate package so that the main build never links a target without main():
// libFuzzer supplies main() only when built with -sanitize=fuzzer (see scripts/fuzz).
import PackageDescription

let package = Package(
    name: "MigshFuzz",
    // scripts/fuzz points MIGSH_FUZZ_ROOT at a link named `migsh` to the checkout, so the
    // dependency's identity is `migsh` whatever the checkout's folder is called.
    dependencies: [.package(path: Context.environment["MIGSH_FUZZ_ROOT"] ?? "../../migsh")],
    targets: [
        .executableTarget(
            name: "MigshFuzz",
            dependencies: [.product(name: "MigshShell", package: "migsh")],
            swiftSettings: [.unsafeFlags(["-parse-as-library"])]
        ),
    ],
    swiftLanguageModes: [.v6]
)
