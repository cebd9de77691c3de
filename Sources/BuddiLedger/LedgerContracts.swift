import Crypto
import Foundation

/// The addresses of the two mock contracts of one deployment. The migration creates the
/// deployment once, with a random id; each address is `ct_` followed by the Base58Check of
/// SHA-256("buddi/<contract>/<deployment id>"), so every process derives the same addresses.
package struct LedgerContracts: Sendable, Equatable {
    /// The AnchorRegistry contract's address.
    package let anchorRegistry: String
    /// The AccessNFT contract's address.
    package let accessNFT: String

    /// The addresses of the deployment `deploymentID`.
    package init(deploymentID: UUID) {
        anchorRegistry = Self.address(of: "AnchorRegistry", deploymentID: deploymentID)
        accessNFT = Self.address(of: "AccessNFT", deploymentID: deploymentID)
    }

    private static func address(of contract: String, deploymentID: UUID) -> String {
        let seed = "buddi/\(contract)/\(deploymentID.uuidString.lowercased())"
        return "ct_" + Base58Check.encode(Array(SHA256.hash(data: Array(seed.utf8))))
    }
}
