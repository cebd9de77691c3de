import Logging
import PostgresNIO
import ServiceLifecycle
import Tracing
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

    /// Seals up to `maxAnchorsPerBlock` anchors into the next block; returns how many. The block
    /// records the range of ids it closes; a range is only closed up to an id that no open
    /// transaction can still add an anchor under (see ``LedgerLocks``).
    private func sealNextBlock() async throws -> Int {
        let settled = try await settledAnchorID()
        return try await client.transaction(logger: logger) { connection in
            try await connection.query(LedgerSQL.sealerLock, logger: logger)
            let after = try await number(LedgerSQL.lastSealedAnchor, on: connection)
            guard settled > after else { return 0 }
            let anchors = try await connection.query(
                LedgerSQL.unsealedAnchors(through: settled, limit: maxAnchorsPerBlock), logger: logger).anchorRecords()
            guard let lastAnchor = anchors.last else { return 0 }
            // A span only for a block that is sealed: the sealer looks every second.
            return try await withSpan("ledger seal") { span in
                let last = anchors.count == maxAnchorsPerBlock ? lastAnchor.id : settled
                let head = try await connection.query(LedgerSQL.head, logger: logger).ledgerBlocks().first
                let block = LedgerBlock(after: head, anchors: anchors)
                try await connection.query(LedgerSQL.insertBlock(block, anchorIDs: (after + 1)...last), logger: logger)
                if span.isRecording {
                    span.attributes["ledger.block.height"] = block.height
                    span.attributes["ledger.anchors"] = anchors.count
                    span.attributes["ledger.first_anchor_id"] = after + 1
                    span.attributes["ledger.last_anchor_id"] = last
                }
                logger.debug("sealed a block", metadata: ["height": "\(block.height)", "anchors": "\(anchors.count)"])
                return anchors.count
            }
        }
    }

    /// The highest anchor id under which every anchor is committed or never will be: read once
    /// every transaction that was anchoring has ended, in a transaction of its own so that new
    /// ones wait only an instant.
    private func settledAnchorID() async throws -> Int64 {
        try await client.transaction(logger: logger) { connection in
            try await connection.query(LedgerSQL.waitForAnchoring, logger: logger)
            return try await number(LedgerSQL.highestAnchor, on: connection)
        }
    }

    private func number(_ query: PostgresQuery, on connection: PostgresConnection) async throws -> Int64 {
        for try await value in try await connection.query(query, logger: logger).decode(Int64.self) { return value }
        return 0
    }
}
