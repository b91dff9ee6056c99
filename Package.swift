// swift-tools-version:6.0
import PackageDescription

let swiftSettings: [SwiftSetting] = [
    .swiftLanguageMode(.v6),
    .enableUpcomingFeature("ExistentialAny"),
    .enableUpcomingFeature("InternalImportsByDefault"),
    .enableUpcomingFeature("MemberImportVisibility"),
]

// The request path (parsing, the event loop, the pipelined database client) without the runtime
// exclusivity checks in release builds: a class property's every mutation costed a call and a
// thread-local lookup, about a tenth of the instructions of a small request. Debug builds, which
// `make test` runs, keep the checks, so an overlapping access still fails the tests.
let hotPathSettings: [SwiftSetting] =
    swiftSettings + [.unsafeFlags(["-enforce-exclusivity=unchecked"], .when(configuration: .release))]

let package = Package(
    name: "shebao",
    platforms: [.macOS(.v15)],
    products: [
        .executable(name: "shebao", targets: ["shebao"]),
        .library(name: "Postgres", targets: ["Postgres"]),
    ],
    dependencies: [
        .package(url: "https://github.com/apple/swift-argument-parser", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log", from: "1.16.2"),
    ],
    targets: [
        // C bridges: module maps and shim headers only.
        .systemLibrary(
            name: "CLibPQ",
            pkgConfig: "libpq",
            providers: [.apt(["libpq-dev"])]
        ),
        .systemLibrary(
            name: "COpenSSL",
            pkgConfig: "openssl",
            providers: [.apt(["libssl-dev"])]
        ),
        .target(name: "CSystem"),
        .systemLibrary(
            name: "CCurl",
            pkgConfig: "libcurl",
            providers: [.apt(["libcurl4-openssl-dev"])]
        ),

        // Threads: a mutex with condition variables that wait against the monotonic clock.
        .target(name: "Locks", swiftSettings: swiftSettings),

        // Database.
        .target(name: "ConnectionPool", dependencies: ["Locks"], swiftSettings: swiftSettings),
        .target(
            name: "Postgres",
            dependencies: [
                "CLibPQ",
                "ConnectionPool",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "Migrations",
            dependencies: ["Postgres", "Security", .product(name: "Logging", package: "swift-log")],
            swiftSettings: swiftSettings
        ),
        .target(
            name: "EmbeddedPostgres",
            dependencies: ["Postgres", "CSystem"],
            swiftSettings: swiftSettings
        ),

        // Transport: HTTP/1.1 parsing and serialization (pure), TLS through the system OpenSSL.
        .target(name: "HTTP1", swiftSettings: hotPathSettings),
        .target(name: "TLS", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),

        .target(
            name: "HTTPServer",
            dependencies: ["CSystem", "HTTP1", "TLS", "Locks", .product(name: "Logging", package: "swift-log")],
            swiftSettings: hotPathSettings
        ),

        // Application.
        .target(
            name: "API",
            dependencies: [
                "HTTPServer", "HTTP1", "Postgres", "ConnectionPool", "Store", "Security", "Locks", "Domain", "Business",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The scheduler: the outbox's delivery and the recurring jobs, on threads of its own. No
        // HTTP: the `shebao scheduler` command serves its metrics.
        .target(
            name: "Scheduler",
            dependencies: [
                "Postgres", "ConnectionPool", "Store", "Domain", "Locks", "Outbound", "Business",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),

        // The domain: identifiers, money, periods, rules. Pure Swift, no I/O, imports nothing of
        // the project.
        .target(name: "Domain", swiftSettings: swiftSettings),

        // The bank files of benefit disbursement: the payment files written to the bank (fixed width,
        // pain.001) and its answers read back (fixed width, pain.002, camt.054). Pure Swift and
        // Foundation's XML parser, no I/O, imports nothing of the project.
        .target(name: "BankFiles", swiftSettings: swiftSettings),

        // Demo and scale data (`shebao admin seed-demo`).
        .target(name: "Demo", dependencies: ["Domain", "Postgres", "Security"], swiftSettings: swiftSettings),

        // Persistence: the scoped transaction every piece of office data goes through, and the
        // pieces every process writes through: the audit trail, the outbox, the policy lookup.
        .target(name: "Store", dependencies: ["Postgres", "Domain"], swiftSettings: swiftSettings),

        // The business: the workflow, the checks, the registry and the vouchers with their SQL,
        // in the domain's terms and the caller's scope. It knows no HTTP: the API and the
        // scheduler both call it.
        .target(
            name: "Business",
            dependencies: ["Domain", "Store", "Postgres", "Security", "Locks", "BankFiles"],
            swiftSettings: swiftSettings
        ),

        // Security primitives from the system OpenSSL.
        .target(name: "Security", dependencies: ["COpenSSL"], swiftSettings: swiftSettings),

        // Outbound HTTP through libcurl: the client, signed webhooks and delivery outcomes, for
        // the scheduler's SMS and webhook deliveries.
        .target(name: "Outbound", dependencies: ["CCurl", "Security"], swiftSettings: swiftSettings),

        // Executables.
        .executableTarget(
            name: "shebao",
            dependencies: [
                "Postgres",
                "Migrations",
                "EmbeddedPostgres",
                "CSystem",
                "HTTPServer",
                "HTTP1",
                "API",
                "Business",
                "Demo",
                "Scheduler",
                "Outbound",
                // `shebao disburse` GETs through libcurl beside Outbound's client, which only POSTs.
                "CCurl",
                "Store",
                "Security",
                "TLS",
                "ConnectionPool",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .executableTarget(
            name: "ShebaoBench",
            dependencies: [
                "Postgres",
                "BankFiles",
                "ConnectionPool",
                "API",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
            ],
            swiftSettings: swiftSettings
        ),

        // Test support and tests.
        .target(
            name: "TestSupport",
            dependencies: ["Postgres", "EmbeddedPostgres"],
            path: "Tests/TestSupport",
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ConnectionPoolTests",
            dependencies: ["ConnectionPool", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "HTTP1Tests", dependencies: ["HTTP1"], swiftSettings: swiftSettings),
        .testTarget(
            name: "HTTPServerTests",
            dependencies: [
                "HTTPServer", "HTTP1", "TLS", "TestSupport", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "TLSTests", dependencies: ["TLS", "COpenSSL"], swiftSettings: swiftSettings),
        .testTarget(name: "SecurityTests", dependencies: ["Security"], swiftSettings: swiftSettings),
        .testTarget(
            name: "OutboundTests",
            dependencies: [
                "Outbound", "HTTPServer", "HTTP1", "TLS", "CSystem", "TestSupport",
                .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "PostgresTests",
            dependencies: ["Postgres", "ConnectionPool", "EmbeddedPostgres", "TestSupport", "CSystem"],
            swiftSettings: swiftSettings
        ),
        .testTarget(name: "DomainTests", dependencies: ["Domain"], swiftSettings: swiftSettings),
        .testTarget(name: "BankFilesTests", dependencies: ["BankFiles"], swiftSettings: swiftSettings),
        .testTarget(
            name: "APITests",
            dependencies: ["API", "Business", "Domain", "HTTPServer", "HTTP1", "Postgres", "Security"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "DemoTests",
            dependencies: ["API", "Business", "Demo", "Domain", "Postgres", "Security", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "StoreTests",
            dependencies: ["Store", "Postgres", "ConnectionPool", "Domain", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "BusinessTests",
            dependencies: ["Business", "BankFiles", "Store", "Postgres", "Domain", "Security", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "MigrationsTests",
            dependencies: ["Migrations", "Postgres", "TestSupport"],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "SchedulerTests",
            dependencies: [
                "Scheduler", "BankFiles", "TestSupport", "Postgres", "EmbeddedPostgres", "Domain", "Outbound",
                "HTTPServer",
                "HTTP1",
                "TLS", .product(name: "Logging", package: "swift-log"),
            ],
            swiftSettings: swiftSettings
        ),
        .testTarget(
            name: "ShebaoCLITests",
            dependencies: ["TestSupport", "EmbeddedPostgres", "Postgres", "Security", "Domain"],
            swiftSettings: swiftSettings
        ),
    ]
)
