import Logging
import PostgresNIO
import ServiceLifecycle
import PostgresResilience

/// Seals anchors into hash-chained blocks: every `interval`, all anchors not sealed yet go into
/// the next block(s), each block in one transaction under an advisory lock, so that any number of
/// processes may run a sealer. Anchoring never waits for it: anchors only get their block later.
package struct LedgerSealer: Service {
    private let client: DatabaseClient
    private let logger: Logger
    private let interval: Duration
    private let maxAnchorsPerBlock: Int

    /// - Parameters:
    ///   - interval: the time between two rounds of sealing.
    ///   - maxAnchorsPerBlock: a larger backlog is sealed into several blocks.
    package init(client: DatabaseClient, logger: Logger, interval: Duration = .seconds(1), maxAnchorsPerBlock: Int = 10_000) {
        precondition(maxAnchorsPerBlock > 0, "a block holds at least one anchor")
        self.client = client
        self.logger = logger
        self.interval = interval
        self.maxAnchorsPerBlock = maxAnchorsPerBlock
    }

    /// Seals every `interval` until graceful shutdown or cancellation; a failed round is logged
    /// and the next one runs on time.
    package func run() async {
        await cancelWhenGracefulShutdown {
            while !Task.isCancelled {
                do {
                    // Bounded: a call stuck on a connection the server closed must not stop sealing.
                    let sealer = self
                    _ = try await withDatabaseDeadline(.seconds(120), "sealing the ledger") { try await sealer.sealPending() }
                } catch is CancellationError {
                    return
                } catch {
                    logger.warning("sealing the ledger failed; will try again", metadata: ["error": "\(String(reflecting: error))"])
                }
                try? await Task.sleep(for: interval)
            }
        }
    }

    /// Seals every anchor committed before the call that is not sealed yet; returns how many
    /// anchors it sealed.
    @discardableResult
    package func sealPending() async throws -> Int {
        var sealed = 0
        while true {
            let count = try await sealNextBlock()
            sealed += count
            if count < maxAnchorsPerBlock { return sealed }
        }
    }

    /// Seals up to `maxAnchorsPerBlock` anchors into the next block; returns how many.
    private func sealNextBlock() async throws -> Int {
        try await client.transaction(logger: logger) { connection in
            try await connection.query(LedgerSQL.sealerLock, logger: logger)
            let anchors = try await connection.query(LedgerSQL.unsealedAnchors(limit: maxAnchorsPerBlock), logger: logger).anchorRecords()
            guard !anchors.isEmpty else { return 0 }
            let head = try await connection.query(LedgerSQL.head, logger: logger).ledgerBlocks().first
            let block = LedgerBlock(after: head, anchors: anchors)
            try await connection.query(LedgerSQL.insertBlock(block), logger: logger)
            try await connection.query(LedgerSQL.seal(anchorIDs: anchors.map(\.id), intoBlock: block.height), logger: logger)
            logger.debug("sealed a block", metadata: ["height": "\(block.height)", "anchors": "\(anchors.count)"])
            return anchors.count
        }
    }
}
