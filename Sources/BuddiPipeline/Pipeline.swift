import PostgresResilience
import BuddiAPI
import BuddiLedger
import JobQueue
import Logging
import PostgresNIO

/// The ingestion pipeline's job handlers: `fetch` and `process`.
package enum Pipeline {
    /// The account access tokens are minted to.
    package static let tokenOwner = "ak_buddi"
    /// Who may read an anchored conversation, as its anchor records.
    static let anchorPolicy = "owner-only"
    /// How long one attempt of a fetch, and of a process job, may run before it is stopped and
    /// retried (a fetch resumes from its checkpoint).
    package static let fetchTimeout: Duration = .seconds(30 * 60)
    package static let processTimeout: Duration = .seconds(5 * 60)

    /// What runs when pipeline jobs end: a fetch job cancelled or discarded before it finished
    /// records its run as failed, in the transaction that ended it, so that status, /metrics and
    /// the monitoring views all read the same outcome, and it survives the job being pruned.
    package static let hooks: JobHooks = {
        var hooks = JobHooks()
        hooks.onEnd(of: FetchArgs.kind) { end, connection in
            guard end.state == .cancelled || end.state == .discarded else { return }
            try await connection.query(FetchRunSQL.endedUnfinished(jobID: end.id, state: end.state.rawValue), logger: Logger(label: "buddi.pipeline"))
        }
        return hooks
    }()

    /// The queue every process of the pipeline enqueues to and cancels on: with the pipeline's
    /// hooks, so that a cancel records what it ends.
    package static func queue(client: DatabaseClient, logger: Logger) -> JobQueue {
        JobQueue(client: client, hooks: hooks, logger: logger)
    }

    /// Registers both handlers, and the pipeline's hooks. The fetch writes `ledger`'s anchors and
    /// tokens in the statement that stores each conversation, so the ledger is the one in the
    /// same database; process jobs (what 0.1.0 left pending) anchor and mint through it.
    package static func register(
        into registry: inout JobRegistry, client: DatabaseClient, api: BuddiAPIClient, ledger: PostgresLedger, logger: Logger
    ) {
        let store = ConversationStore(logger: logger)
        let fetch = FetchJob(client: client, api: api, store: store, ledger: ledger, drafter: PageDrafter())
        let process = ProcessJob(
            client: client, ledger: ledger, analyzer: .shared, store: store, tokenOwner: tokenOwner)
        registry.hooks.merge(hooks)
        registry.register(FetchArgs.self, timeout: fetchTimeout) { args, context in try await fetch.run(args, context: context) }
        registry.register(ProcessArgs.self, timeout: processTimeout) { args, context in try await process.run(args, context: context) }
    }
}
