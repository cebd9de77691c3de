/// Errors building Merkle trees and proofs, each with a message a person understands.
package enum MerkleError: Error, CustomStringConvertible, Equatable {
    /// Two fields have the same name, so the tree would not say which value is meant.
    case duplicateField(String)
    /// A proof was asked for a field the tree does not cover.
    case unknownField(String)

    package var description: String {
        switch self {
        case .duplicateField(let name): "the field \"\(name)\" occurs more than once"
        case .unknownField(let name): "the Merkle tree has no field \"\(name)\""
        }
    }
}
