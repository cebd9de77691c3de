import Foundation

/// A Merkle root anchored in the AnchorRegistry contract.
package struct LedgerAnchor: Sendable, Codable, Equatable {
    /// Unique across all workers and restarts.
    package var id: Int64
    /// The anchored root, 64 lowercase hex digits.
    package var merkleRoot: String
    /// The AnchorRegistry contract's address, `ct_…`.
    package var contractAddress: String
    package var createdAt: Date

    package init(id: Int64, merkleRoot: String, contractAddress: String, createdAt: Date) {
        self.id = id
        self.merkleRoot = merkleRoot
        self.contractAddress = contractAddress
        self.createdAt = createdAt
    }
}
