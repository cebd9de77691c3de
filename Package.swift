// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "buddi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "buddi", targets: ["BuddiCLI"]),
        .library(name: "JobQueue", targets: ["JobQueue"]),
    ],
    dependencies: [
        .package(url: "https://github.com/vapor/postgres-nio.git", from: "1.33.2"),
        .package(url: "https://github.com/swift-server/async-http-client.git", from: "1.37.0"),
        .package(url: "https://github.com/hummingbird-project/hummingbird.git", from: "2.28.1"),
        .package(url: "https://github.com/apple/swift-argument-parser.git", from: "1.8.2"),
        .package(url: "https://github.com/apple/swift-log.git", from: "1.16.2"),
        .package(url: "https://github.com/apple/swift-metrics.git", from: "2.13.0"),
        .package(url: "https://github.com/swift-server/swift-prometheus.git", from: "2.4.1"),
        .package(url: "https://github.com/swift-server/swift-service-lifecycle.git", from: "2.13.0"),
        .package(url: "https://github.com/apple/swift-crypto.git", "3.12.3"..<"5.0.0"),
        .package(url: "https://github.com/apple/swift-nio.git", from: "2.101.2"),
    ],
    targets: [
        // Bounded waits on PostgresNIO: transactions that never write to a closed connection,
        // deadlines that do not wait for a stuck call, what counts as the database interrupting.
        .target(
            name: "PostgresResilience",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Migrations: versioned SQL files applied in order, one set per owner of a schema.
        .target(
            name: "PostgresMigrations",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The queue engine: a durable job queue on PostgreSQL, with its own schema. Knows nothing of Buddi.
        .target(
            name: "JobQueue",
            dependencies: [
                "PostgresResilience", "PostgresMigrations",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            exclude: ["README.md"],
            resources: [.copy("Schema")]
        ),
        // buddi's schema: the engine's migrations, then the top-level migrations/ directory (bundled).
        .target(
            name: "BuddiMigrations",
            dependencies: [
                "JobQueue", "PostgresMigrations",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: ".",
            sources: ["Sources/BuddiMigrations"],
            resources: [.copy("migrations")]
        ),
        // A PostgreSQL server to use: DATABASE_URL, or a private cluster started on demand.
        .target(
            name: "PostgresServer",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // JSON values, their reader and their canonical writer: shared by the API client, the
        // ledger and everything that stores or serves JSON.
        .target(name: "BuddiJSON"),
        // The Buddi API client.
        .target(
            name: "BuddiAPI",
            dependencies: [
                "BuddiJSON",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // A simulator of the Buddi API with fault injection.
        .target(
            name: "BuddiSimulator",
            dependencies: [
                "BuddiAPI", "BuddiJSON",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Conversation analytics: sentiment (VADER), keywords, topics, quality and engagement.
        .target(
            name: "BuddiAnalytics",
            exclude: ["README.md"],
            resources: [.copy("Resources")]
        ),
        // The tamper-evident ledger: Merkle trees, anchors, tokens and hash-chained blocks.
        .target(
            name: "BuddiLedger",
            dependencies: [
                "PostgresResilience", "BuddiJSON",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The ingestion pipeline: fetch and process jobs, the conversation store.
        .target(
            name: "BuddiPipeline",
            dependencies: [
                "JobQueue", "BuddiAPI", "BuddiJSON", "BuddiAnalytics", "BuddiLedger", "PostgresResilience",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The scheduler: leader-elected periodic fetches, shared settings, fetch requests.
        .target(
            name: "BuddiScheduler",
            dependencies: [
                "JobQueue", "BuddiPipeline", "PostgresResilience",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // What operators read and do, shared by the CLI and the HTTP API: status, listings, exports.
        .target(
            name: "BuddiControl",
            dependencies: [
                "JobQueue", "BuddiPipeline", "BuddiScheduler", "BuddiAPI", "BuddiJSON", "PostgresResilience",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        // The HTTP API (`buddi serve`): Hummingbird routes over the control layer.
        .target(
            name: "BuddiHTTP",
            dependencies: [
                "PostgresResilience", "BuddiControl", "BuddiScheduler", "BuddiPipeline", "PostgresServer", "BuddiMigrations", "BuddiAPI", "BuddiJSON", "JobQueue",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            resources: [.copy("openapi.yaml"), .copy("Console/Assets")]
        ),
        // What a buddi process runs: the schema policy, the process runner, the cluster's
        // maintenance, the probe job, following a fetch, the process's own metrics.
        .target(
            name: "BuddiRuntime",
            dependencies: [
                "JobQueue", "BuddiMigrations", "BuddiPipeline", "BuddiLedger", "BuddiAPI", "BuddiScheduler", "BuddiHTTP",
                "PostgresServer", "PostgresResilience",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The benchmarks (`buddi bench queue|ingest|analyze`): measuring and reporting.
        .target(
            name: "BuddiBench",
            dependencies: [
                "JobQueue", "BuddiMigrations", "BuddiPipeline", "BuddiLedger", "BuddiAPI", "BuddiSimulator", "BuddiAnalytics",
                "BuddiControl", "BuddiHTTP", "BuddiScheduler", "PostgresServer", "PostgresResilience",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The fault-injection suite (`buddi chaos`): scenarios, their lab and their checks.
        .target(
            name: "BuddiChaos",
            dependencies: [
                "JobQueue", "BuddiMigrations", "BuddiPipeline", "BuddiScheduler", "BuddiAPI", "BuddiSimulator", "PostgresServer",
                "PostgresResilience",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The `buddi` command.
        .executableTarget(
            name: "BuddiCLI",
            dependencies: [
                "JobQueue", "PostgresServer", "PostgresMigrations", "BuddiAPI", "BuddiJSON", "BuddiSimulator",
                "BuddiAnalytics", "BuddiLedger", "BuddiPipeline", "BuddiScheduler", "BuddiControl", "BuddiHTTP",
                "BuddiMigrations", "PostgresResilience", "BuddiRuntime", "BuddiBench", "BuddiChaos",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // A database of its own per test on a real server, for every test target.
        .target(
            name: "DatabaseTestSupport",
            dependencies: [
                "PostgresServer", "PostgresMigrations", "PostgresResilience",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/DatabaseTestSupport"
        ),
        // What buddi's suites share: buddi's schema on a test database, and real `buddi` processes.
        .target(
            name: "BuddiTestSupport",
            dependencies: [
                "DatabaseTestSupport", "BuddiMigrations", "BuddiScheduler", "PostgresServer", "PostgresMigrations",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ],
            path: "Tests/BuddiTestSupport"
        ),
        // Headless Chromium over WebDriver, for the console's tests.
        .target(
            name: "BrowserTestSupport",
            dependencies: [
                "PostgresServer",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ],
            path: "Tests/BrowserTestSupport"
        ),
        // The engine alone: its own job kinds, its own schema, no Buddi target.
        .testTarget(
            name: "JobQueueTests",
            dependencies: [
                "JobQueue", "PostgresResilience", "PostgresMigrations", "PostgresServer", "DatabaseTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Where the database comes from and buddi's schema: migrations, upgrades, the embedded cluster, TLS.
        .testTarget(
            name: "BuddiDatabaseTests",
            dependencies: [
                "PostgresServer", "PostgresMigrations", "PostgresResilience", "BuddiMigrations", "JobQueue", "BuddiTestSupport", "DatabaseTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "BuddiPipelineTests",
            dependencies: [
                "BuddiPipeline", "BuddiSimulator", "BuddiAPI", "BuddiLedger", "JobQueue", "BuddiTestSupport", "DatabaseTestSupport", "PostgresResilience",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The scheduler: settings, fetch requests, leader-elected scheduler processes.
        .testTarget(
            name: "BuddiSchedulerTests",
            dependencies: [
                "BuddiScheduler", "BuddiPipeline", "JobQueue", "BuddiTestSupport", "DatabaseTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // What operators read: the monitoring views and the dashboards and alert rules over them.
        .testTarget(
            name: "BuddiControlTests",
            dependencies: [
                "BuddiControl", "BuddiTestSupport", "DatabaseTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
            ]
        ),
        // The HTTP API in-process on loopback: access, routes, OpenAPI, exports, bad input.
        .testTarget(
            name: "BuddiHTTPTests",
            dependencies: [
                "BuddiHTTP", "BuddiControl", "BuddiScheduler", "JobQueue", "PostgresServer", "PostgresResilience",
                "BuddiTestSupport", "DatabaseTestSupport",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
            ]
        ),
        // The `buddi` command as real processes: operator commands, worker processes, serve, demo.
        .testTarget(
            name: "BuddiCLITests",
            dependencies: [
                "BuddiPipeline", "BuddiScheduler", "JobQueue", "PostgresServer", "PostgresResilience",
                "BuddiTestSupport", "DatabaseTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // The operator's console in a real browser, over real `buddi` processes.
        .testTarget(
            name: "BuddiConsoleTests",
            dependencies: [
                "PostgresServer", "BuddiTestSupport", "DatabaseTestSupport", "BrowserTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        .testTarget(
            name: "BuddiAnalyticsTests",
            dependencies: ["BuddiAnalytics"]
        ),
        .testTarget(
            name: "BuddiJSONTests",
            dependencies: ["BuddiJSON"]
        ),
        .testTarget(
            name: "BuddiBenchTests",
            dependencies: ["BuddiBench"]
        ),
        .testTarget(
            name: "BuddiLedgerTests",
            dependencies: [
                "BuddiLedger", "BuddiJSON", "BuddiTestSupport", "DatabaseTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "BuddiAPITests",
            dependencies: [
                "BuddiAPI", "BuddiJSON", "BuddiSimulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
