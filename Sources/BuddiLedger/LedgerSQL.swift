import PostgresNIO

/// Every statement the ledger runs, in one place. The tables are created by
/// migrations/0004_ledger.sql.
enum LedgerSQL {
    /// The deployment whose id the contract addresses derive from.
    static let deploymentID: PostgresQuery = "SELECT deployment_id FROM ledger_deployment"

    /// Anchors one root; returns its id and time.
    static func insertAnchor(merkleRoot: String, manifest: String, policy: String, storageHint: String) -> PostgresQuery {
        """
        INSERT INTO ledger_anchors (merkle_root, manifest, policy, storage_hint)
        VALUES (\(merkleRoot), \(manifest), \(policy), \(storageHint))
        RETURNING id, created_at
        """
    }

    /// Mints one token for an existing anchor; returns no row if there is no such anchor.
    static func insertToken(owner: String, anchorID: Int64) -> PostgresQuery {
        """
        INSERT INTO ledger_tokens (anchor_id, owner)
        SELECT id, \(owner) FROM ledger_anchors WHERE id = \(anchorID)
        RETURNING id
        """
    }

    /// Whether the anchor `id` holds `merkleRoot`.
    static func anchorHolds(id: Int64, merkleRoot: String) -> PostgresQuery {
        "SELECT EXISTS (SELECT 1 FROM ledger_anchors WHERE id = \(id) AND merkle_root = \(merkleRoot))"
    }
}
