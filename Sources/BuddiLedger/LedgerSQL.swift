import PostgresNIO

/// Every statement the ledger runs, in one place. The tables are created by
/// buddi's migrations.
enum LedgerSQL {
    /// The deployment whose id the contract addresses derive from.
    static let deploymentID: PostgresQuery = "SELECT deployment_id FROM ledger_deployment"

    /// Anchors a batch of roots in the order given, so the ids ascend in that order; returns
    /// the ids and times.
    static func insertAnchors(merkleRoots: [String], manifests: [String], policies: [String], storageHints: [String]) -> PostgresQuery {
        """
        INSERT INTO ledger_anchors (merkle_root, manifest, policy, storage_hint)
        SELECT u.merkle_root, u.manifest, u.policy, u.storage_hint
        FROM unnest(\(merkleRoots)::text[], \(manifests)::text[], \(policies)::text[], \(storageHints)::text[])
             WITH ORDINALITY AS u(merkle_root, manifest, policy, storage_hint, ord)
        ORDER BY u.ord
        RETURNING id, created_at
        """
    }

    /// Mints a batch of tokens in the order given, so the ids ascend in that order, skipping
    /// those whose anchor does not exist; returns the ids and anchor ids.
    static func insertTokens(owners: [String], anchorIDs: [Int64]) -> PostgresQuery {
        """
        INSERT INTO ledger_tokens (anchor_id, owner)
        SELECT a.id, u.owner
        FROM unnest(\(anchorIDs)::int8[], \(owners)::text[]) WITH ORDINALITY AS u(anchor_id, owner, ord)
        JOIN ledger_anchors a ON a.id = u.anchor_id
        ORDER BY u.ord
        RETURNING id, anchor_id
        """
    }

    /// Whether the anchor `id` holds `merkleRoot`.
    static func anchorHolds(id: Int64, merkleRoot: String) -> PostgresQuery {
        "SELECT EXISTS (SELECT 1 FROM ledger_anchors WHERE id = \(id) AND merkle_root = \(merkleRoot))"
    }

    /// The columns an anchor is read with (`LedgerRows` decodes them in this order).
    static let anchorColumns = "id, merkle_root, manifest, policy, storage_hint, block_height"

    /// The columns a block is read with.
    static let blockColumns = "height, previous_hash, anchors_root, hash"

    // MARK: Sealing

    /// Serializes sealers across processes until the transaction ends.
    static let sealerLock: PostgresQuery = "SELECT pg_advisory_xact_lock(hashtextextended('buddi.ledger.sealer', 0))"

    /// The chain head: the highest block.
    static let head: PostgresQuery = """
        SELECT \(unescaped: blockColumns) FROM ledger_blocks ORDER BY height DESC LIMIT 1
        """

    /// The oldest `limit` anchors not sealed yet.
    static func unsealedAnchors(limit: Int) -> PostgresQuery {
        """
        SELECT \(unescaped: anchorColumns) FROM ledger_anchors
        WHERE block_height IS NULL ORDER BY id LIMIT \(limit)
        """
    }

    static func insertBlock(_ block: LedgerBlock) -> PostgresQuery {
        """
        INSERT INTO ledger_blocks (height, previous_hash, anchors_root, hash)
        VALUES (\(block.height), \(block.previousHash), \(block.anchorsRoot), \(block.hash))
        """
    }

    static func seal(anchorIDs: [Int64], intoBlock height: Int64) -> PostgresQuery {
        "UPDATE ledger_anchors SET block_height = \(height) WHERE id = ANY(\(anchorIDs)::int8[])"
    }

    // MARK: Verification

    static func anchors(ids: [Int64]) -> PostgresQuery {
        """
        SELECT \(unescaped: anchorColumns) FROM ledger_anchors
        WHERE id = ANY(\(ids)::int8[])
        """
    }

    static func anchors(inBlock height: Int64) -> PostgresQuery {
        """
        SELECT \(unescaped: anchorColumns) FROM ledger_anchors
        WHERE block_height = \(height) ORDER BY id
        """
    }

    /// Every sealed anchor, by block and id.
    static let sealedAnchors: PostgresQuery = """
        SELECT \(unescaped: anchorColumns) FROM ledger_anchors
        WHERE block_height IS NOT NULL ORDER BY block_height, id
        """

    /// The blocks at `heights` (those that exist).
    static func blocks(atHeights heights: [Int64]) -> PostgresQuery {
        """
        SELECT \(unescaped: blockColumns) FROM ledger_blocks
        WHERE height = ANY(\(heights)::int8[]) ORDER BY height
        """
    }

    /// Every block, by height.
    static let blocks: PostgresQuery = """
        SELECT \(unescaped: blockColumns) FROM ledger_blocks ORDER BY height
        """
}
