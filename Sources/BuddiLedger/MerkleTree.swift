/// The Merkle tree (SHA-256) over a conversation's fields. Leaves are the fields sorted by
/// name, hashed as in `MerkleEncoding`; the root is stored with the conversation and anchored
/// in the ledger. The same fields give the same root on every machine and in every release.
package struct MerkleTree: Sendable {
    /// The fields the tree covers, sorted by name.
    package let fields: ConversationFields
    private let levels: MerkleLevels

    /// The tree over `fields`.
    package init(fields: ConversationFields) {
        self.fields = fields
        levels = MerkleLevels(leaves: fields.fields.map { MerkleEncoding.fieldLeaf(name: $0.name, value: $0.value) })
    }

    /// The tree over name/value pairs in any order; throws if a name occurs twice.
    package init(_ pairs: [(name: String, value: String)]) throws(MerkleError) {
        self.init(fields: try ConversationFields(pairs))
    }

    /// The root as 64 lowercase hex digits.
    package var root: String { levels.root.hex }

    /// The proof that the field `name`, with its value, is covered by `root`.
    package func proof(forField name: String) throws(MerkleError) -> MerkleProof {
        guard let index = fields.index(of: name) else { throw .unknownField(name) }
        return MerkleProof(field: fields.fields[index], steps: levels.path(forLeafAt: index))
    }
}
