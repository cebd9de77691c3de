/// One Merkle root to anchor, for `Ledger.anchor(_:on:)`.
public struct AnchorRequest: Sendable, Equatable {
    /// 64 hex digits.
    public var merkleRoot: String
    public var manifest: String
    public var policy: String
    public var storageHint: String

    public init(merkleRoot: String, manifest: String, policy: String, storageHint: String) {
        self.merkleRoot = merkleRoot
        self.manifest = manifest
        self.policy = policy
        self.storageHint = storageHint
    }
}

/// One token to mint, for `Ledger.mint(_:on:)`.
public struct MintRequest: Sendable, Equatable {
    public var owner: String
    public var anchorID: Int64

    public init(owner: String, anchorID: Int64) {
        self.owner = owner
        self.anchorID = anchorID
    }
}
