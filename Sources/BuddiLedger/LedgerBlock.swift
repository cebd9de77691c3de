/// A sealed block: a batch of anchors, chained to the block before it by hash.
package struct LedgerBlock: Sendable, Equatable {
    /// 0 for the first block, then one more than the previous block.
    package var height: Int64
    /// The previous block's hash; 64 zeros for the first block.
    package var previousHash: String
    /// The Merkle root of the block's anchors' leaf hashes, in anchor id order.
    package var anchorsRoot: String
    /// SHA-256 over the previous hash, the height and the anchors root (see `MerkleEncoding`).
    package var hash: String

    /// The previous hash of the first block.
    static let genesisPreviousHash = MerkleHash.zero.hex

    /// The block that follows `previous` (nil: the first block) and holds `anchors`.
    init(after previous: LedgerBlock?, anchors: [AnchorRecord]) {
        height = previous.map { $0.height + 1 } ?? 0
        previousHash = previous?.hash ?? Self.genesisPreviousHash
        anchorsRoot = AnchorRecord.anchorsTree(anchors).root.hex
        hash = MerkleEncoding.block(previousHash: previousHash, height: height, anchorsRoot: anchorsRoot).hex
    }

    init(height: Int64, previousHash: String, anchorsRoot: String, hash: String) {
        self.height = height
        self.previousHash = previousHash
        self.anchorsRoot = anchorsRoot
        self.hash = hash
    }

    /// The hash its contents give, to compare with the stored `hash`.
    var recomputedHash: String {
        MerkleEncoding.block(previousHash: previousHash, height: height, anchorsRoot: anchorsRoot).hex
    }
}
