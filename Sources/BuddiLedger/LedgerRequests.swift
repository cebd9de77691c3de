/// One Merkle root to anchor, for `Ledger.anchor(_:on:)`.
package struct AnchorRequest: Sendable, Equatable {
    /// 64 hex digits.
    package var merkleRoot: String
    package var manifest: String
    package var policy: String
    package var storageHint: String

    package init(merkleRoot: String, manifest: String, policy: String, storageHint: String) {
        self.merkleRoot = merkleRoot
        self.manifest = manifest
        self.policy = policy
        self.storageHint = storageHint
    }
}

/// One token to mint, for `Ledger.mint(_:on:)`.
package struct MintRequest: Sendable, Equatable {
    package var owner: String
    package var anchorID: Int64

    package init(owner: String, anchorID: Int64) {
        self.owner = owner
        self.anchorID = anchorID
    }
}
