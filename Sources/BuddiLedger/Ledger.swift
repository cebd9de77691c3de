import PostgresNIO

/// The ledger that anchors conversations: stands in for æternity's AnchorRegistry and AccessNFT
/// contracts, so that a real backend can replace the mock (`PostgresLedger`) later.
public protocol Ledger: Sendable {
    /// Anchors a Merkle root; returns the anchor. Runs on the caller's connection, inside its
    /// transaction, so the anchor exists iff the caller commits.
    func anchor(merkleRoot: String, manifest: String, policy: String, storageHint: String, on connection: PostgresConnection) async throws -> LedgerAnchor
    /// Mints an access token for an anchor (AccessNFT.mint(owner, anchor_id, token_uri)).
    func mint(owner: String, anchorID: Int64, on connection: PostgresConnection) async throws -> LedgerToken
    /// AnchorRegistry.verify_anchor(anchor_id, merkle_root): whether the anchor exists and
    /// holds this root.
    func verifyAnchor(id: Int64, merkleRoot: String) async throws -> Bool
}
