// swift-tools-version:6.1
import PackageDescription

let package = Package(
    name: "buddi",
    platforms: [.macOS(.v14)],
    products: [
        .executable(name: "buddi", targets: ["BuddiCLI"]),
        .executable(name: "buddi-lab", targets: ["BuddiLabCLI"]),
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
        .package(url: "https://github.com/apple/swift-distributed-tracing.git", from: "1.7.3"),
        // OTLP over HTTP only: the gRPC exporter would bring grpc-swift and its build time for nothing.
        .package(url: "https://github.com/swift-otel/swift-otel.git", from: "1.6.0", traits: ["OTLPHTTP"]),
    ],
    targets: [
        // Bounded waits on PostgresNIO: transactions that never write to a closed connection, deadlines
        // that do not wait for a stuck call, what counts as the database interrupting.
        .target(
            name: "PostgresResilience",
            dependencies: [
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "_ConnectionPoolModule", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Versioned SQL migrations applied in order, one set per owner of a schema.
        .target(
            name: "PostgresMigrations",
            dependencies: [
                "PostgresResilience",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
            ]
        ),
        // The queue engine: a durable job queue on PostgreSQL with its own schema. Knows nothing of Buddi.
        .target(
            name: "JobQueue",
            dependencies: [
                "PostgresResilience", "PostgresMigrations",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            exclude: ["README.md"],
            resources: [.copy("Schema")]
        ),
        // A PostgreSQL server to use: DATABASE_URL, or a private cluster started on demand.
        .target(
            name: "PostgresServer",
            dependencies: [
                "PostgresResilience",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOPosix", package: "swift-nio"),
            ]
        ),
        // JSON values and the Buddi API client: paging, retries, rate limit. No database.
        .target(
            name: "BuddiAPI",
            dependencies: [
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "NIOHTTP1", package: "swift-nio"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // A simulator of the Buddi API with fault injection.
        .target(
            name: "BuddiSimulator",
            dependencies: [
                "BuddiAPI",
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
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
                "PostgresResilience", "BuddiAPI",
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ]
        ),
        // The application on the engine: its schema (Schema/migrations, bundled; the top-level
        // migrations/ links to it), the fetch and process jobs, the conversation store, the
        // scheduler, and what operators read.
        .target(
            name: "BuddiPipeline",
            dependencies: [
                "JobQueue", "PostgresMigrations", "PostgresResilience", "BuddiAPI", "BuddiAnalytics", "BuddiLedger",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            resources: [.copy("Schema/migrations")]
        ),
        // The HTTP API (`buddi serve`): Hummingbird routes over the pipeline, and the console.
        .target(
            name: "BuddiHTTP",
            dependencies: [
                "BuddiPipeline", "BuddiAPI", "JobQueue", "PostgresResilience",
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "Crypto", package: "swift-crypto"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
            ],
            resources: [.copy("openapi.yaml"), .copy("Console/Assets")]
        ),
        // What both executables share: the environment, database options and schema policy, logging.
        .target(
            name: "BuddiRuntime",
            dependencies: [
                "BuddiPipeline", "JobQueue", "PostgresServer", "PostgresResilience", "BuddiAPI",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "OTel", package: "swift-otel"),
            ]
        ),
        // The `buddi` command operators deploy.
        .executableTarget(
            name: "BuddiCLI",
            dependencies: [
                "BuddiRuntime", "BuddiPipeline", "BuddiHTTP", "BuddiSimulator", "BuddiAnalytics", "BuddiLedger", "BuddiAPI", "JobQueue", "PostgresServer", "PostgresMigrations", "PostgresResilience",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "UnixSignals", package: "swift-service-lifecycle"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "Metrics", package: "swift-metrics"),
                .product(name: "Prometheus", package: "swift-prometheus"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
        // Benchmarks and the chaos suite, measuring and breaking real buddi processes.
        .target(
            name: "BuddiLab",
            dependencies: [
                "BuddiPipeline", "BuddiHTTP", "BuddiSimulator", "BuddiAnalytics", "BuddiLedger", "BuddiAPI", "JobQueue", "PostgresServer", "PostgresResilience",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "Hummingbird", package: "hummingbird"),
                .product(name: "NIOCore", package: "swift-nio"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // The `buddi-lab` command: `bench …` and `chaos …`.
        .executableTarget(
            name: "BuddiLabCLI",
            dependencies: [
                "BuddiLab", "BuddiRuntime", "JobQueue", "PostgresServer",
                .product(name: "ArgumentParser", package: "swift-argument-parser"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
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
                "DatabaseTestSupport", "BuddiPipeline", "PostgresServer", "PostgresMigrations",
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
                .product(name: "Tracing", package: "swift-distributed-tracing"),
                .product(name: "Logging", package: "swift-log"),
                .product(name: "ServiceLifecycle", package: "swift-service-lifecycle"),
            ]
        ),
        // Where the database comes from and buddi's schema: migrations, upgrades, the embedded cluster, TLS.
        .testTarget(
            name: "BuddiDatabaseTests",
            dependencies: [
                "PostgresServer", "PostgresMigrations", "PostgresResilience", "BuddiPipeline", "JobQueue", "BuddiTestSupport", "DatabaseTestSupport",
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
            ],
            resources: [.copy("Fixtures")]
        ),
        // The HTTP API in-process on loopback: access, routes, OpenAPI, exports, bad input.
        .testTarget(
            name: "BuddiHTTPTests",
            dependencies: [
                "BuddiHTTP", "BuddiPipeline", "BuddiAPI", "JobQueue", "PostgresServer", "PostgresResilience",
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
                "BuddiPipeline", "JobQueue", "PostgresServer", "PostgresResilience",
                "BuddiTestSupport", "DatabaseTestSupport", "BrowserTestSupport",
                .product(name: "Logging", package: "swift-log"),
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
            name: "BuddiLabTests",
            dependencies: ["BuddiLab"]
        ),
        .testTarget(
            name: "BuddiLedgerTests",
            dependencies: [
                "BuddiLedger", "BuddiAPI", "BuddiTestSupport", "DatabaseTestSupport",
                .product(name: "PostgresNIO", package: "postgres-nio"),
                .product(name: "Logging", package: "swift-log"),
            ]
        ),
        .testTarget(
            name: "BuddiAPITests",
            dependencies: [
                "BuddiAPI", "BuddiSimulator",
                .product(name: "Logging", package: "swift-log"),
                .product(name: "AsyncHTTPClient", package: "async-http-client"),
                .product(name: "NIOCore", package: "swift-nio"),
            ]
        ),
    ],
    swiftLanguageModes: [.v6]
)
