/// The proof that one field, with its value, is covered by a conversation's Merkle root: the
/// field and the siblings on the way from its leaf up to the root.
public struct MerkleProof: Sendable, Codable, Equatable {
    /// The field proven.
    public var field: ConversationField
    /// The siblings from the field's leaf up to the root.
    public var steps: [MerkleStep]

    public init(field: ConversationField, steps: [MerkleStep]) {
        self.field = field
        self.steps = steps
    }

    /// The root this proof leads to.
    public var computedRoot: MerkleHash {
        MerkleStep.root(from: MerkleEncoding.fieldLeaf(name: field.name, value: field.value), following: steps)
    }

    /// Whether the field is covered by `root` (64 hex digits).
    public func verify(root: String) -> Bool {
        MerkleHash(hex: root) == computedRoot
    }
}
