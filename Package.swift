// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

let package = Package(
    name: "migsh",
    products: [
        .executable(name: "migsh", targets: ["migsh"]),
        .library(name: "MigshCore", targets: ["MigshCore"]),
        // For the fuzzing package in Fuzz/ (and embedders): the shell without libedit.
        .library(name: "MigshShell", targets: ["MigshShell"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-crypto", from: "4.5.2"),
    ],
    targets: [
        // System SQLite through its C API (libsqlite3-dev).
        .systemLibrary(
            name: "CMigshSQLite",
            pkgConfig: "sqlite3",
            providers: [.apt(["libsqlite3-dev"])]
        ),
        // System libedit for the interactive shell (libedit-dev).
        .systemLibrary(
            name: "CMigshEdit",
            pkgConfig: "libedit",
            providers: [.apt(["libedit-dev"])]
        ),
        // What migsh used from full Foundation, on FoundationEssentials and Glibc (docs/foundation.md):
        // `package` helpers the test targets do not import, so tests that import Foundation see no
        // ambiguity. Full Foundation (and its 34 MB of ICU data) stays out of the migsh binary.
        .target(
            name: "MigshBase",
            swiftSettings: swiftSettings
        ),
        // System zlib (zlib1g-dev): sqlar and ZIP store deflate data.
        .systemLibrary(
            name: "CMigshZlib",
            pkgConfig: "zlib",
            providers: [.apt(["zlib1g-dev"])]
        ),
        // The engine: no terminal I/O; returns values and throws typed errors.
        .target(
            name: "MigshCore",
            dependencies: [
                "MigshBase",
                "CMigshSQLite",
                "CMigshZlib",
                .product(name: "Crypto", package: "swift-crypto"),
            ],
            swiftSettings: swiftSettings
        ),
        // The shell: command line, session, dot-commands, rendering, the REPL over a LineReader.
        .target(
            name: "MigshShell",
            dependencies: [
                "MigshBase",
                "MigshCore",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),
        // The only target that links libedit: the LineReader the executable hands the shell.
        .target(
            name: "MigshInteractive",
            dependencies: ["MigshBase", "MigshShell", "CMigshEdit"],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "migsh",
            dependencies: ["MigshShell", "MigshInteractive"],
            swiftSettings: swiftSettings
        ),
        // migsh(1) from the command line's declarations (ManualPage), for scripts/install.
        .executableTarget(
            name: "migsh-manual",
            dependencies: ["MigshShell"],
            swiftSettings: swiftSettings
        ),
        // posix_spawn-based child processes for the tests (Foundation's Process crashed the runner).
        .target(
            name: "MigshTestSupport",
            path: "Tests/MigshTestSupport",
            swiftSettings: swiftSettings
        ),
        // MigshBase's helpers against Foundation, the oracle; RawFiles names files by bytes.
        .testTarget(
            name: "MigshBaseTests",
            dependencies: ["MigshBase", "MigshTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MigshCoreTests",
            dependencies: ["MigshCore", "MigshBase", "CMigshSQLite", "MigshTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MigshShellTests",
            dependencies: ["MigshShell", "CMigshSQLite", "MigshTestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MigshEndToEndTests",
            dependencies: ["MigshCore", "MigshTestSupport", .product(name: "Crypto", package: "swift-crypto")],
            swiftSettings: swiftSettings
        ),
    ],
    swiftLanguageModes: [.v6]
)
