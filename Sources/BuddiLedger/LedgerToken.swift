/// An access token minted by the AccessNFT contract for an anchor.
public struct LedgerToken: Sendable, Codable, Equatable {
    /// Unique across all workers and restarts.
    public var id: Int64
    public var anchorID: Int64
    public var owner: String
    /// `buddi://anchors/<anchor id>/tokens/<token id>`.
    public var tokenURI: String
    /// The AccessNFT contract's address, `ct_…`.
    public var contractAddress: String

    public init(id: Int64, anchorID: Int64, owner: String, tokenURI: String, contractAddress: String) {
        self.id = id
        self.anchorID = anchorID
        self.owner = owner
        self.tokenURI = tokenURI
        self.contractAddress = contractAddress
    }
}
