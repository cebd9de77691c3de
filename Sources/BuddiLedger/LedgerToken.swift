/// An access token minted by the AccessNFT contract for an anchor.
package struct LedgerToken: Sendable, Codable, Equatable {
    /// Unique across all workers and restarts.
    package var id: Int64
    package var anchorID: Int64
    package var owner: String
    /// `buddi://anchors/<anchor id>/tokens/<token id>`.
    package var tokenURI: String
    /// The AccessNFT contract's address, `ct_…`.
    package var contractAddress: String

    package init(id: Int64, anchorID: Int64, owner: String, tokenURI: String, contractAddress: String) {
        self.id = id
        self.anchorID = anchorID
        self.owner = owner
        self.tokenURI = tokenURI
        self.contractAddress = contractAddress
    }
}
