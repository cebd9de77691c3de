/// An anchor as stored: what its leaf in a block's anchors tree covers, and its block.
struct AnchorRecord: Sendable {
    var id: Int64
    var merkleRoot: String
    var manifest: String
    var policy: String
    var storageHint: String
    /// nil until sealed.
    var blockHeight: Int64?

    /// The anchor's leaf in its block's anchors tree.
    var leafHash: MerkleHash {
        MerkleEncoding.anchorLeaf(id: id, merkleRoot: merkleRoot, manifest: manifest, policy: policy, storageHint: storageHint)
    }

    /// The Merkle tree over the leaves of a block's `anchors`, given in id order (as the
    /// queries of `LedgerSQL` return them); its root is the block's anchors root.
    static func anchorsTree(_ anchors: [AnchorRecord]) -> MerkleLevels {
        MerkleLevels(leaves: anchors.map(\.leafHash))
    }
}
