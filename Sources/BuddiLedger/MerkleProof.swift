/// The proof that one field, with its value, is covered by a conversation's Merkle root: the
/// field and the siblings on the way from its leaf up to the root.
package struct MerkleProof: Sendable, Codable, Equatable {
    /// The field proven.
    package var field: ConversationField
    /// The siblings from the field's leaf up to the root.
    package var steps: [MerkleStep]

    package init(field: ConversationField, steps: [MerkleStep]) {
        self.field = field
        self.steps = steps
    }

    /// The root this proof leads to.
    package var computedRoot: MerkleHash {
        MerkleStep.root(from: MerkleEncoding.fieldLeaf(name: field.name, value: field.value), following: steps)
    }

    /// Whether the field is covered by `root` (64 hex digits).
    package func verify(root: String) -> Bool {
        MerkleHash(hex: root) == computedRoot
    }
}
