/// Errors of the ledger, each with a message a person understands.
package enum LedgerError: Error, CustomStringConvertible, Equatable {
    /// A Merkle root to anchor is not 64 hex digits.
    case invalidMerkleRoot(String)
    /// A token was asked for an anchor that does not exist.
    case anchorNotFound(Int64)
    /// A token owner was empty.
    case emptyOwner
    /// The ledger's tables hold no deployment: the migrations have not run.
    case notDeployed

    package var description: String {
        switch self {
        case .invalidMerkleRoot(let root): "cannot anchor \"\(root)\": a Merkle root is 64 hex digits"
        case .anchorNotFound(let id): "cannot mint a token for anchor \(id): there is no such anchor"
        case .emptyOwner: "cannot mint a token without an owner"
        case .notDeployed: "the ledger is not deployed: run `buddi migrate`"
        }
    }
}
