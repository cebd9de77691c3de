import PostgresNIO

/// Every statement the ledger runs, in one place. The tables are created by
/// buddi's migrations.
///
/// An anchor's block is named by its `block_height` for blocks sealed by 0.1.0, and otherwise by
/// the block whose range of anchor ids holds it (the one with the lowest `last_anchor_id` at or
/// above its id), among the anchors whose `block_height` is NULL.
enum LedgerSQL {
    /// The deployment whose id the contract addresses derive from.
    static let deploymentID: PostgresQuery = "SELECT deployment_id FROM ledger_deployment"

    /// Anchors a batch of roots in the order given, so the ids ascend in that order; returns
    /// the ids and times.
    static func insertAnchors(merkleRoots: [String], manifests: [String], policies: [String], storageHints: [String]) -> PostgresQuery {
        """
        WITH fence AS MATERIALIZED (SELECT \(unescaped: LedgerLocks.takeAnchoringShared))
        INSERT INTO ledger_anchors (merkle_root, manifest, policy, storage_hint)
        SELECT u.merkle_root, u.manifest, u.policy, u.storage_hint
        FROM fence, unnest(\(merkleRoots)::text[], \(manifests)::text[], \(policies)::text[], \(storageHints)::text[])
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

    /// The columns an anchor `a` is read with, but its block (`LedgerRows` decodes them in this
    /// order, then the block's height).
    static let anchorFields = "a.id, a.merkle_root, a.manifest, a.policy, a.storage_hint"

    /// The height of anchor `a`'s block, NULL while it is not sealed.
    static let anchorBlock = """
        COALESCE(a.block_height, (SELECT b.height FROM ledger_blocks b
                                  WHERE b.last_anchor_id >= a.id AND b.first_anchor_id <= a.id
                                  ORDER BY b.last_anchor_id LIMIT 1))
        """

    /// The columns an anchor `a` is read with.
    static let anchorColumns = "\(anchorFields), \(anchorBlock)"

    /// The highest anchor id sealed by range so far; 0 before the first range.
    static let sealedThrough = "(SELECT COALESCE(max(last_anchor_id), 0) FROM ledger_blocks)"

    /// The height of the block holding anchor `id`, if it is sealed.
    static func blockHeight(ofAnchor id: Int64) -> PostgresQuery {
        "SELECT \(unescaped: anchorBlock) FROM ledger_anchors a WHERE a.id = \(id)"
    }

    /// How many anchors are not sealed yet.
    static let unsealedCount: PostgresQuery = """
        SELECT count(*) FROM ledger_anchors a WHERE a.block_height IS NULL AND a.id > \(unescaped: sealedThrough)
        """

    /// The columns a block is read with.
    static let blockColumns = "height, previous_hash, anchors_root, hash"

    // MARK: Sealing

    /// Serializes sealers across processes until the transaction ends.
    static let sealerLock: PostgresQuery = "SELECT pg_advisory_xact_lock(hashtextextended('buddi.ledger.sealer', 0))"

    /// The chain head: the highest block.
    static let head: PostgresQuery = """
        SELECT \(unescaped: blockColumns) FROM ledger_blocks ORDER BY height DESC LIMIT 1
        """

    /// Waits until no transaction that anchors is open, and keeps others from starting until the
    /// transaction ends: then every anchor id handed out is final (committed, or never to be).
    static let waitForAnchoring: PostgresQuery = """
        SELECT 1 FROM (SELECT pg_advisory_xact_lock(\(unescaped: LedgerLocks.anchoringKey))) AS locked
        """

    /// The highest anchor id stored (0 for none).
    static let highestAnchor: PostgresQuery = "SELECT COALESCE(max(id), 0) FROM ledger_anchors"

    /// The oldest `limit` anchors not sealed yet, up to id `through`.
    static func unsealedAnchors(through: Int64, limit: Int) -> PostgresQuery {
        """
        SELECT \(unescaped: anchorFields), NULL::int8 FROM ledger_anchors a
        WHERE a.id > \(unescaped: sealedThrough) AND a.id <= \(through) AND a.block_height IS NULL
        ORDER BY a.id LIMIT \(limit)
        """
    }

    /// The highest anchor id sealed by range so far (0 before the first range).
    static let lastSealedAnchor: PostgresQuery = "SELECT \(unescaped: sealedThrough)"

    /// A block sealing the anchors of ids `first...last` that have no `block_height`.
    static func insertBlock(_ block: LedgerBlock, anchorIDs range: ClosedRange<Int64>) -> PostgresQuery {
        """
        INSERT INTO ledger_blocks (height, previous_hash, anchors_root, hash, first_anchor_id, last_anchor_id)
        VALUES (\(block.height), \(block.previousHash), \(block.anchorsRoot), \(block.hash), \(range.lowerBound), \(range.upperBound))
        """
    }

    // MARK: Verification

    static func anchors(ids: [Int64]) -> PostgresQuery {
        """
        SELECT \(unescaped: anchorColumns) FROM ledger_anchors a
        WHERE a.id = ANY(\(ids)::int8[])
        """
    }

    /// The anchors sealed in block `height`, in id order.
    static func anchors(inBlock height: Int64) -> PostgresQuery {
        """
        SELECT \(unescaped: anchorFields), a.block_height FROM ledger_anchors a WHERE a.block_height = \(height)
        UNION ALL
        SELECT \(unescaped: anchorFields), b.height FROM ledger_blocks b
        JOIN ledger_anchors a ON a.id BETWEEN b.first_anchor_id AND b.last_anchor_id AND a.block_height IS NULL
        WHERE b.height = \(height)
        ORDER BY 1
        """
    }

    /// Every sealed anchor, by block and id.
    static let sealedAnchors: PostgresQuery = """
        SELECT \(unescaped: anchorFields), a.block_height FROM ledger_anchors a WHERE a.block_height IS NOT NULL
        UNION ALL
        SELECT \(unescaped: anchorFields), b.height FROM ledger_blocks b
        JOIN ledger_anchors a ON a.id BETWEEN b.first_anchor_id AND b.last_anchor_id AND a.block_height IS NULL
        ORDER BY 6, 1
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
