import BuddiLedger
import BuddiTestSupport
import DatabaseTestSupport
import Logging
import PostgresNIO

/// A fresh migrated database with the ledger, its sealer and its verifier.
struct LedgerFixture {
    let db: TestDatabase
    let ledger: PostgresLedger
    let sealer: LedgerSealer
    let verifier: LedgerVerifier

    static func make(maxAnchorsPerBlock: Int = 10_000) async throws -> LedgerFixture {
        let db = try await TestDatabase.make()
        return LedgerFixture(
            db: db,
            ledger: PostgresLedger(client: db.client, logger: db.logger),
            sealer: LedgerSealer(client: db.client, logger: db.logger, maxAnchorsPerBlock: maxAnchorsPerBlock),
            verifier: LedgerVerifier(client: db.client, logger: db.logger))
    }

    /// Anchors `count` distinct roots in one transaction, starting at `seed`.
    func anchor(_ count: Int, seed: Int = 0) async throws -> [LedgerAnchor] {
        let ledger = ledger
        return try await db.client.withTransaction(logger: db.logger) { connection in
            var anchors = [LedgerAnchor]()
            for index in seed..<(seed + count) {
                anchors.append(try await ledger.anchor(
                    merkleRoot: try Self.root(index), manifest: #"{"n":\#(index)}"#, policy: "owner-only",
                    storageHint: "postgres://conversations/\(index)", on: connection))
            }
            return anchors
        }
    }

    /// A distinct Merkle root for each index.
    static func root(_ index: Int) throws -> String {
        try MerkleTree([("index", "\(index)")]).root
    }
}
