import PostgresNIO

/// Decoding of the ledger's rows, in the column order of `LedgerSQL`.
extension PostgresRowSequence {
    /// Rows of `id, merkle_root, manifest, policy, storage_hint, block_height`, one at a time.
    func forEachAnchorRecord(_ body: (AnchorRecord) throws -> Void) async throws {
        for try await (id, root, manifest, policy, storageHint, height) in decode((Int64, String, String, String, String, Int64?).self) {
            try body(AnchorRecord(id: id, merkleRoot: root, manifest: manifest, policy: policy, storageHint: storageHint, blockHeight: height))
        }
    }

    /// Rows of `id, merkle_root, manifest, policy, storage_hint, block_height`.
    func anchorRecords() async throws -> [AnchorRecord] {
        var anchors = [AnchorRecord]()
        try await forEachAnchorRecord { anchors.append($0) }
        return anchors
    }

    /// Rows of `height, previous_hash, anchors_root, hash`.
    func ledgerBlocks() async throws -> [LedgerBlock] {
        var blocks = [LedgerBlock]()
        for try await (height, previousHash, anchorsRoot, hash) in decode((Int64, String, String, String).self) {
            blocks.append(LedgerBlock(height: height, previousHash: previousHash, anchorsRoot: anchorsRoot, hash: hash))
        }
        return blocks
    }
}
