import BuddiAnalytics
import BuddiAPI
import BuddiLedger
import JobQueue
import Logging
import PostgresNIO

/// The ingestion pipeline's job handlers: `fetch` and `process`.
public enum Pipeline {
    /// Conversations per `process` job.
    public static let processBatchSize = 100
    /// The account access tokens are minted to.
    public static let tokenOwner = "ak_buddi"

    /// Registers both handlers; `ledger` anchors and mints (the Postgres mock, or a real backend).
    public static func register(
        into registry: inout JobRegistry, client: PostgresClient, api: BuddiAPIClient, ledger: any Ledger, logger: Logger
    ) {
        let store = ConversationStore(logger: logger)
        let fetch = FetchJob(
            client: client, api: api, store: store, queue: JobQueue(client: client, logger: logger),
            processBatchSize: processBatchSize)
        let process = ProcessJob(
            client: client, ledger: ledger, analyzer: .shared, store: store, tokenOwner: tokenOwner)
        registry.register(FetchArgs.self) { args, context in try await fetch.run(args, context: context) }
        registry.register(ProcessArgs.self) { args, context in try await process.run(args, context: context) }
    }
}
