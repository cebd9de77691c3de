import PostgresNIO

/// The ledger that anchors conversations: stands in for æternity's AnchorRegistry and AccessNFT
/// contracts, so that a real backend can replace the mock (`PostgresLedger`) later.
package protocol Ledger: Sendable {
    /// Anchors a Merkle root; returns the anchor. Runs on the caller's connection, inside its
    /// transaction, so the anchor exists iff the caller commits.
    func anchor(merkleRoot: String, manifest: String, policy: String, storageHint: String, on connection: PostgresConnection) async throws -> LedgerAnchor
    /// Mints an access token for an anchor (AccessNFT.mint(owner, anchor_id, token_uri)).
    func mint(owner: String, anchorID: Int64, on connection: PostgresConnection) async throws -> LedgerToken
    /// AnchorRegistry.verify_anchor(anchor_id, merkle_root): whether the anchor exists and
    /// holds this root.
    func verifyAnchor(id: Int64, merkleRoot: String) async throws -> Bool
    /// Anchors a batch of roots on the caller's connection; returns the anchors in the order of
    /// `requests`. All or none: it throws before anchoring if a request is invalid.
    func anchor(_ requests: [AnchorRequest], on connection: PostgresConnection) async throws -> [LedgerAnchor]
    /// Mints a batch of tokens on the caller's connection; returns them in the order of
    /// `requests`.
    func mint(_ requests: [MintRequest], on connection: PostgresConnection) async throws -> [LedgerToken]
}

extension Ledger {
    /// One at a time, for a backend without batches.
    package func anchor(_ requests: [AnchorRequest], on connection: PostgresConnection) async throws -> [LedgerAnchor] {
        var anchors = [LedgerAnchor]()
        for request in requests {
            anchors.append(try await anchor(
                merkleRoot: request.merkleRoot, manifest: request.manifest, policy: request.policy,
                storageHint: request.storageHint, on: connection))
        }
        return anchors
    }

    /// One at a time, for a backend without batches.
    package func mint(_ requests: [MintRequest], on connection: PostgresConnection) async throws -> [LedgerToken] {
        var tokens = [LedgerToken]()
        for request in requests {
            tokens.append(try await mint(owner: request.owner, anchorID: request.anchorID, on: connection))
        }
        return tokens
    }
}
