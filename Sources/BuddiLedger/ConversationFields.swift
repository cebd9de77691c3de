/// One named field of a conversation with its canonical string value (ISO-8601 timestamps,
/// canonical JSON with sorted keys for nested values; the pipeline decides).
package struct ConversationField: Sendable, Codable, Equatable {
    package var name: String
    package var value: String

    package init(name: String, value: String) {
        self.name = name
        self.value = value
    }
}

/// The fields of a conversation that its Merkle tree covers, sorted by name (UTF-8 byte order),
/// each name once.
package struct ConversationFields: Sendable, Equatable {
    /// The fields, sorted by name.
    package let fields: [ConversationField]

    /// Sorts the fields by name; throws if a name occurs twice.
    package init(_ pairs: [(name: String, value: String)]) throws(MerkleError) {
        let listed = pairs.map { ConversationField(name: $0.name, value: $0.value) }
        let precedes = { (left: ConversationField, right: ConversationField) in left.name.utf8.lexicographicallyPrecedes(right.name.utf8) }
        // Callers that list the fields in order (every fingerprint does) are not sorted again.
        let sorted = zip(listed, listed.dropFirst()).allSatisfy(precedes) ? listed : listed.sorted(by: precedes)
        for (previous, next) in zip(sorted, sorted.dropFirst()) where previous.name == next.name {
            throw .duplicateField(next.name)
        }
        fields = sorted
    }

    /// The position of the field `name`, if there is one.
    func index(of name: String) -> Int? {
        fields.firstIndex { $0.name == name }
    }
}
