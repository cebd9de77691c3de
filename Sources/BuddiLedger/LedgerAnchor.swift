import Foundation

/// A Merkle root anchored in the AnchorRegistry contract.
public struct LedgerAnchor: Sendable, Codable, Equatable {
    /// Unique across all workers and restarts.
    public var id: Int64
    /// The anchored root, 64 lowercase hex digits.
    public var merkleRoot: String
    /// The AnchorRegistry contract's address, `ct_…`.
    public var contractAddress: String
    public var createdAt: Date

    public init(id: Int64, merkleRoot: String, contractAddress: String, createdAt: Date) {
        self.id = id
        self.merkleRoot = merkleRoot
        self.contractAddress = contractAddress
        self.createdAt = createdAt
    }
}
